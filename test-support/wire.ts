import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { connect as netConnect, type Socket } from 'node:net';
import { readdirSync } from 'node:fs';
import { toReply, type Harness, type Reply } from './host-fixture.js';

/**
 * How the reliability suites talk to an engine: keep-alive clients (a fuzz run is thousands of
 * requests; a TLS handshake each would dominate), and raw sockets for what a well-behaved client
 * library refuses to send.
 */

export type WireReply = Reply;

export interface WireRequest {
  /** Arrays send the header once per value, as separate lines. */
  headers?: Record<string, string | string[] | undefined>;
  body?: string | Buffer;
}

export interface Wire {
  /** HTTPS to the WOPI origin (verified against the engine's CA, named as in the origin). */
  wopi(method: string, path: string, request?: WireRequest): Promise<WireReply>;
  /** HTTP to the admin listener; the admin token is sent unless the headers carry an authorization. */
  admin(method: string, path: string, request?: WireRequest): Promise<WireReply>;
  close(): void;
}

export function wireTo(h: Harness): Wire {
  const wopiUrl = new URL(h.origin);
  const adminUrl = new URL(h.engine.urls.adminUrl);
  const wopiAgent = new HttpsAgent({ keepAlive: true, maxSockets: 4, ca: h.ca });
  const adminAgent = new HttpAgent({ keepAlive: true, maxSockets: 4 });
  return {
    wopi: (method, path, request = {}) =>
      exchange(
        () =>
          httpsRequest({
            host: '127.0.0.1',
            port: Number(wopiUrl.port),
            servername: wopiUrl.hostname,
            ca: h.ca,
            agent: wopiAgent,
            method,
            path,
            headers: withoutUndefined({ host: wopiUrl.host, ...request.headers }),
          }),
        request.body,
      ),
    admin: (method, path, request = {}) =>
      exchange(
        () =>
          httpRequest({
            host: '127.0.0.1',
            port: Number(adminUrl.port),
            agent: adminAgent,
            method,
            path,
            headers: withoutUndefined({
              authorization: `Bearer ${h.engine.urls.adminToken}`,
              ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
              ...request.headers,
            }),
          }),
        request.body,
      ),
    close() {
      wopiAgent.destroy();
      adminAgent.destroy();
    },
  };
}

function withoutUndefined(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) kept[name] = value;
  return kept;
}

/**
 * One request. A keep-alive socket the server closed just as it was reused fails before the
 * request reached the server; Node's documented answer is to retry that case, and only that one.
 */
async function exchange(open: () => ClientRequest, body: string | Buffer | undefined): Promise<WireReply> {
  for (let attempt = 0; ; attempt++) {
    const req = open();
    // Node's client sends a GET, HEAD, DELETE or OPTIONS body without Content-Length, which
    // would turn the bytes into the start of the next request on a kept-alive socket.
    if (body !== undefined && !req.hasHeader('content-length') && !req.hasHeader('transfer-encoding'))
      req.setHeader('content-length', Buffer.byteLength(body));
    try {
      return await send(req, body);
    } catch (error) {
      if (attempt === 0 && req.reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') continue;
      throw error;
    }
  }
}

function send(req: ClientRequest, body: string | Buffer | undefined): Promise<WireReply> {
  return new Promise((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve(toReply(res.statusCode ?? 0, res.headersDistinct as Record<string, string[]>, Buffer.concat(chunks))));
    });
    // A string body would be written together with the headers as one UTF-8 string, turning any
    // latin1 header byte (a raw UTF-8 name, a non-ASCII lock id) into two; a Buffer keeps them apart.
    req.end(typeof body === 'string' ? Buffer.from(body) : body);
  });
}

/** A TLS connection to the WOPI listener that trusts the engine's CA, for hand-written HTTP. */
export function openTls(h: Harness): Promise<TLSSocket> {
  const url = new URL(h.origin);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: Number(url.port), servername: url.hostname, ca: h.ca }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** A plain TCP connection to the admin listener. */
export function openAdminSocket(h: Harness): Promise<Socket> {
  const url = new URL(h.engine.urls.adminUrl);
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port: Number(url.port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes raw bytes and collects everything the server sends until it closes (or the limit passes). */
export function rawExchange(
  socket: Socket,
  bytes: string | Buffer,
  timeoutMs = 5000,
): Promise<{ text: string; closedBy: 'server' | 'timeout' }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = (closedBy: 'server' | 'timeout') => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closedBy });
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => done('server'));
    socket.on('error', () => {});
    socket.write(bytes);
  });
}

/** Resolves when the peer closes the socket, with how long that took. */
export function whenClosed(socket: Socket): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(0);
    socket.on('error', () => {});
    socket.once('close', () => resolve(performance.now() - started));
  });
}

/** Open file descriptors of this process (sockets, files), to show nothing leaks. */
export function openDescriptors(): number {
  return readdirSync('/dev/fd').length;
}

/** Waits until `check` holds, polling; returns its last value for the assertion message. */
export async function eventually<T>(read: () => T | Promise<T>, check: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}
