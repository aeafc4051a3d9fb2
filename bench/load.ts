import autocannon from 'autocannon';
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { targetHost, targetServername, type Target } from './client.js';

/** One request shape of a load run (autocannon cycles through them per connection). */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
}

/** A keep-alive HTTPS load from this process: for a duration, or a fixed number of requests. */
export function runLoad(
  target: Target,
  options: { connections: number; duration?: number; amount?: number; requests: LoadRequest[] },
): Promise<autocannon.Result> {
  const [first] = options.requests;
  return autocannon({
    url: `https://${targetHost}:${target.port}${first!.path}`,
    connections: options.connections,
    pipelining: 1,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration ?? 10 }),
    // autocannon always connects with rejectUnauthorized: false; the CA and SNI still make the
    // handshake the one a real client does (same chain sent, same SNI). send() verifies for real.
    servername: targetServername,
    tlsOptions: { ca: target.ca },
    requests: options.requests.map((r) => ({ method: r.method, path: r.path, headers: r.headers })),
  });
}

/** Answers with another status than expected, plus connection errors and timeouts: a count and a line for the report. */
export function unexpectedOf(result: autocannon.Result, expected: number[]): { count: number; detail: string } {
  const parts: string[] = [];
  let count = 0;
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) {
    if (expected.includes(Number(status))) continue;
    count += stats.count ?? 0;
    parts.push(`${stats.count ?? 0}×${status}`);
  }
  if (result.errors > 0) {
    count += result.errors;
    parts.push(`${result.errors} errors (${result.timeouts} timeouts)`);
  }
  return { count, detail: parts.join(', ') };
}

/**
 * Latency with nothing queued: `count` requests one after another on one kept-alive connection
 * (its handshake made before timing starts), each timed from the request to its answer's end.
 * Sorted milliseconds, with the fractions autocannon's histogram rounds away.
 */
export async function loneRequestLatencies(target: Target, what: LoadRequest, count: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: target.ca, servername: targetServername });
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = request(
        { host: targetHost, port: target.port, method: what.method, path: what.path, headers: what.headers, agent },
        (res) => {
          res.resume();
          res.on('end', () => resolve(performance.now() - started));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  try {
    await once();
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(await once());
    return times.sort((a, b) => a - b);
  } finally {
    agent.destroy();
  }
}

/** The value below which a share `q` (0–1) of sorted values lie. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
