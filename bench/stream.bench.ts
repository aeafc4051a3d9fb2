import { request, type ClientRequest } from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { ServerChild, stopAllChildren } from './children.js';
import { removeScratchDir, runBench, scratchDir } from './run-bench.js';

const usage = `npm run bench:stream -- [options]

Pushes entries through the live log stream to K subscribers and measures what it costs the
engine per entry per subscriber, the old way (every subscriber serialized whole entries) and the
way it is now (summaries, coalesced for up to 20 ms and serialized once for all subscribers).

  --entries <n>           entries pushed per measurement (default 20000)
  --subscribers <k,...>   subscriber counts to measure (default 1,4)
  --per-tick <n>          entries the log hands out per event-loop turn, i.e. per event (default 10)
  --rounds <n>            measure each case n times and report the median (default 3)
  --help
`;

interface Options {
  entries: number;
  subscribers: number[];
  perTick: number;
  rounds: number;
}

function readOptions(): Options | null {
  const { values } = parseArgs({
    options: {
      entries: { type: 'string' },
      subscribers: { type: 'string' },
      'per-tick': { type: 'string' },
      rounds: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return null;
  }
  const whole = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number ≥ 1, got "${raw}"`);
    return value;
  };
  return {
    entries: whole('entries', values.entries, 20_000),
    subscribers: (values.subscribers ?? '1,4').split(',').map((k) => whole('subscribers', k.trim(), 1)),
    perTick: whole('per-tick', values['per-tick'], 10),
    rounds: whole('rounds', values.rounds, 3),
  };
}

type Mode = 'before' | 'after';

/** One subscriber: reads the stream, counts bytes, and notes the last event id seen. */
class Subscriber {
  bytes = 0;
  lastId = 0;
  private tail = '';
  private waiting: { seq: number; resolve: () => void } | null = null;

  private constructor(private readonly req: ClientRequest) {}

  static open(url: URL, token: string | null): Promise<Subscriber> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          agent: false,
          headers: { accept: 'text/event-stream', ...(token !== null ? { authorization: `Bearer ${token}` } : {}) },
        },
        (res) => {
          if (res.statusCode !== 200) return reject(new Error(`${url.pathname} answered ${res.statusCode}`));
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => subscriber.read(chunk));
          res.on('error', () => {});
          resolve(subscriber);
        },
      );
      const subscriber = new Subscriber(req);
      req.on('error', reject);
      req.end();
    });
  }

  private read(chunk: string): void {
    this.bytes += Buffer.byteLength(chunk);
    // Only the ids are looked at: parsing the data would only slow the reader, not the server.
    const text = this.tail + chunk;
    for (const match of text.matchAll(/(?:^|\n)id: (\d+)\n/g)) this.lastId = Math.max(this.lastId, Number(match[1]));
    this.tail = text.slice(-32);
    if (this.waiting && this.lastId >= this.waiting.seq) {
      this.waiting.resolve();
      this.waiting = null;
    }
  }

  /** Resolves once the event carrying `seq` arrived. */
  until(seq: number, timeoutMs = 120_000): Promise<void> {
    if (this.lastId >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`entry ${seq} did not arrive within ${timeoutMs / 1000} s`)), timeoutMs);
      this.waiting = {
        seq,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }

  close(): void {
    this.req.destroy();
  }
}

interface Measured {
  mode: Mode;
  subscribers: number;
  /** Server CPU per entry per subscriber, beyond what logging the entry costs with nobody listening. */
  microsPerEntryPerSubscriber: number;
  bytesPerEntry: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

function log(line = ''): void {
  process.stdout.write(line + '\n');
}

async function main(): Promise<number> {
  let options: Options | null;
  try {
    options = readOptions();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (!options) return 0;

  const dataDir = scratchDir('wopi-stream-bench-');
  try {
    const cpus = os.cpus();
    log(`WOPI mock host live stream bench: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown CPU'}), Node ${process.version}`);
    log(
      `${options.entries} entries per measurement (9 in 10 an unauthenticated Bootstrap 401, 1 a signed-in Bootstrap 200), ` +
        `${options.perTick} per event, ${options.rounds} rounds (median shown); subscribers in this process, the engine in a child`,
    );
    log();
    const server = await ServerChild.start('stream server', 'stream-server', { dataDir });
    const adminUrl = server.info['adminUrl'];
    const adminToken = server.info['adminToken'];
    if (!adminUrl || !adminToken) throw new Error('the stream server did not report its admin URL and token');
    const streams: Record<Mode, { url: URL; token: string | null }> = {
      before: { url: new URL(`http://127.0.0.1:${server.port}/old-stream`), token: null },
      after: { url: new URL('/api/log/stream', adminUrl), token: adminToken },
    };

    /** Server CPU (µs) to push the entries to these subscribers, and the bytes each received. */
    const push = async (subscribers: Subscriber[]) => {
      const bytesBefore = subscribers.map((s) => s.bytes);
      const cpuBefore = await server.cpu();
      const lastSeq = await server.push(options.entries, options.perTick);
      await Promise.all(subscribers.map((s) => s.until(lastSeq)));
      const cpu = (await server.cpu()) - cpuBefore;
      const bytes = subscribers.length > 0 ? subscribers[0]!.bytes - bytesBefore[0]! : 0;
      return { cpu, bytes };
    };

    // Warm both paths up (JIT), then measure.
    for (const mode of ['before', 'after'] as const) {
      const warm = await Subscriber.open(streams[mode].url, streams[mode].token);
      await push([warm]);
      warm.close();
    }

    const results: Measured[] = [];
    const alone: number[] = [];
    const runs = new Map<string, { micros: number[]; bytes: number[] }>();
    for (let round = 1; round <= options.rounds; round++) {
      process.stderr.write(`  round ${round}/${options.rounds}: nobody listening … `);
      // What adding the entries costs without any subscriber: taken off every measurement.
      const baseline = (await push([])).cpu;
      alone.push(baseline / options.entries);
      process.stderr.write(`${(baseline / options.entries).toFixed(1)} µs/entry\n`);
      for (const k of options.subscribers) {
        for (const mode of ['before', 'after'] as const) {
          process.stderr.write(`  round ${round}/${options.rounds}: ${mode}, ${k} subscriber${k === 1 ? '' : 's'} … `);
          const subscribers = await Promise.all(Array.from({ length: k }, () => Subscriber.open(streams[mode].url, streams[mode].token)));
          const { cpu, bytes } = await push(subscribers);
          for (const s of subscribers) s.close();
          const micros = Math.max(0, cpu - baseline) / (options.entries * k);
          const key = `${mode} ${k}`;
          const run = runs.get(key) ?? { micros: [], bytes: [] };
          run.micros.push(micros);
          run.bytes.push(bytes / options.entries);
          runs.set(key, run);
          process.stderr.write(`${micros.toFixed(1)} µs per entry per subscriber\n`);
        }
      }
    }
    for (const k of options.subscribers) {
      for (const mode of ['before', 'after'] as const) {
        const run = runs.get(`${mode} ${k}`)!;
        results.push({ mode, subscribers: k, microsPerEntryPerSubscriber: median(run.micros), bytesPerEntry: median(run.bytes) });
      }
    }

    const rows = [
      ['stream', 'subscribers', 'µs per entry per subscriber', 'bytes per entry', 'target ≤ 10 µs'],
      ...results.map((r) => [
        r.mode === 'before' ? 'before: whole entries, serialized per subscriber' : 'after: summaries, coalesced, serialized once',
        String(r.subscribers),
        r.microsPerEntryPerSubscriber.toFixed(1),
        r.bytesPerEntry.toFixed(0),
        r.mode === 'after' ? (r.microsPerEntryPerSubscriber <= 10 ? 'PASS' : 'FAIL') : '',
      ]),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    rows.forEach((r, n) => {
      log(r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
      if (n === 0) log(widths.map((w) => '-'.repeat(w)).join('  '));
    });
    log();
    log(
      `Logging an entry with nobody listening costs ${median(alone).toFixed(1)} µs (median); that is taken off the figures above, ` +
        'which are the stream alone: summarizing or serializing, and writing to each socket.',
    );
  } finally {
    await stopAllChildren();
    removeScratchDir(dataDir);
  }
  return 0;
}

runBench('stream bench', main);
