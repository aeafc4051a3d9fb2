import { parseUpstream } from './origins.js';

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

export const defaultProxyTimeoutMs = 30_000;

/** A `proxyTo` that cannot work; the message says what to change. */
export class ProxyOptionsError extends Error {}

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

export function resolveProxyTo(options: ProxyTo): ResolvedProxyTo {
  const upstream = parseUpstream(options.upstream);
  if (!upstream.ok) throw new ProxyOptionsError(`proxyTo.upstream: ${upstream.reason}`);
  const timeoutMs = options.timeoutMs ?? defaultProxyTimeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new ProxyOptionsError(`proxyTo.timeoutMs must be a positive number of milliseconds, not ${timeoutMs}`);
  if (options.ca !== undefined && !options.ca.includes('-----BEGIN CERTIFICATE-----'))
    throw new ProxyOptionsError('proxyTo.ca must be PEM text (-----BEGIN CERTIFICATE-----…)');
  return {
    upstream: upstream.origin,
    upstreamHost: upstream.host,
    hostname: upstream.hostname,
    port: upstream.port,
    ca: options.ca,
    insecure: options.insecure === true,
    rewriteAll: options.rewriteAll === true,
    timeoutMs,
  };
}
