/*
 * What the proxy answers when the upstream gives no answer: 502 when it could not be reached or
 * refused us, 504 when it took too long, with `X-WOPI-ServerError` naming the cause. Pure.
 */

/** The proxy gave up waiting for the upstream's response headers. */
export class UpstreamTimeoutError extends Error {
  readonly code = 'PROXY_UPSTREAM_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

export interface UpstreamFailure {
  /** 403 only from the forward proxy, for a target on this machine it will not open to another device. */
  status: 403 | 502 | 504;
  /** One line, ASCII: the `X-WOPI-ServerError` value and the log note. */
  cause: string;
}

const certificateCodes = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

/** Names why the upstream gave no answer, in words for the person reading the log. */
export function upstreamFailure(error: unknown, upstream: string): UpstreamFailure {
  const code = String((error as NodeJS.ErrnoException | null)?.code ?? '');
  const message = (error as Error | null)?.message ?? String(error);
  if (error instanceof UpstreamTimeoutError)
    return { status: 504, cause: `upstream ${upstream} did not answer within ${error.timeoutMs} ms (timeoutMs)` };
  if (code === 'PROXY_LOOPBACK_TARGET')
    return {
      status: 403,
      cause: `${upstream} is this machine (${(error as Error & { address?: string }).address ?? 'loopback'}): the forward proxy does not open this machine's own ports to other devices; point a name here on purpose with --resolve`,
    };
  if (code === 'ETIMEDOUT') return { status: 504, cause: `upstream ${upstream} timed out while connecting (ETIMEDOUT)` };
  if (code === 'ECONNREFUSED') return { status: 502, cause: `upstream ${upstream} refused the connection (ECONNREFUSED): is it running?` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { status: 502, cause: `upstream host of ${upstream} could not be resolved (${code})` };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN' || code === 'ENETDOWN')
    return { status: 502, cause: `upstream ${upstream} is unreachable (${code})` };
  if (code === 'ECONNRESET' || code === 'EPIPE' || message === 'socket hang up')
    return { status: 502, cause: `upstream ${upstream} closed the connection before answering (${code || 'socket hang up'})` };
  if (certificateCodes.has(code) || code.startsWith('ERR_TLS_CERT'))
    return {
      status: 502,
      cause: `upstream ${upstream} presented a certificate this proxy does not trust (${code}: ${message}); add its CA with --upstream-ca, or --insecure-upstream`,
    };
  if (code === 'EPROTO' || code.startsWith('ERR_SSL'))
    return { status: 502, cause: `the TLS handshake with upstream ${upstream} failed (${code}): is it an https origin?` };
  return { status: 502, cause: `the request to upstream ${upstream} failed (${code || 'error'}: ${message})` };
}

/** Header values must be visible ASCII; anything else is replaced rather than risking a throw. */
export function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7E]/g, '?').slice(0, 1000);
}
