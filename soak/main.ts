import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Operation } from '../mock-server/protocol/operations.js';
import type { ChildMessage, EngineReady, MemorySample } from './ipc.js';
import { Stats } from './stats.js';
import { Device } from './workload.js';
import { burstRules, slowBodyBudget, slowBodyRules, steadyRules, type InstalledRule, type PlannedRule } from './fault-plan.js';
import { judgeMemory, formatReport, summarizeFaults, type MemoryLimits, type SoakReport } from './report.js';

/**
 * `npm run soak`: many simulated Office devices against one engine over real HTTPS on loopback,
 * for a bounded time, with a slice of forced faults (per-user rules on some devices; seeded chaos,
 * Retry-After bursts and commit-then-fail saves for everyone, fault-plan.ts); then a report of
 * requests served, unforced errors (must be 0), what each fault rule forced, latency, and the
 * engine's memory over time (must stay flat after warm-up).
 * Exit status: 0 pass, 1 fail, 2 bad flags. See README "Soak".
 */

const usage = `usage: npm run soak -- [options]

  --duration <time>        how long the devices run: 600, 90s, 10m (default 10m)
  --clients <n>            simulated devices, each its own user (default 32)
  --faulty <n>             of those, devices whose user has fault rules of its own (default
                           clients / 8); every device meets the run-wide ones (seeded chaos 503,
                           commit-then-fail PutFile 500, 429 and 503 bursts with Retry-After)
  --fresh-connections <n>  of those, devices that open a TLS connection per request (default clients / 8)
  --sample-every <time>    memory sample interval (default 10s; at least 1s)
  --warmup <time>          samples before this are not judged (default 25% of the duration, at most 2m)
  --max-heap-growth <MiB>  allowed growth of the engine's heap after warm-up (default 24)
  --max-rss-growth <MiB>   allowed growth of the engine's RSS after warm-up (default 64)
  --json-report <file>     also write the report as JSON
  --self-check             also add a fault rule the devices are not told about (5 × 500 on
                           CheckFileInfo), and one they are told commits PutFile before its 500
                           but does not (3 × 500 on PutFile, before the handler): the soak must
                           then report 8 unforced errors (5 answers, 3 read-backs) and fail
  --help`;

/** How often the counted Retry-After bursts (throttle, maintenance) are put back, the first one this long after the start. */
const burstEveryMs = 10_000;
const firstBurstAfterMs = 2_000;

/** Token lifetimes short enough that codes and tokens expire, are renewed and are purged during the run. */
const soakTokenTtlSeconds = { authorizationCode: 10, oauthAccessToken: 20, refreshToken: 60, wopiAccessToken: 20 };

function duration(value: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new UsageError(`${flag} takes a time such as 600, 90s or 10m, not ${JSON.stringify(value)}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's']!;
  return Number(match[1]) * unit;
}

function count(value: string, flag: string, min: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min)
    throw new UsageError(`${flag} takes a whole number of at least ${min}, not ${JSON.stringify(value)}`);
  return Number(value);
}

class UsageError extends Error {}

interface Options {
  durationMs: number;
  clients: number;
  faulty: number;
  fresh: number;
  sampleEveryMs: number;
  warmupMs: number;
  limits: MemoryLimits;
  jsonReport: string | undefined;
  selfCheck: boolean;
}

function options(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      clients: { type: 'string' },
      faulty: { type: 'string' },
      'fresh-connections': { type: 'string' },
      'sample-every': { type: 'string' },
      warmup: { type: 'string' },
      'max-heap-growth': { type: 'string' },
      'max-rss-growth': { type: 'string' },
      'json-report': { type: 'string' },
      'self-check': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const durationMs = duration(values.duration ?? '10m', '--duration');
  if (durationMs < 10_000) throw new UsageError('--duration must be at least 10s');
  const clients = count(values.clients ?? '32', '--clients', 1);
  const faulty = count(values.faulty ?? String(Math.floor(clients / 8)), '--faulty', 0);
  const fresh = count(values['fresh-connections'] ?? String(Math.floor(clients / 8)), '--fresh-connections', 0);
  if (faulty > clients || fresh > clients) throw new UsageError('--faulty and --fresh-connections cannot exceed --clients');
  const sampleEveryMs = duration(values['sample-every'] ?? '10s', '--sample-every');
  if (sampleEveryMs < 1000) throw new UsageError('--sample-every must be at least 1s');
  const warmupMs = values.warmup !== undefined ? duration(values.warmup, '--warmup') : Math.min(120_000, durationMs * 0.25);
  if (warmupMs >= durationMs) throw new UsageError('--warmup must be shorter than --duration');
  const mib = (value: string | undefined, fallback: number, flag: string) => (value === undefined ? fallback : count(value, flag, 1));
  return {
    durationMs,
    clients,
    faulty,
    fresh,
    sampleEveryMs,
    warmupMs,
    limits: {
      heapGrowthMiB: mib(values['max-heap-growth'], 24, '--max-heap-growth'),
      rssGrowthMiB: mib(values['max-rss-growth'], 64, '--max-rss-growth'),
    },
    jsonReport: values['json-report'],
    selfCheck: values['self-check'] === true,
  };
}

/** The engine in its own process, so its memory is measured alone. */
class EngineChild {
  private nextId = 1;
  private readonly waiting = new Map<number, (sample: MemorySample) => void>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: EngineReady,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.on('message', (message: ChildMessage) => {
      if (message.type !== 'sample') return;
      this.waiting.get(message.id)?.(message.sample);
      this.waiting.delete(message.id);
    });
  }

  static async start(dataDir: string): Promise<EngineChild> {
    const child = fork(fileURLToPath(new URL('./engine-child.js', import.meta.url)), [dataDir], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<EngineReady>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the engine did not start within 60 s')), 60_000);
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(message);
        } else if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`the engine failed to start:\n${message.message}`));
        }
      });
      child.once('exit', (code, signal) => reject(new Error(`the engine exited before it was ready (${signal ?? `code ${code}`})`)));
    });
    return new EngineChild(child, ready);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  sample(): Promise<MemorySample> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (!this.alive) return reject(new Error('the engine has exited'));
      const timer = setTimeout(() => reject(new Error('the engine did not answer a memory sample within 30 s')), 30_000);
      this.waiting.set(id, (sample) => {
        clearTimeout(timer);
        resolve(sample);
      });
      this.child.send({ type: 'sample', id });
    });
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }
}

/** A JSON request to the engine's admin API; `json` is the answer as the caller expects it (null for an empty body). */
async function admin<T = unknown>(ready: EngineReady, method: string, route: string, body?: unknown): Promise<{ status: number; json: T }> {
  const url = new URL(ready.adminUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: Number(url.port),
        method,
        path: route,
        agent: false,
        headers: {
          authorization: `Bearer ${ready.adminToken}`,
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        let received = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (received += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: received }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
  return { status, json: (text ? JSON.parse(text) : null) as T };
}

/** How often each slow-body rule fired, read from the host's countdown. */
async function slowBodyHits(ready: EngineReady): Promise<Array<{ id: string; action: string; bent: number }>> {
  const listed = await admin<{ faults: Array<{ id: string; remaining?: number }> }>(ready, 'GET', '/api/faults');
  if (listed.status !== 200) throw new Error(`GET /api/faults answered ${listed.status}`);
  return slowBodyRules().map((rule) => {
    const remaining = listed.json.faults.find((f) => f.id === rule.id)?.remaining ?? 0;
    return { id: rule.id, action: `${(rule['body'] as { kind: string }).kind} on ${rule.operation}`, bent: slowBodyBudget - remaining };
  });
}

/** Known to the devices before the host has it, so no answer it forces can arrive unexplained. */
async function install(ready: EngineReady, rules: InstalledRule[], planned: PlannedRule): Promise<void> {
  rules.push(planned.rule);
  await addRule(ready, planned.body);
}

/** Adds a fault rule to the host; anything but 201 stops the soak, naming the answer. */
async function addRule(ready: EngineReady, rule: Record<string, unknown>): Promise<{ id: string }> {
  const added = await admin<{ id: string }>(ready, 'POST', '/api/faults', rule);
  if (added.status !== 201) throw new Error(`POST /api/faults answered ${added.status}: ${JSON.stringify(added.json)}`);
  return added.json;
}

/**
 * Puts the counted bursts back every burstEveryMs while the devices run, removing the previous
 * burst's rules first (gone already when all their hits were used: a 404 then), so rules are
 * added and removed under load and the list stays short. The rules stay in `rules`: an answer a
 * removed rule forced may still be on its way.
 */
function scheduleBursts(ready: EngineReady, rules: InstalledRule[], onError: (error: Error) => void): () => Promise<void> {
  let n = 0;
  let previous: PlannedRule[] = [];
  let running: Promise<void> = Promise.resolve();
  const burst = async () => {
    for (const old of previous) {
      const removed = await admin(ready, 'DELETE', `/api/faults/${old.rule.id}`);
      if (removed.status !== 204 && removed.status !== 404) throw new Error(`DELETE /api/faults/${old.rule.id} answered ${removed.status}`);
    }
    previous = burstRules(++n);
    for (const planned of previous) await install(ready, rules, planned);
  };
  const tick = () => void (running = running.then(burst).catch((error: unknown) => onError(error as Error)));
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    tick();
    interval = setInterval(tick, burstEveryMs);
  }, firstBurstAfterMs);
  return async () => {
    clearTimeout(first);
    clearInterval(interval);
    await running;
  };
}

/** The UI's live stream, as an open desktop window would hold it: read and counted, never stored. */
function followStream(ready: EngineReady): { events: () => number; close: () => void } {
  const url = new URL(ready.adminUrl);
  let events = 0;
  const req = httpRequest(
    {
      host: '127.0.0.1',
      port: Number(url.port),
      path: '/api/log/stream',
      agent: false,
      headers: { authorization: `Bearer ${ready.adminToken}`, accept: 'text/event-stream' },
    },
    (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (events += chunk.split('\n\n').length - 1));
      res.on('error', () => {});
    },
  );
  req.on('error', () => {});
  req.end();
  return { events: () => events, close: () => req.destroy() };
}

async function configure(
  ready: EngineReady,
  userIds: string[],
  faultyIds: string[],
  selfCheck: boolean,
): Promise<{ rules: InstalledRule[]; clientId: string; clientSecret: string; redirectUri: string }> {
  const current = await admin<Record<string, unknown>>(ready, 'GET', '/api/config');
  const config = {
    ...current.json,
    users: userIds.map((id) => ({ id, signInName: `${id}@soak.test`, friendlyName: `Soak ${id}` })),
    tokenTtlSeconds: soakTokenTtlSeconds,
  };
  const put = await admin<{ config: { oauth: { clientId: string; clientSecret: string; redirectUris: string[] } } }>(
    ready,
    'PUT',
    '/api/config',
    config,
  );
  if (put.status !== 200) throw new Error(`PUT /api/config answered ${put.status}: ${JSON.stringify(put.json)}`);
  const rules: InstalledRule[] = [];
  for (const userId of faultyIds) {
    const wanted = [
      { operation: Operation.CheckFileInfo, userId, status: 503 },
      { operation: Operation.EnumerateChildren, userId, dropConnection: true },
      { operation: Operation.GetFile, userId, delayMs: 20 },
      // A counted rule: every hit counts down and is saved in the background, under load.
      { operation: Operation.Bootstrap, userId, status: 500, remaining: 1_000_000 },
    ];
    for (const rule of wanted) {
      const { id } = await addRule(ready, rule);
      rules.push({ id, kind: 'device', userId, operation: rule.operation, drop: rule.dropConnection === true });
    }
  }
  if (selfCheck) {
    // Not in `rules`: no device can explain these answers, so each must count as unforced.
    await addRule(ready, { operation: Operation.CheckFileInfo, status: 500, remaining: 5 });
    // Passed off as commit-then-fail, though it fails before the handler: the read-backs must catch it.
    await install(ready, rules, {
      rule: { id: 'soak-self-check-not-committed', kind: 'commitThenFail', operation: Operation.PutFile, drop: false },
      body: { id: 'soak-self-check-not-committed', operation: Operation.PutFile, status: 500, remaining: 3 },
    });
  }
  for (const planned of steadyRules()) await install(ready, rules, planned);
  for (const rule of slowBodyRules()) await addRule(ready, rule);
  const oauth = put.json.config.oauth;
  return { rules, clientId: oauth.clientId, clientSecret: oauth.clientSecret, redirectUri: oauth.redirectUris[0] ?? 'https://localhost' };
}

async function main(): Promise<number> {
  let opts: Options | 'help';
  try {
    opts = options(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (opts === 'help') {
    console.log(usage);
    return 0;
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'wopi-soak-'));
  let engine: EngineChild | undefined;
  const stopOnSignal = () => {
    engine?.kill();
    void rm(dataDir, { recursive: true, force: true }).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    engine = await EngineChild.start(dataDir);
    const ready = engine.ready;
    const ca = await readFile(ready.caCertificatePath, 'utf8');
    const userIds = Array.from({ length: opts.clients }, (_, i) => `soak-${String(i).padStart(3, '0')}`);
    const faultyIds = userIds.slice(0, opts.faulty);
    const { rules, clientId, clientSecret, redirectUri } = await configure(ready, userIds, faultyIds, opts.selfCheck);
    const stats = new Stats();
    const samples: Array<MemorySample & { atMs: number }> = [];
    const started = Date.now();
    const deadline = started + opts.durationMs;
    const target = { port: Number(new URL(ready.wopiOrigin).port), ca };
    const ctx = { target, stats, rules, deadline, clientId, clientSecret, redirectUri };
    const stream = followStream(ready);
    console.log(
      `soak: ${opts.clients} devices (${opts.faulty} with fault rules, ${opts.fresh} on fresh connections) for ${Math.round(opts.durationMs / 1000)} s against the engine (pid ${ready.pid}) at ${ready.wopiOrigin}`,
    );

    const sampleNow = async () => {
      const sample = await engine!.sample();
      const atMs = Date.now() - started;
      samples.push({ ...sample, atMs });
      console.log(
        `  ${(atMs / 1000).toFixed(0).padStart(5)} s  ${stats.requests.toLocaleString('en-US').padStart(10)} requests  rss ${(sample.rss / 2 ** 20).toFixed(1)} MiB  heap ${(sample.heapUsed / 2 ** 20).toFixed(1)} MiB  unforced ${stats.count('unforced')}`,
      );
    };
    await sampleNow();
    const sampler = setInterval(
      () => void sampleNow().catch((error: unknown) => stats.record('memory sample', 'unforced', 0, (error as Error).message)),
      opts.sampleEveryMs,
    );
    const stopBursts = scheduleBursts(ready, rules, (error) => stats.record('fault bursts', 'unforced', 0, error.message));
    const devices = userIds.map((id, i) => new Device(id, ctx, i >= opts.clients - opts.fresh, soakTokenTtlSeconds.refreshToken * 1000));
    // Staggered, as phones do not all start at the same instant.
    await Promise.all(
      devices.map(async (device, i) => {
        await new Promise((r) => setTimeout(r, (i * 1000) / opts.clients));
        await device.run();
      }),
    );
    await stopBursts();
    const bodyActions = await slowBodyHits(ready);
    clearInterval(sampler);
    await sampleNow();
    stream.close();
    const elapsedMs = Date.now() - started;

    const memory = judgeMemory(samples, opts.warmupMs, opts.limits, {
      users: opts.clients,
      codeTtlMs: soakTokenTtlSeconds.authorizationCode * 1000,
      redemptions: stats.redemptions,
      endedAt: Date.now(),
    });
    const report: SoakReport = {
      durationS: Math.round(elapsedMs / 1000),
      devices: { total: opts.clients, faulty: opts.faulty, freshConnections: opts.fresh },
      requests: stats.requests,
      requestsPerSecond: Math.round(stats.requests / (elapsedMs / 1000)),
      outcomes: {
        ok: stats.count('ok'),
        intended: stats.count('intended'),
        forced: stats.count('forced'),
        unforced: stats.count('unforced'),
      },
      forcedReasons: Object.fromEntries(stats.reasons.forced),
      faults: { ...summarizeFaults(rules, stats), bodyActions },
      intendedReasons: Object.fromEntries(stats.reasons.intended),
      unforcedSamples: stats.unforcedSamples,
      latencyMs: stats.overall(),
      operations: stats.summary(),
      streamEvents: stream.events(),
      memory,
      passed: false,
    };
    const operationsSeen = new Set(report.operations.filter((o) => o.ok + o.intended > 0).map((o) => o.operation));
    const missing = [
      Operation.Authorize,
      Operation.Token,
      Operation.Bootstrap,
      Operation.GetNewAccessToken,
      Operation.GetRootContainerBootstrapper,
      Operation.EnumerateChildren,
      Operation.CheckFileInfo,
      Operation.GetFile,
      Operation.Lock,
      Operation.PutFile,
      Operation.Unlock,
      Operation.PutRelativeFile,
      Operation.DeleteFile,
    ].filter((op) => !operationsSeen.has(op));
    report.missingOperations = missing;
    report.passed =
      report.outcomes.unforced === 0 && memory.passed && missing.length === 0 && (opts.faulty === 0 || report.outcomes.forced > 0);
    console.log(formatReport(report, opts.limits));
    if (opts.jsonReport) await writeFile(opts.jsonReport, JSON.stringify(report, null, 2) + '\n');
    return report.passed ? 0 : 1;
  } finally {
    await engine?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`soak failed: ${(error as Error)?.stack ?? String(error)}`);
    process.exit(1);
  },
);
