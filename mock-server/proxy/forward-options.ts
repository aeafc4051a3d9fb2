import { InterceptDomainError, normalizeInterceptDomain } from './intercept.js';
import { ProxyOptionsError, defaultProxyTimeoutMs } from './options.js';
import { ResolveOverrideError, parseResolveOverride, type ResolveOverride } from './resolve-override.js';

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

export const defaultForwardProxyPort = 8080;

export interface ResolvedForwardProxy {
  port: number;
  intercept: string[];
  resolve: ResolveOverride[];
  ca: string | undefined;
  insecure: boolean;
  timeoutMs: number;
}

export function resolveForwardProxy(options: ForwardProxyOptions): ResolvedForwardProxy {
  const port = options.port ?? defaultForwardProxyPort;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ProxyOptionsError(`forwardProxy.port must be a port number from 0 to 65535, not ${port}`);
  const timeoutMs = options.timeoutMs ?? defaultProxyTimeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new ProxyOptionsError(`forwardProxy.timeoutMs must be a positive number of milliseconds, not ${timeoutMs}`);
  if (options.upstreamCa !== undefined && !options.upstreamCa.includes('-----BEGIN CERTIFICATE-----'))
    throw new ProxyOptionsError('forwardProxy.upstreamCa must be PEM text (-----BEGIN CERTIFICATE-----…)');
  const intercept: string[] = [];
  const resolve: ResolveOverride[] = [];
  try {
    for (const pattern of options.intercept) {
      const normalized = normalizeInterceptDomain(pattern);
      if (!intercept.includes(normalized)) intercept.push(normalized);
    }
    for (const text of options.resolve ?? []) resolve.push(parseResolveOverride(text));
  } catch (error) {
    if (error instanceof InterceptDomainError) throw new ProxyOptionsError(`forwardProxy.intercept: ${error.message}`);
    if (error instanceof ResolveOverrideError) throw new ProxyOptionsError(`forwardProxy.resolve: ${error.message}`);
    throw error;
  }
  return { port, intercept, resolve, ca: options.upstreamCa, insecure: options.insecure === true, timeoutMs };
}
