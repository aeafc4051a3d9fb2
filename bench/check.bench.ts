import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { rootCertificates } from 'node:tls';
import { parseArgs } from 'node:util';
import { startEngine } from '../mock-server/engine.js';
import { checkHost } from '../mock-server/check/check-host.js';
import type { Har } from '../mock-server/log/har.js';

/*
 * How long a full check of the mock takes (without --write), against the goal of 5 s on a 2-core
 * machine, side by side with a baseline from the same run: the same requests replayed raw, one
 * after the other on one keep-alive connection, with no sign-in parsing and no spec check. The
 * difference is what the checker itself costs.
 */

const usage = `npm run bench:check -- [--runs <n>]

  --runs <n>   full checks to time (default 5); the median is reported
  --help`;

const goalMs = 5000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Sends every request of a HAR again, in order, and waits for each answer: the floor any checker pays. */
async function replay(har: Har, ca: string): Promise<number> {
  const agent = new Agent({ keepAlive: true, ca: [...rootCertificates, ca] });
  const started = performance.now();
  for (const entry of har.log.entries) {
    const headers: Record<string, string> = {};
    for (const h of entry.request.headers) headers[h.name] = h.value;
    const body = entry.request.postData?.text;
    await new Promise<void>((resolve, reject) => {
      const req = request(entry.request.url, { method: entry.request.method, headers, agent }, (res) => res.resume().on('end', resolve));
      req.on('error', reject);
      req.end(body);
    });
  }
  const elapsed = performance.now() - started;
  agent.destroy();
  return elapsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, help: { type: 'boolean', default: false } } });
  if (values.help) return void console.log(usage);
  const runs = Number(values.runs ?? 5);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1, not "${values.runs}"`);

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'wopi-check-bench-'));
  const engine = await startEngine({ dataDir, host: '127.0.0.1', port: 0, adminPort: 0, publicHost: 'localhost' });
  try {
    const { clientId, clientSecret } = engine.store.config.oauth;
    const caPem = await readFile(engine.urls.caCertificatePath, 'utf8');
    const checkOnce = () =>
      checkHost(engine.urls.bootstrapperUrl, {
        signIn: 'form',
        formFields: { user: engine.store.config.users[0]!.id },
        client: { clientId, clientSecret, auth: 'post' },
        ca: caPem,
      });
    await checkOnce(); // warm-up: JIT, TLS session, first token signatures
    const checks: number[] = [];
    const replays: number[] = [];
    let exchanges = 0;
    let outcome = '';
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const { report, har } = await checkOnce();
      checks.push(performance.now() - started);
      exchanges = har.log.entries.length;
      outcome = `${report.outcome}: ${report.summary.passed} passed, ${report.summary.failed} failed`;
      replays.push(await replay(har, caPem));
    }
    const check = median(checks);
    const raw = median(replays);
    const row = (label: string, ms: number, note = '') => console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  ${note}`);
    console.log(`Full check of the mock (no --write), median of ${runs} runs, ${exchanges} exchanges, ${outcome}`);
    row('baseline: the same requests replayed raw', raw, `(${(raw / exchanges).toFixed(2)} ms per request)`);
    row('wopi-mock-host check', check, `(${(check / raw).toFixed(2)}× the raw replay)`);
    row('checker overhead', check - raw, `(${((check - raw) / exchanges).toFixed(2)} ms per exchange)`);
    row('goal', goalMs, check < goalMs ? `met: ${(goalMs / check).toFixed(0)}× under` : 'MISSED');
  } finally {
    await engine.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
