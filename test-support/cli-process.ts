import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled CLI, spawned as users run it. */
export const cliPath = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'mock-server', 'cli', 'main.js');

export interface CliProcess {
  child: ChildProcess;
  /** Every line of stdout and stderr so far, as printed. */
  stdout(): string;
  stderr(): string;
  /** The parsed JSON lines (with --json). */
  events: Array<Record<string, unknown>>;
  /** The first event of that name, waiting for it. */
  next(event: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  /** Largest file the process may write, in KiB (RLIMIT_FSIZE via the shell's `ulimit -f`): a disk that refuses to grow a file. */
  fileSizeLimitKiB?: number;
  /** Parse stdout as JSON lines (pass --json yourself). */
  json?: boolean;
}

export function spawnCli(args: string[], options: SpawnOptions = {}): CliProcess {
  const child =
    options.fileSizeLimitKiB === undefined
      ? spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('bash', ['-c', `ulimit -f ${options.fileSizeLimitKiB} && exec "$0" "$@"`, process.execPath, cliPath, ...args], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  let stdout = '';
  let stderr = '';
  const events: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdout += line + '\n';
    if (options.json) {
      try {
        events.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        events.push({ event: 'not-json', line });
      }
    }
    waiters.splice(0).forEach((w) => w());
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const next = async (event: string, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find((e) => e['event'] === event);
      if (found) return found;
      if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null)
        throw new Error(`no "${event}" event; saw ${JSON.stringify(events)}; stderr ${stderr}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
  };
  return { child, stdout: () => stdout, stderr: () => stderr, events, next, exited };
}

/** The flags every spawned host here uses: loopback, any free ports, URLs on localhost. */
export const testListenFlags = ['--host', '127.0.0.1', '--port', '0', '--admin-port', '0', '--public-host', 'localhost'];

/** A request to a spawned host's admin API. */
export function adminCall(
  ready: Record<string, unknown>,
  method: string,
  route: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  const url = new URL(String(ready['adminUrl']));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: Number(url.port),
        method,
        path: route,
        agent: false,
        headers: {
          authorization: `Bearer ${String(ready['adminToken'])}`,
          ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function readJson(file: string): Promise<any> {
  return JSON.parse(await readFile(file, 'utf8'));
}
