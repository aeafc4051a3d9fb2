/*
 * The two origins of a reverse proxy: the upstream it stands for, and its own, which clients see.
 * A URL is moved from one to the other by swapping its scheme and authority and keeping every
 * byte after them as it was: nothing is re-encoded, so tokens and ids in paths and queries stay
 * exactly what the upstream wrote. Pure: no Node, no I/O.
 */

export interface ProxyOrigins {
  /** The upstream's origin, normalized (`https://host[:port]`, default port left out). */
  upstream: string;
  /** The proxy's own origin, as every rewritten URL carries it. */
  local: string;
  /**
   * Whether an origin (as `URL.origin` gives it) is one of the proxy's own: it answers on several
   * names (localhost, the LAN address, …), and a client may use any of them.
   */
  isLocal(origin: string): boolean;
}

/** A URL split where its authority ends: `origin` normalized, `rest` (path, query, fragment) as written. */
export interface SplitUrl {
  origin: string;
  rest: string;
}

/**
 * Splits an absolute http(s) URL into its origin and the rest, as written. Null for anything
 * else: relative references, other schemes, and URLs with user info (never rewritten).
 */
export function splitUrl(value: string): SplitUrl | null {
  const schemeEnd = value.indexOf('://');
  if (schemeEnd < 0) return null;
  const scheme = value.slice(0, schemeEnd).toLowerCase();
  if (scheme !== 'https' && scheme !== 'http') return null;
  const authorityStart = schemeEnd + 3;
  let authorityEnd = value.length;
  for (let i = authorityStart; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // '/', '?', '#', and the backslash that URL parsers read as '/' in http(s) URLs.
    if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5c) {
      authorityEnd = i;
      break;
    }
  }
  const authority = value.slice(authorityStart, authorityEnd);
  if (authority === '' || authority.includes('@')) return null;
  let origin: string;
  try {
    origin = new URL(value.slice(0, authorityEnd)).origin;
  } catch {
    return null;
  }
  return { origin, rest: value.slice(authorityEnd) };
}

/** The normalized origin of an absolute http(s) URL, or null. */
export function originOf(value: string): string | null {
  return splitUrl(value)?.origin ?? null;
}

/** A URL on the upstream's origin, moved to the proxy's; null when it names another origin (left as it is). */
export function toClientUrl(value: string, origins: ProxyOrigins): string | null {
  const split = splitUrl(value);
  return split && split.origin === origins.upstream ? origins.local + split.rest : null;
}

/** A URL on one of the proxy's origins, moved back to the upstream's; null when it names another origin. */
export function toUpstreamUrl(value: string, origins: ProxyOrigins): string | null {
  const split = splitUrl(value);
  return split && origins.isLocal(split.origin) ? origins.upstream + split.rest : null;
}

/**
 * Checks an upstream given as `https://host[:port]` and gives its normalized origin, or says what
 * is wrong: a path, query, fragment or user info would be silently dropped, so they are refused.
 */
export function parseUpstream(
  value: string,
): { ok: true; origin: string; host: string; hostname: string; port: number } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: `"${value}" is not an absolute URL (expected https://host[:port])` };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: `"${value}" is not an https URL (expected https://host[:port])` };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: `"${value}" carries user info; give https://host[:port]` };
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '')
    return {
      ok: false,
      reason: `"${value}" has a path, query or fragment; give the origin only (https://host[:port]): paths are kept as clients send them`,
    };
  return {
    ok: true,
    origin: url.origin,
    host: url.host,
    // URL keeps IPv6 literals in brackets; sockets want them bare.
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? 443 : Number(url.port),
  };
}

/** The path of a request target (origin-form, or absolute-form as a proxy may receive it), for naming the operation. */
export function pathOf(target: string): string {
  if (target.startsWith('/')) {
    const end = target.search(/[?#]/);
    return end < 0 ? target : target.slice(0, end);
  }
  try {
    return new URL(target).pathname;
  } catch {
    return target;
  }
}
