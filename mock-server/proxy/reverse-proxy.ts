import type { Agent as HttpsAgent } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toClientHeaders, toUpstreamHeaders } from './headers.js';
import { rewriteJson } from './json-rewrite.js';
import type { ResolvedProxyTo } from './options.js';
import { retirePool, upstreamPool } from './upstream-pool.js';
import type { ProxyOrigins } from './origins.js';
import { Exchange, noteRewrites, type ExchangeContext, type ProxyLeg } from './exchange.js';

/** What the proxy needs from the engine around it. */
export interface ReverseProxyContext extends ExchangeContext {
  /** The proxy's own origin as rewritten URLs carry it; known once the listener is bound. */
  localOrigin: () => string;
  /** Whether an origin is one the proxy answers on (any of its names, its port). */
  isLocalOrigin: (origin: string) => boolean;
}

/** `GET /api/status`'s `proxy`: what the WOPI listener forwards to, and how it has gone. */
export interface ProxyStatus extends ReverseProxyCounts {
  mode: 'reverse';
  upstream: string;
  insecure: boolean;
  rewriteAll: boolean;
  timeoutMs: number;
}

/** The log's note when proof headers cross: they are signed over the URL the client called. */
export function proofNote(names: readonly string[], clientOrigin: string, upstream: string): string {
  return (
    `${names.join(' and ')} crossed the proxy: proof keys are signed over the URL the client called (${clientOrigin}…), ` +
    `and the upstream checks them against its own URL (${upstream}…), so they break while the origin changes`
  );
}

/**
 * The reverse proxy on the WOPI listener: every request is forwarded to the one upstream, its
 * answer is sent back with the upstream's URLs moved to this origin (proxy/json-rewrite.ts,
 * proxy/headers.ts), and each exchange is one entry in the request log.
 */
export class ReverseProxy {
  private readonly agent: HttpsAgent;
  readonly origins: ProxyOrigins;
  private readonly leg: ProxyLeg;

  /** `counts` carries on from the proxy this one replaces when the upstream stays the same. */
  constructor(
    readonly options: ResolvedProxyTo,
    private readonly context: ReverseProxyContext,
    private readonly counts: ReverseProxyCounts = { forwarded: 0, failed: 0 },
  ) {
    this.agent = upstreamPool(options);
    const upstream = options.upstream;
    this.origins = {
      upstream,
      get local() {
        return context.localOrigin();
      },
      isLocal: (origin) => context.isLocalOrigin(origin),
    };
    this.leg = this.legOf(options);
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    new Exchange(this.leg, this.context, req, res).start();
  };

  /**
   * The one upstream: the client's URLs are moved back to it on the way in (Host, WopiSrc and the
   * like, X-Forwarded-* added), and its URLs to this origin on the way out, in headers and JSON.
   */
  private legOf(options: ResolvedProxyTo): ProxyLeg {
    const { origins, agent, counts } = this;
    return {
      upstream: options.upstream,
      name: 'reverse proxy',
      insecure: options.insecure,
      timeoutMs: options.timeoutMs,
      pool: agent,
      connectOptions: () => ({ host: options.hostname, port: options.port }),
      upstreamHeaders: (req, notes) => {
        const remoteAddress = req.socket.remoteAddress ?? '';
        const outgoing = toUpstreamHeaders(req.rawHeaders, { origins, upstreamHost: options.upstreamHost, remoteAddress });
        noteRewrites(notes, 'restored toward the upstream', outgoing.rewrites);
        if (outgoing.proofHeaders.length > 0) notes.push(proofNote(outgoing.proofHeaders, origins.local, options.upstream));
        return outgoing.headers;
      },
      clientHeaders: (rawHeaders, notes) => {
        const { headers, rewrites } = toClientHeaders(rawHeaders, origins, options.rewriteAll);
        noteRewrites(notes, 'moved to this origin', rewrites);
        return headers;
      },
      rewriteJson: (text, operation) => rewriteJson(text, operation, origins, options.rewriteAll),
      count: (outcome) => void counts[outcome === 'answered' ? 'forwarded' : 'failed']++,
    };
  }

  /** The counts so far, for a proxy that replaces this one on the same upstream. */
  get countsSoFar(): ReverseProxyCounts {
    return this.counts;
  }

  status(): ProxyStatus {
    const { upstream, insecure, rewriteAll, timeoutMs } = this.options;
    return { mode: 'reverse', upstream, insecure, rewriteAll, timeoutMs, ...this.counts };
  }

  /** Replaced by another: exchanges under way finish on their pooled connections, which then close. */
  retire(): void {
    retirePool(this.agent);
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface ReverseProxyCounts {
  /** Exchanges the upstream answered. */
  forwarded: number;
  /** Exchanges the proxy answered itself with 502 or 504. */
  failed: number;
}
