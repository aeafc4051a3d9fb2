import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import express from 'express';
import { startMockHost } from '../mock-server/index.js';

/*
 * How long a test suite waits for startMockHost() in a warm process: fresh (a new data dir: keys,
 * CA and leaf generated) against the goal of 100 ms, and on a reused data dir against 30 ms, beside
 * a baseline from the same run: bare Express on HTTPS with a ready certificate, listening on port 0.
 */

const usage = `npm run bench:start -- [--runs <n>]

  --runs <n>   starts to time per case (default 15); the median is reported
  --help`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function time(runs: number, once: () => Promise<() => Promise<void>>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const stop = await once();
    samples.push(performance.now() - started);
    await stop();
  }
  return median(samples);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, help: { type: 'boolean', default: false } } });
  if (values.help) return void console.log(usage);
  const runs = Number(values.runs ?? 15);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1, not "${values.runs}"`);

  const reused = await mkdtemp(path.join(os.tmpdir(), 'wopi-start-bench-'));
  try {
    // Warm the process: modules loaded, JIT warm, the reused dir's keys and certificates made once.
    const first = await startMockHost({ dataDir: reused });
    const key = await readFile(path.join(reused, 'tls', 'leaf.key'), 'utf8').catch(() => undefined);
    const cert = await readFile(path.join(reused, 'tls', 'leaf.crt'), 'utf8').catch(() => undefined);
    await first.stop();
    await (await startMockHost()).stop();

    const bare =
      key && cert
        ? await time(runs, async () => {
            const server = createServer({ key, cert }, express());
            await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
            return () => new Promise<void>((resolve) => server.close(() => resolve()));
          })
        : NaN;
    const fresh = await time(runs, async () => {
      const host = await startMockHost();
      return () => host.stop();
    });
    const again = await time(runs, async () => {
      const host = await startMockHost({ dataDir: reused });
      return () => host.stop();
    });

    const row = (label: string, ms: number, goal?: number) =>
      console.log(
        `${label.padEnd(52)} ${Number.isNaN(ms) ? '   n/a' : ms.toFixed(1).padStart(6)} ms${goal === undefined ? '' : `   goal < ${goal} ms: ${ms < goal ? 'met' : 'MISSED'}`}`,
      );
    console.log(`Start-up in a warm process, median of ${runs}`);
    row('baseline: bare Express on HTTPS, port 0', bare);
    row('startMockHost(), fresh data dir (keys, CA, leaf made)', fresh, 100);
    row('startMockHost({ dataDir }), reused data dir', again, 30);
  } finally {
    await rm(reused, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
