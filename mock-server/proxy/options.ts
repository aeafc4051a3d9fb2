import { parseUpstream } from './origins.js';
import { parseResolveOverride, type ResolveOverride } from './resolve-override.js';
import type { ProxySection, ProxySectionInput } from '../state/proxy-section.js';

/*
 * The proxy modes as `startEngine` takes them (the CLI's flags, the library's options), and as
 * the proxies take them once the config's `proxy` section says what runs. Options given to the
 * engine are written into that section at start, so the Proxy screen shows and edits them.
 */

/** `startEngine({ proxyTo })`: the WOPI listener forwards everything to this upstream instead of answering from the mock. */
export interface ProxyTo {
  /** `https://host[:port]`: the origin the proxy stands for. Paths are kept as clients send them. */
  upstream: string;
  /** Extra CA certificates (PEM) trusted for the upstream, besides the system store. */
  ca?: string;
  /** Do not verify the upstream's certificate; every log entry says so. */
  insecure?: boolean;
  /** Also rewrite `authorization_uri` and every other upstream URL in JSON answers (browser and sharing URLs). */
  rewriteAll?: boolean;
  /** How long the upstream may take to send its response headers once the request is sent (default 30 s). */
  timeoutMs?: number;
}

/**
 * `startEngine({ forwardProxy })`: an HTTP proxy on its own port for the phone's Wi-Fi proxy
 * setting. CONNECTs to the intercepted domains are decrypted with a leaf from the per-install CA,
 * logged and sent on to the real host; every other CONNECT is tunnelled untouched.
 */
export interface ForwardProxyOptions {
  /** Listening port (default 8080; 0 = any free), on the WOPI listener's address. */
  port?: number;
  /** Names to decrypt: `wopi.example.com`, or `*.example.com` for every name below it. */
  intercept: readonly string[];
  /** curl-style `host:port:address` overrides: connect there for that name (SNI, Host and the certificate check keep the name). */
  resolve?: readonly string[];
  /** Extra CA certificates (PEM) trusted for the real hosts, besides the system store. */
  upstreamCa?: string;
  /** Do not verify the real hosts' certificates; every log entry says so. */
  insecure?: boolean;
  /** How long a host may take to send its response headers once the request is sent (default 30 s). */
  timeoutMs?: number;
}

/** Proxy options that cannot work together; the message says what to change. */
export class ProxyOptionsError extends Error {}

/**
 * The config's `proxy` section for the engine's options. Both modes share one upstream trust
 * setting and one timeout in the config, so options that set them differently are refused.
 */
export function proxySectionFromOptions(proxyTo: ProxyTo | undefined, forward: ForwardProxyOptions | undefined): ProxySectionInput {
  const shared = <T>(name: string, reverseValue: T | undefined, forwardValue: T | undefined): T | undefined => {
    if (reverseValue !== undefined && forwardValue !== undefined && reverseValue !== forwardValue)
      throw new ProxyOptionsError(`proxyTo and forwardProxy share ${name} in the config's proxy section: give both the same value`);
    return reverseValue ?? forwardValue;
  };
  const ca = shared('the upstream CA', proxyTo?.ca, forward?.upstreamCa);
  const insecure = shared('insecure', proxyTo?.insecure || undefined, forward?.insecure || undefined);
  const timeoutMs = shared('timeoutMs', proxyTo?.timeoutMs, forward?.timeoutMs);
  return {
    reverse: proxyTo ? { upstream: proxyTo.upstream, rewriteAll: proxyTo.rewriteAll === true } : null,
    forward: forward
      ? {
          ...(forward.port !== undefined ? { port: forward.port } : {}),
          intercept: [...forward.intercept],
          resolve: [...(forward.resolve ?? [])],
        }
      : null,
    upstreamCa: ca ?? null,
    insecureUpstream: insecure === true,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

export interface ResolvedProxyTo {
  upstream: string;
  /** `host[:port]` as a `Host` header names the upstream. */
  upstreamHost: string;
  hostname: string;
  port: number;
  ca: string | undefined;
  insecure: boolean;
  rewriteAll: boolean;
  timeoutMs: number;
}

/** The reverse proxy the section asks for (validated by the config schema), or null for the mock. */
export function resolveProxyTo(section: ProxySection): ResolvedProxyTo | null {
  if (!section.reverse) return null;
  const upstream = parseUpstream(section.reverse.upstream);
  if (!upstream.ok) throw new ProxyOptionsError(`proxy.reverse.upstream: ${upstream.reason}`);
  return {
    upstream: upstream.origin,
    upstreamHost: upstream.host,
    hostname: upstream.hostname,
    port: upstream.port,
    ca: section.upstreamCa ?? undefined,
    insecure: section.insecureUpstream,
    rewriteAll: section.reverse.rewriteAll,
    timeoutMs: section.timeoutMs,
  };
}

export interface ResolvedForwardProxy {
  port: number;
  intercept: string[];
  resolve: ResolveOverride[];
  ca: string | undefined;
  insecure: boolean;
  timeoutMs: number;
}

/** The forward proxy the section asks for (validated by the config schema), or null for none. */
export function resolveForwardProxy(section: ProxySection): ResolvedForwardProxy | null {
  if (!section.forward) return null;
  return {
    port: section.forward.port,
    intercept: [...section.forward.intercept],
    resolve: section.forward.resolve.map(parseResolveOverride),
    ca: section.upstreamCa ?? undefined,
    insecure: section.insecureUpstream,
    timeoutMs: section.timeoutMs,
  };
}
