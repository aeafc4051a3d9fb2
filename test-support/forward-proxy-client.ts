import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { Duplex } from 'node:stream';

/**
 * A client of the forward proxy as a phone is one: `CONNECT host:port` to the proxy, then TLS
 * inside the tunnel for the name, verified against the CA it is given, then HTTP/1.1 over that.
 */

export interface ConnectReply {
  /** `HTTP/1.1 200 Connection Established`, or the proxy's refusal. */
  statusLine: string;
  status: number;
  /** The whole head (status line and headers) of the proxy's answer to CONNECT. */
  head: string;
  /** What followed the head: the body of a refusal. */
  rest: Buffer;
  socket: Socket;
}

/** Sends one CONNECT (or any raw request head) to the proxy and reads its answer's head. */
export function connectThrough(proxyPort: number, authority: string, rawHead?: string, proxyHost = '127.0.0.1'): Promise<ConnectReply> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: proxyHost, port: proxyPort }, () =>
      socket.write(rawHead ?? `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`),
    );
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      const head = buffered.subarray(0, end).toString('latin1');
      const statusLine = head.split('\r\n')[0]!;
      resolve({ statusLine, status: Number(statusLine.split(' ')[1]), head, rest: buffered.subarray(end + 4), socket });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('end', () => reject(new Error(`the proxy closed the connection; it sent ${JSON.stringify(buffered.toString('latin1'))}`)));
  });
}

/** The rest of a refusal's body, read to the end. */
export function readToEnd(reply: ConnectReply): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks = [reply.rest];
    reply.socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    reply.socket.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    reply.socket.once('error', reject);
    reply.socket.resume();
  });
}

/** TLS for `servername` inside an established tunnel, verified against `ca`. */
export function tlsInside(tunnel: Socket, servername: string, ca: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({ socket: tunnel, servername, ca, ALPNProtocols: ['http/1.1'] }, () => resolve(secure));
    secure.once('error', reject);
  });
}

export interface ThroughReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The certificate the client was shown inside the tunnel. */
  peerCertificate: PeerCertificate;
}

/** One HTTPS request through the proxy: CONNECT to the URL's authority, TLS for its name, then the request. */
export async function requestThrough(
  proxyPort: number,
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<ThroughReply> {
  const target = new URL(url);
  const authority = `${target.hostname}:${target.port || 443}`;
  const tunnel = await connectThrough(proxyPort, authority);
  if (tunnel.status !== 200) {
    tunnel.socket.destroy();
    throw new Error(`CONNECT ${authority} was answered ${tunnel.statusLine}`);
  }
  tunnel.socket.resume();
  const secure = await tlsInside(tunnel.socket, target.hostname, ca);
  const peerCertificate = secure.getPeerCertificate();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        createConnection: () => secure,
        host: target.hostname,
        port: Number(target.port || 443),
        method: options.method ?? 'GET',
        path: target.pathname + target.search,
        headers: { ...options.headers, connection: 'close' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          secure.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, peerCertificate });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * CONNECT and the TLS ClientHello in one write, as a client that does not wait for the proxy's
 * 200 sends them; the 200 is taken off the front of what comes back before TLS reads it.
 */
export function tlsWithoutWaiting(proxyPort: number, authority: string, servername: string, ca: string): Promise<TLSSocket> {
  const raw = netConnect({ host: '127.0.0.1', port: proxyPort });
  let head: Buffer | null = Buffer.alloc(0);
  const afterHead = new Duplex({
    read: () => void raw.resume(),
    write: (chunk: Buffer, _encoding, done) => void raw.write(chunk, done),
    final: (done) => {
      raw.end();
      done();
    },
  });
  raw.on('data', (chunk: Buffer) => {
    if (head === null) {
      if (!afterHead.push(chunk)) raw.pause();
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    const rest = head.subarray(end + 4);
    head = null;
    if (rest.length > 0) afterHead.push(rest);
  });
  raw.once('end', () => afterHead.push(null));
  raw.cork();
  raw.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({ socket: afterHead, servername, ca }, () => resolve(secure));
    secure.once('error', reject);
    // The ClientHello is queued behind the CONNECT by now: both leave in one segment.
    setImmediate(() => raw.uncork());
  });
}
