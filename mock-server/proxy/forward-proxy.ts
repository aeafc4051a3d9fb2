import { Agent as HttpAgent, createServer as createHttpServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { connect as netConnect, isIP, type AddressInfo, type LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { IssuedLeaf } from '../tls/certificates.js';
import { hostForUrl } from '../network/endpoints.js';
import { withoutHopByHop } from './headers.js';
import { UpstreamTimeoutError, headerSafe, upstreamFailure } from './failures.js';
import { splitUrl } from './origins.js';
import { Exchange, type ExchangeContext, type ProxyLeg } from './exchange.js';
import { InterceptList } from './intercept.js';
import { LeafCertificates } from './leaf-certificates.js';
import { ResolveOverrides, formatResolveOverride } from './resolve-override.js';
import { LoopbackTargetError, isLoopbackAddress, lookupRefusingLoopback, mayReachLoopback } from './loopback-guard.js';
import type { ResolvedForwardProxy } from './options.js';
import { retirePool, upstreamPool } from './upstream-pool.js';
import type { ForwardProxyStatus } from './forward-status.js';

/** What the forward proxy needs from the engine around it. */
export interface ForwardProxyContext extends ExchangeContext {
  /** Signs a leaf for an intercepted name with the per-install CA (tls/certificates.ts). */
  issueLeafFor: (name: string) => Promise<IssuedLeaf>;
  /** The host name or IP the phone's proxy setting should name. */
  publicHost: string;
  /** How long a client may take to finish its TLS handshake inside the tunnel. */
  handshakeTimeoutMs: number;
}

/** A CONNECT's `host:port`, checked. */
interface ConnectTarget {
  /** Lowercased; IPv6 without brackets. */
  host: string;
  port: number;
  /** `https://host[:port]`, as log entries name the upstream. */
  origin: string;
}

/**
 * The intercepting forward proxy, on its own listener. CONNECTs to intercepted names are answered
 * here: TLS is terminated with a leaf for the name, each request is logged like a reverse-proxy
 * exchange (proxy/record.ts) and sent on to the real host over verified TLS, with nothing
 * rewritten, since the client already speaks to the real origin. Every other CONNECT is a raw
 * TCP tunnel the proxy never reads.
 */
export class ForwardProxy {
  private readonly server: Server;
  /** Parses the decrypted HTTP/1.1 of intercepted tunnels; it never listens. */
  private readonly interceptServer: Server;
  private agent: HttpsAgent;
  /**
   * Plain-HTTP pools, one for clients on this machine and one for the rest: a kept-alive socket
   * opened without the loopback guard must never be handed to a client that needs it.
   */
  private readonly plainAgents = {
    local: new HttpAgent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' }),
    lan: new HttpAgent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' }),
  };
  private interceptList: InterceptList;
  private readonly leaves: LeafCertificates;
  private resolveOverrides: ResolveOverrides;
  private readonly targets = new WeakMap<Duplex, ConnectTarget>();
  private readonly tunnels = new Set<Duplex>();
  private readonly interceptedSockets = new Set<TLSSocket>();
  private boundPort = 0;
  private readonly counts = { intercepted: 0, tunnelled: 0, plainForwarded: 0, failed: 0 };

  constructor(
    private settings: ResolvedForwardProxy,
    private readonly context: ForwardProxyContext,
    private readonly serverTimeouts: {
      headersTimeout: number;
      requestTimeout: number;
      keepAliveTimeout: number;
      connectionsCheckingInterval: number;
    },
  ) {
    this.interceptList = new InterceptList(settings.intercept);
    this.leaves = new LeafCertificates(context.issueLeafFor);
    this.resolveOverrides = new ResolveOverrides(settings.resolve);
    this.agent = upstreamPool(settings);
    this.server = createHttpServer(serverTimeouts, (req, res) => this.plain(req, res));
    this.server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.connect(req, socket, head));
    this.interceptServer = createHttpServer(serverTimeouts, (req, res) => {
      const target = this.targets.get(req.socket);
      if (target) new Exchange(this.legFor(target), this.context, req, res).start();
      else res.destroy();
    });
    // A server that never listens never checks its header and request timeouts (Node starts that
    // on 'listening'), so an idle timeout stands in for them inside tunnels: longer than an
    // upstream may take to answer, so it never cuts an exchange that is still waiting for its 504.
    this.interceptServer.timeout = Math.max(serverTimeouts.headersTimeout, settings.timeoutMs) + 1000;
  }

  get options(): ResolvedForwardProxy {
    return this.settings;
  }

  get overrides(): ResolveOverrides {
    return this.resolveOverrides;
  }

  /**
   * New settings on the same port, taken while the proxy runs: the next CONNECT is decided by the
   * new intercept list, tunnels and decrypted connections already open carry on, and a new upstream
   * trust gets a new pool while the old one finishes what it carries.
   */
  reconfigure(next: ResolvedForwardProxy): void {
    const trustChanged = next.ca !== this.settings.ca || next.insecure !== this.settings.insecure;
    this.settings = { ...next, port: this.settings.port };
    this.interceptList = new InterceptList(next.intercept);
    this.resolveOverrides = new ResolveOverrides(next.resolve);
    this.interceptServer.timeout = Math.max(this.serverTimeouts.headersTimeout, next.timeoutMs) + 1000;
    if (trustChanged) {
      retirePool(this.agent);
      this.agent = upstreamPool(next);
    }
  }

  listen(host: string | undefined): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, host, () => {
        this.server.off('error', reject);
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve(this.boundPort);
      });
    });
  }

  /**
   * An intercepted tunnel's real host. Nothing is rewritten: the app already speaks to the real
   * origin; only hop-by-hop headers belong to each side's own connection.
   */
  private legFor(target: ConnectTarget): ProxyLeg {
    const { settings, agent } = this;
    const lookup = this.overrides.lookupFor(target.host, target.port);
    return {
      upstream: target.origin,
      name: 'forward proxy',
      insecure: settings.insecure,
      timeoutMs: settings.timeoutMs,
      pool: agent,
      connectOptions: () => ({
        host: target.host,
        port: target.port,
        // The CONNECT's name, not the Host header's: that is the name the leaf was made for and the client checked.
        ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
        ...(lookup ? { lookup } : {}),
      }),
      upstreamHeaders: (req) => {
        const headers = withoutHopByHop(req.rawHeaders);
        // HTTP/1.1 requires Host; an HTTP/1.0 client inside the tunnel may leave it out.
        if (req.headers.host === undefined) headers.push('Host', new URL(target.origin).host);
        return headers;
      },
      clientHeaders: (rawHeaders) => withoutHopByHop(rawHeaders),
      rewriteJson: null,
      count: (outcome) => this.count(outcome === 'answered' ? 'intercepted' : 'failed'),
    };
  }

  /** @internal counts for the status */
  count(outcome: keyof ForwardProxy['counts']): void {
    this.counts[outcome]++;
  }

  status(): ForwardProxyStatus {
    const { intercept, resolve, insecure, timeoutMs } = this.options;
    return {
      mode: 'forward',
      port: this.boundPort,
      proxyUrl: `http://${hostForUrl(this.context.publicHost)}:${this.boundPort}`,
      proxyHost: this.context.publicHost,
      intercept: [...intercept],
      resolve: resolve.map(formatResolveOverride),
      insecure,
      timeoutMs,
      ...this.counts,
    };
  }

  async close(): Promise<void> {
    for (const tunnel of this.tunnels) tunnel.destroy();
    for (const socket of this.interceptedSockets) socket.destroy();
    await new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.agent.destroy();
    this.plainAgents.local.destroy();
    this.plainAgents.lan.destroy();
  }

  private connect(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const target = connectTarget(req.url ?? '');
    if (typeof target === 'string') {
      this.count('failed');
      refuse(socket, 400, 'Bad Request', target, this.context.wallClock());
      return;
    }
    if (this.interceptList.matches(target.host)) void this.intercept(socket, head, target);
    else this.tunnel(socket, head, target, req.socket.remoteAddress);
  }

  /**
   * How to resolve a target the client named: the --resolve override when there is one (this
   * machine's user chose it), else, for a client that is not on this machine, the system resolver
   * refusing loopback answers (proxy/loopback-guard.ts). An error when the target is a loopback address itself.
   */
  private guardFor(host: string, port: number, clientAddress: string | undefined): LookupFunction | LoopbackTargetError | undefined {
    const override = this.overrides.lookupFor(host, port);
    if (override) return override;
    if (mayReachLoopback(clientAddress)) return undefined;
    if (isIP(host) !== 0) return isLoopbackAddress(host) ? new LoopbackTargetError(host) : undefined;
    return lookupRefusingLoopback;
  }

  private refuseUpstream(socket: Duplex, error: unknown, origin: string): void {
    this.count('failed');
    const failure = upstreamFailure(error, origin);
    refuse(socket, failure.status, reasonPhrases[failure.status], failure.cause, this.context.wallClock());
  }

  private async intercept(socket: Duplex, head: Buffer, target: ConnectTarget): Promise<void> {
    let secureContext;
    try {
      secureContext = await this.leaves.contextFor(target.host);
    } catch (error) {
      this.count('failed');
      refuse(socket, 502, 'Bad Gateway', `no certificate for ${target.host}: ${(error as Error).message}`, this.context.wallClock());
      return;
    }
    if (socket.destroyed) return;
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    // A ClientHello sent along with the CONNECT, before our 200: the TLS socket reads what is unshifted first.
    if (head.length > 0) socket.unshift(head);
    const tlsSocket = new TLSSocket(socket, {
      isServer: true,
      secureContext,
      ALPNProtocols: ['http/1.1'],
      // A client may name another intercepted host inside the tunnel; it gets that name's leaf.
      SNICallback: (servername, done) => {
        if (!this.interceptList.matches(servername)) return done(null, secureContext);
        this.leaves.contextFor(servername).then(
          (context) => done(null, context),
          (error: Error) => done(error),
        );
      },
    });
    const handshake = setTimeout(() => tlsSocket.destroy(), this.context.handshakeTimeoutMs);
    tlsSocket.once('secure', () => clearTimeout(handshake));
    tlsSocket.once('close', () => clearTimeout(handshake));
    // A client that does not trust our CA hangs up during the handshake: nothing to log, nothing to crash.
    tlsSocket.on('error', () => tlsSocket.destroy());
    this.targets.set(tlsSocket, target);
    this.interceptedSockets.add(tlsSocket);
    tlsSocket.once('close', () => this.interceptedSockets.delete(tlsSocket));
    this.interceptServer.emit('connection', tlsSocket);
  }

  private tunnel(socket: Duplex, head: Buffer, target: ConnectTarget, clientAddress: string | undefined): void {
    const guard = this.guardFor(target.host, target.port, clientAddress);
    if (guard instanceof LoopbackTargetError) return this.refuseUpstream(socket, guard, target.origin);
    const upstream = netConnect({ host: target.host, port: target.port, ...(guard ? { lookup: guard } : {}) });
    let connected = false;
    upstream.setTimeout(this.options.timeoutMs, () => upstream.destroy(new UpstreamTimeoutError(this.options.timeoutMs)));
    upstream.once('connect', () => {
      connected = true;
      upstream.setTimeout(0);
      this.count('tunnelled');
      this.tunnels.add(socket);
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
    upstream.on('error', (error) => {
      if (connected) return socket.destroy();
      this.refuseUpstream(socket, error, target.origin);
    });
    // Before the connect, the refusal above is still being written: it ends the socket itself.
    upstream.once('close', () => connected && socket.destroy());
    socket.once('close', () => {
      this.tunnels.delete(socket);
      upstream.destroy();
    });
  }

  /**
   * Requests that are not CONNECT. Plain-HTTP absolute-form (`GET http://host/…`) is passed on as
   * it came, unlogged: a phone sends all its plain HTTP here once its Wi-Fi proxy is set, and WOPI
   * is never plain HTTP. Anything else is not a proxy request and gets a 400 saying so.
   */
  private plain(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? '';
    const split = target.toLowerCase().startsWith('http://') ? splitUrl(target) : null;
    let url: URL | null = null;
    try {
      url = split ? new URL(split.origin) : null;
    } catch {
      url = null;
    }
    if (!split || !url) {
      this.count('failed');
      return ownAnswer(
        res,
        400,
        target.toLowerCase().startsWith('https://')
          ? 'an https:// request target: send CONNECT host:443 and TLS through the tunnel instead'
          : `this is the forward proxy: set it as the HTTP proxy (it takes CONNECT host:port and http:// URLs), not "${clip(target)}"`,
        this.context.wallClock(),
      );
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port === '' ? 80 : Number(url.port);
    const guard = this.guardFor(host, port, req.socket.remoteAddress);
    if (guard instanceof LoopbackTargetError) {
      this.count('failed');
      const failure = upstreamFailure(guard, split.origin);
      return ownAnswer(res, failure.status, failure.cause, this.context.wallClock());
    }
    const upstreamReq = httpRequest({
      agent: mayReachLoopback(req.socket.remoteAddress) ? this.plainAgents.local : this.plainAgents.lan,
      host,
      port,
      method: req.method,
      path: split.rest === '' ? '/' : split.rest,
      headers: withoutHopByHop(req.rawHeaders),
      setHost: false,
      ...(guard ? { lookup: guard } : {}),
    });
    const timer = setTimeout(() => upstreamReq.destroy(new UpstreamTimeoutError(this.options.timeoutMs)), this.options.timeoutMs);
    upstreamReq.on('response', (upstreamRes) => {
      clearTimeout(timer);
      this.count('plainForwarded');
      res.sendDate = false;
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, withoutHopByHop(upstreamRes.rawHeaders));
      upstreamRes.pipe(res);
      upstreamRes.on('error', () => res.destroy());
    });
    upstreamReq.on('error', (error) => {
      clearTimeout(timer);
      if (res.headersSent) return res.destroy();
      this.count('failed');
      const failure = upstreamFailure(error, split.origin);
      ownAnswer(res, failure.status, failure.cause, this.context.wallClock());
    });
    res.once('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) upstreamReq.destroy();
    });
    req.pipe(upstreamReq);
  }
}

const reasonPhrases = { 403: 'Forbidden', 502: 'Bad Gateway', 504: 'Gateway Timeout' } as const;

/** A CONNECT target as RFC 9110 §9.3.6 has it, `host:port` with the port required; else why not. */
function connectTarget(authority: string): ConnectTarget | string {
  const shown = clip(authority);
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:/?#@[\]]+):(\d{1,5})$/.exec(authority);
  if (!match) return `CONNECT needs host:port (e.g. wopi.example.com:443), not "${shown}"`;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return `CONNECT port must be from 1 to 65535, not "${shown}"`;
  let host: string;
  try {
    host = new URL(`https://${match[1]}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return `"${shown}" is not a host name or address`;
  }
  if (host === '' || (match[1]!.startsWith('[') && isIP(host) !== 6)) return `"${shown}" is not a host name or address`;
  return { host, port, origin: `https://${hostForUrl(host)}${port === 443 ? '' : `:${port}`}` };
}

/** The proxy's own plain-text answer on a raw socket (a refused CONNECT), closing it. */
function refuse(socket: Duplex, status: number, reason: string, cause: string, nowMs: number): void {
  if (socket.destroyed) return;
  const body = Buffer.from(`${cause}\n`, 'utf8');
  socket.end(
    Buffer.concat([
      Buffer.from(
        `HTTP/1.1 ${status} ${reason}\r\n` +
          `X-WOPI-ServerError: ${headerSafe(`forward proxy: ${cause}`)}\r\n` +
          'Content-Type: text/plain; charset=utf-8\r\n' +
          `Content-Length: ${body.length}\r\n` +
          `Date: ${new Date(nowMs).toUTCString()}\r\n` +
          'Connection: close\r\n\r\n',
        'latin1',
      ),
      body,
    ]),
  );
}

/** The headers and body of an answer the proxy gives itself. */
function ownAnswerParts(cause: string, nowMs: number): { headers: string[]; body: Buffer } {
  const body = Buffer.from(`${cause}\n`, 'utf8');
  const headers = [
    'X-WOPI-ServerError',
    headerSafe(`forward proxy: ${cause}`),
    'Content-Type',
    'text/plain; charset=utf-8',
    'Content-Length',
    String(body.length),
    'Date',
    new Date(nowMs).toUTCString(),
  ];
  return { headers, body };
}

function ownAnswer(res: ServerResponse, status: number, cause: string, nowMs: number): void {
  const { headers, body } = ownAnswerParts(cause, nowMs);
  res.sendDate = false;
  res.writeHead(status, headers);
  res.end(body);
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
