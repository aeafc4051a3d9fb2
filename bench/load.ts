import autocannon from 'autocannon';
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
