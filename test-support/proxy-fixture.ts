import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startHarness, type Harness, type HarnessOptions } from './host-fixture.js';
import type { ProxyTo } from '../mock-server/proxy/options.js';

/**
 * Reverse-proxy tests: an engine in proxy mode in front of an upstream (a second engine, or a tiny
 * HTTPS server of the test's own for answers no engine gives), everything on loopback, port 0.
 */

/** An engine whose WOPI listener forwards to `upstream`, trusting the upstream harness's CA. */
export function startProxy(
  upstream: { origin: string; ca: string },
  proxyTo: Partial<ProxyTo> = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  return startHarness({ ...options, proxyTo: { upstream: upstream.origin, ca: upstream.ca, ...proxyTo } });
}

/** What the tiny upstream saw of one request. */
export interface SeenRequest {
  method: string;
  /** The request target exactly as it arrived. */
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

export interface TinyUpstream {
  /** https://localhost:<port> */
  origin: string;
  port: number;
  /** The CA its certificate chains to (the harness's it borrowed the certificate from). */
  ca: string;
  seen: SeenRequest[];
  /** Starts listening again on the same port after `stop`. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export type TinyHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer, upstream: TinyUpstream) => void | Promise<void>;

/**
 * A bare HTTPS server with the certificate of an engine's data dir (so the engine's CA verifies
 * it for `localhost`), answering whatever the test's handler says. It reads each request body
 * whole: the requests sent to it are small.
 */
export async function startTinyUpstream(tlsFrom: Harness, handler: TinyHandler, port = 0): Promise<TinyUpstream> {
  const tlsDir = path.join(tlsFrom.dataDir, 'tls');
  const [key, cert] = await Promise.all([readFile(path.join(tlsDir, 'leaf.key')), readFile(path.join(tlsDir, 'leaf.crt'))]);
  let server: Server;
  const upstream: TinyUpstream = {
    origin: '',
    port,
    ca: tlsFrom.ca,
    seen: [],
    restart: () => listen(upstream.port),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const listen = (on: number) =>
    new Promise<void>((resolve, reject) => {
      server = createServer({ key, cert }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const body = Buffer.concat(chunks);
          upstream.seen.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body });
          Promise.resolve(handler(req, res, body, upstream)).catch((error: unknown) => {
            res.statusCode = 500;
            res.end(String(error));
          });
        });
      });
      server.once('error', reject);
      server.listen(on, '127.0.0.1', () => {
        upstream.port = (server.address() as AddressInfo).port;
        upstream.origin = `https://localhost:${upstream.port}`;
        resolve();
      });
    });
  await listen(port);
  return upstream;
}

/** Sends JSON exactly as given (a string keeps its spacing), with a Content-Length. */
export function sendJson(res: ServerResponse, body: string, status = 200, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(bytes.length), ...headers });
  res.end(bytes);
}

/** The raw header lines a request arrived with, as [name, value] pairs, in order. */
export function headerPairs(raw: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

/** Every value of a header (case-insensitive name) in a raw list. */
export function headerValues(raw: readonly string[], name: string): string[] {
  return headerPairs(raw)
    .filter(([n]) => n.toLowerCase() === name.toLowerCase())
    .map(([, v]) => v);
}
