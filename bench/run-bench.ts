import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killAllChildrenNow, stopAllChildren } from './children.js';

/*
 * What every bench's entry point shares: a scratch folder for its servers' data, and a process
 * that, interrupted or crashed, leaves no server child or temp data behind.
 */

const scratchDirs = new Set<string>();

/** A fresh temp folder, removed when the bench ends however it ends (or earlier with removeScratchDir). */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  scratchDirs.add(dir);
  return dir;
}

export function removeScratchDir(dir: string): void {
  scratchDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** Parses a numeric flag: its default when absent, a clear error when not a number ≥ min. */
export function numberOption(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number ≥ ${min}, got "${raw}"`);
  return value;
}

/** Runs the bench; its result is the exit code. */
export function runBench(name: string, main: () => Promise<number>): void {
  process.on('exit', () => {
    killAllChildrenNow();
    for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the servers\n`);
      void stopAllChildren().finally(() => process.exit(130));
    });
  }
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`\n${name} failed: ${(error as Error)?.stack ?? String(error)}\n`);
      void stopAllChildren().finally(() => process.exit(1));
    },
  );
}
