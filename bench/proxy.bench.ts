import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ServerChild, stopAllChildren } from './children.js';
import { expectStatus, send, type Target } from './client.js';
import { loneRequestLatencies, quantile, runLoad, unexpectedOf, type LoadRequest } from './load.js';
import { numberOption, removeScratchDir, runBench, scratchDir } from './run-bench.js';

/*
 * The reverse proxy's cost on the hottest path there is: the bootstrapper's 401, asked of an
 * upstream engine directly and through an engine in proxy mode (`--proxy-to`) in front of the
 * same upstream, in the same run. Targets (issue 11): at most +2 ms p50 latency, and at least
 * 0.5× the direct req/s. The proxy does a TLS exchange of its own on the same two cores, with
 * its keep-alive pool to the upstream.
 *
 * Each scenario runs twice: flat out (as many requests as 32 connections get answered: req/s),
 * and one request at a time (latency). Flat out, a closed loop's latency is its queue,
 * connections ÷ throughput, so its p50 difference only restates the req/s ratio; the latency a
 * request gains from the proxy shows when nothing waits in front of it.
 */

const usage = `npm run bench:proxy -- [options]

  --duration <s>      measured seconds per scenario (default 10; --quick: 2)
  --warmup <s>        warm-up seconds before each measured run, discarded (default 3; --quick: 1)
  --connections <n>   concurrent keep-alive connections (default 32)
  --rounds <n>        run both scenarios n times, alternating, and report each one's median run (default 1)
  --lone <n>          requests timed one at a time on one connection, per scenario (default 2000; --quick: 500)
  --quick             2 s runs, 1 s warm-up
  --help
`;

interface Options {
  duration: number;
  warmup: number;
  connections: number;
  rounds: number;
  lone: number;
}

function readOptions(): Options | null {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      lone: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return null;
  }
  return {
    duration: numberOption('duration', values.duration, values.quick ? 2 : 10, 1),
    warmup: numberOption('warmup', values.warmup, values.quick ? 1 : 3, 0),
    connections: Math.floor(numberOption('connections', values.connections, 32, 1)),
    lone: Math.floor(numberOption('lone', values.lone, values.quick ? 500 : 2000, 1)),
    rounds: Math.floor(numberOption('rounds', values.rounds, 1, 1)),
  };
}

interface Scenario {
  label: string;
  target: Target;
  /** The children that do work for it: the upstream alone, or the proxy and the upstream. */
  children: ServerChild[];
}

interface Measured {
  scenario: Scenario;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** p50 and p99 of requests sent one at a time. */
  loneP50: number;
  loneP99: number;
  total: number;
  unexpected: string;
  cpuMicrosPerRequest: number;
  benchCpuPercent: number;
}

const bootstrapper: LoadRequest = { method: 'GET', path: '/wopibootstrapper' };

async function cpuOf(children: ServerChild[]): Promise<number> {
  return (await Promise.all(children.map((c) => c.cpu()))).reduce((a, b) => a + b, 0);
}

async function measure(scenario: Scenario, options: Options): Promise<Measured> {
  expectStatus(await send(scenario.target, { path: '/wopibootstrapper' }), 401, scenario.label);
  if (options.warmup > 0)
    await runLoad(scenario.target, { connections: options.connections, duration: options.warmup, requests: [bootstrapper] });
  const serverBefore = await cpuOf(scenario.children);
  const benchBefore = process.cpuUsage();
  const result = await runLoad(scenario.target, { connections: options.connections, duration: options.duration, requests: [bootstrapper] });
  const benchUsage = process.cpuUsage(benchBefore);
  const serverUsed = (await cpuOf(scenario.children)) - serverBefore;
  const lone = await loneRequestLatencies(scenario.target, bootstrapper, options.lone);
  return {
    scenario,
    requestsPerSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    loneP50: quantile(lone, 0.5),
    loneP99: quantile(lone, 0.99),
    total: result.requests.total,
    unexpected: unexpectedOf(result, [401]).detail,
    cpuMicrosPerRequest: serverUsed / Math.max(1, result.requests.total),
    benchCpuPercent: (100 * (benchUsage.user + benchUsage.system)) / (result.duration * 1e6),
  };
}

function median(runs: Measured[]): Measured {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  const chosen = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return {
    ...chosen,
    unexpected: runs
      .map((r) => r.unexpected)
      .filter(Boolean)
      .join('; '),
  };
}

function table(rows: string[][], rightAligned: number[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r, n) => {
      const line = r
        .map((cell, i) => (rightAligned.includes(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
      return n === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

const log = (line = '') => process.stdout.write(line + '\n');
const progress = (text: string) => process.stderr.write(text);

async function main(): Promise<number> {
  let options: Options | null;
  try {
    options = readOptions();
  } catch (error) {
    progress(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (!options) return 0;
  const dir = scratchDir('wopi-proxy-bench-');
  try {
    const cpus = os.cpus();
    log(`WOPI mock host reverse proxy bench: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown CPU'}), Node ${process.version}`);
    log(
      `${options.connections} keep-alive connections; per scenario ${options.warmup} s warm-up + ${options.duration} s measured` +
        (options.rounds > 1 ? `, ${options.rounds} rounds alternating (median shown)` : '') +
        '; autocannon in this process, the upstream and the proxy each in a child process',
    );
    log();

    const upstream = await ServerChild.start('upstream engine', 'engine-server', { dataDir: path.join(dir, 'upstream') });
    const upstreamOrigin = upstream.info['wopiOrigin']!;
    const upstreamCaPath = upstream.info['caCertificatePath']!;
    const proxy = await ServerChild.start('proxy engine', 'proxy-server', {
      dataDir: path.join(dir, 'proxy'),
      upstream: upstreamOrigin,
      upstreamCaPath,
    });
    const direct: Target = { port: upstream.port, ca: readFileSync(upstreamCaPath, 'utf8') };
    const proxied: Target = { port: proxy.port, ca: readFileSync(proxy.info['caCertificatePath']!, 'utf8') };

    // The two must give the same answer, or the comparison is meaningless: the same 401, the
    // same challenge apart from tokenIssuance_uri, which names the proxy.
    const directly = await send(direct, { path: '/wopibootstrapper' });
    const through = await send(proxied, { path: '/wopibootstrapper' });
    expectStatus(directly, 401, 'the upstream directly');
    expectStatus(through, 401, 'through the proxy');
    const challenge = String(directly.headers['www-authenticate']);
    const expected = challenge.replace(`tokenIssuance_uri="${upstreamOrigin}/`, `tokenIssuance_uri="${proxy.info['wopiOrigin']}/`);
    if (through.headers['www-authenticate'] !== expected || expected === challenge)
      throw new Error(
        `the proxy's challenge ${String(through.headers['www-authenticate'])} is not the upstream's ${challenge} with tokenIssuance_uri moved`,
      );
    log('Checked before measuring: both answer GET /wopibootstrapper with 401, the same challenge apart from tokenIssuance_uri');
    log(`  directly:          ${challenge}`);
    log(`  through the proxy: ${String(through.headers['www-authenticate'])}`);
    log();

    const scenarios: Scenario[] = [
      { label: 'upstream directly', target: direct, children: [upstream] },
      { label: 'through the proxy', target: proxied, children: [proxy, upstream] },
    ];
    const runs = new Map<Scenario, Measured[]>(scenarios.map((s) => [s, []]));
    for (let round = 1; round <= options.rounds; round++) {
      for (const scenario of scenarios) {
        progress(`  ${options.rounds > 1 ? `round ${round}/${options.rounds} ` : ''}${scenario.label} … `);
        const run = await measure(scenario, options);
        runs.get(scenario)!.push(run);
        progress(`${run.requestsPerSecond.toFixed(0)} req/s, p50 ${run.p50} ms; one at a time p50 ${run.loneP50.toFixed(2)} ms\n`);
      }
    }
    const [d, p] = scenarios.map((s) => median(runs.get(s)!)) as [Measured, Measured];
    log(
      table(
        [
          [
            'GET /wopibootstrapper → 401',
            'req/s',
            'p50 ms',
            'p99 ms',
            'p50 ms alone',
            'p99 ms alone',
            'requests',
            'unexpected',
            'server CPU µs/req',
            'bench CPU',
          ],
          ...[d, p].map((r) => [
            r.scenario.label,
            r.requestsPerSecond.toFixed(0),
            r.p50.toFixed(1),
            r.p99.toFixed(1),
            r.loneP50.toFixed(2),
            r.loneP99.toFixed(2),
            String(r.total),
            r.unexpected || '0',
            r.cpuMicrosPerRequest.toFixed(0),
            `${r.benchCpuPercent.toFixed(0)}%`,
          ]),
        ],
        [1, 2, 3, 4, 5, 6, 8, 9],
      ),
    );
    log(
      `req/s, p50, p99: flat out over ${options.connections} connections. Alone: ${options.lone} requests one after another on one kept-alive connection, nothing queued.`,
    );
    log('server CPU µs/req: user+system CPU per answered request of the children that served it (through the proxy: proxy + upstream).');
    log();
    const latency = p.loneP50 - d.loneP50;
    const queued = p.p50 - d.p50;
    const ratio = p.requestsPerSecond / d.requestsPerSecond;
    log(
      table(
        [
          ['proxy vs direct', 'value', 'target', ''],
          ['p50 latency added, alone', `${latency >= 0 ? '+' : ''}${latency.toFixed(2)} ms`, '≤ +2 ms', latency <= 2 ? 'PASS' : 'FAIL'],
          ['p50 added flat out (queueing)', `${queued >= 0 ? '+' : ''}${queued.toFixed(1)} ms`, 'none', 'info'],
          ['req/s, proxied / direct', `${ratio.toFixed(2)}×`, '≥ 0.5×', ratio >= 0.5 ? 'PASS' : 'FAIL'],
        ],
        [1],
      ),
    );
    if (d.unexpected || p.unexpected) {
      log(
        `\nERROR: unexpected answers: ${[d.unexpected && `directly ${d.unexpected}`, p.unexpected && `proxied ${p.unexpected}`].filter(Boolean).join('; ')}`,
      );
      return 1;
    }
    return 0;
  } finally {
    await stopAllChildren();
    removeScratchDir(dir);
  }
}

runBench('proxy bench', main);
