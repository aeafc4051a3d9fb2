import { toClientUrl, toUpstreamUrl, type ProxyOrigins } from './origins.js';
import type { Rewrite } from './json-rewrite.js';

/*
 * What the proxies do to headers, both ways, on Node's raw header lists (name, value,
 * name, value…: names in their original case, duplicates as separate lines). Every header not
 * named here crosses byte for byte, in its place. Pure: no Node, no I/O.
 */

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the message: each side of the
 * proxy has its own. `Expect` is answered by the proxy's own listener (100 Continue) before the
 * body is read, so the upstream never waits for a continue it was not asked for.
 */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);

/** Headers that carry the proxy's own view of the client; whatever the client sent for them is replaced. */
const forwardedNames = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);

/**
 * WOPI headers that are never URLs, however they look: locks and versions are opaque strings the
 * host compares byte for byte, and proof values are signatures over the original request.
 */
const opaqueWopiHeaders = new Set([
  'x-wopi-lock',
  'x-wopi-oldlock',
  'x-wopi-itemversion',
  'x-wopi-proof',
  'x-wopi-proofold',
  'x-wopi-timestamp',
]);

/** The proof headers (https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/online/scenarios/proofkeys). */
const proofHeaders = new Set(['x-wopi-proof', 'x-wopi-proofold']);

export interface ToUpstreamOptions {
  origins: ProxyOrigins;
  /** The upstream's `Host` value (`host[:port]`, as its URL spells it). */
  upstreamHost: string;
  /** The client's address, as the socket gives it. */
  remoteAddress: string;
}

export interface UpstreamRequestHeaders {
  /** Raw list for the upstream request. */
  headers: string[];
  rewrites: Rewrite[];
  /** Names of the proof headers the client sent, as it spelled them. */
  proofHeaders: string[];
}

/** Names listed in `Connection` are hop-by-hop too (RFC 9110 §7.6.1). */
function connectionOptions(raw: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'connection') continue;
    for (const option of raw[i + 1]!.split(',')) {
      const name = option.trim().toLowerCase();
      if (name !== '') names.add(name);
    }
  }
  return names;
}

/** `::ffff:10.0.0.5` is how a dual-stack socket shows an IPv4 client; X-Forwarded-For gets the IPv4 form. */
function clientAddress(address: string): string {
  return address.toLowerCase().startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * The client's request headers as the upstream gets them: `Host` names the upstream, URL-valued
 * WOPI headers (`X-WOPI-WopiSrc` first of all) that name the proxy are moved back to the
 * upstream, `X-Forwarded-For/Proto/Host` are added, hop-by-hop headers are dropped. Everything
 * else, tokens, locks (an empty one too) and proofs included, is passed as it came.
 */
export function toUpstreamHeaders(raw: readonly string[], options: ToUpstreamOptions): UpstreamRequestHeaders {
  const dropped = connectionOptions(raw);
  const headers: string[] = [];
  const rewrites: Rewrite[] = [];
  const proofs: string[] = [];
  const forwardedFor: string[] = [];
  let clientHost: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (hopByHop.has(lower) || dropped.has(lower)) continue;
    if (forwardedNames.has(lower)) {
      if (lower === 'x-forwarded-for') forwardedFor.push(value);
      continue;
    }
    if (lower === 'host') {
      if (clientHost !== null) continue; // a second Host: the listener took the first
      // Always the upstream's, so not reported as a rewrite (X-Forwarded-Host keeps the client's).
      clientHost = value;
      headers.push(name, options.upstreamHost);
      continue;
    }
    if (proofHeaders.has(lower)) proofs.push(name);
    if (lower.startsWith('x-wopi-') && !opaqueWopiHeaders.has(lower)) {
      const moved = toUpstreamUrl(value, options.origins);
      if (moved !== null) {
        headers.push(name, moved);
        rewrites.push({ where: name, from: value, to: moved });
        continue;
      }
    }
    headers.push(name, value);
  }
  if (clientHost === null) headers.push('Host', options.upstreamHost);
  forwardedFor.push(clientAddress(options.remoteAddress));
  headers.push('X-Forwarded-For', forwardedFor.join(', '), 'X-Forwarded-Proto', 'https');
  if (clientHost !== null) headers.push('X-Forwarded-Host', clientHost);
  return { headers, rewrites, proofHeaders: proofs };
}

export interface ClientResponseHeaders {
  headers: string[];
  rewrites: Rewrite[];
}

/**
 * The upstream's response headers as the client gets them: `Location` and the challenge's
 * `tokenIssuance_uri` (with `rewriteAll`, `authorization_uri` too) moved to the proxy's origin,
 * hop-by-hop headers dropped, everything else as it came.
 */
export function toClientHeaders(raw: readonly string[], origins: ProxyOrigins, rewriteAll = false): ClientResponseHeaders {
  const dropped = connectionOptions(raw);
  const headers: string[] = [];
  const rewrites: Rewrite[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (hopByHop.has(lower) || dropped.has(lower)) continue;
    if (lower === 'location') {
      const moved = toClientUrl(value, origins);
      if (moved !== null) {
        headers.push(name, moved);
        rewrites.push({ where: name, from: value, to: moved });
        continue;
      }
    } else if (lower === 'www-authenticate') {
      const challenge = rewriteChallenge(value, origins, rewriteAll);
      headers.push(name, challenge.value);
      for (const rewrite of challenge.rewrites) rewrites.push({ ...rewrite, where: `${name} ${rewrite.where}` });
      continue;
    }
    headers.push(name, value);
  }
  return { headers, rewrites };
}

/** One `name=value` of a challenge: where its value sits in the header (quotes excluded) and what it says. */
export interface ChallengeParameter {
  name: string;
  value: string;
  start: number;
  end: number;
  quoted: boolean;
}

const tokenDelimiters = new Set([' ', '\t', ',', '=', '"', ';']);

/**
 * The auth-params of a `WWW-Authenticate` value (RFC 9110 §11.6.1), with their spans, across every
 * challenge it holds. Lenient where real hosts are sloppy (`,` or `, `, quoted or bare values, a
 * trailing comma); a part it cannot read ends the scan, and what was read so far stands.
 */
export function challengeParameters(header: string): ChallengeParameter[] {
  const parameters: ChallengeParameter[] = [];
  let i = 0;
  const skip = (chars: string) => {
    while (i < header.length && chars.includes(header[i]!)) i++;
  };
  const token = () => {
    const start = i;
    while (i < header.length && !tokenDelimiters.has(header[i]!)) i++;
    return header.slice(start, i);
  };
  while (i < header.length) {
    skip(' \t,');
    const name = token();
    if (name === '') return parameters;
    skip(' \t');
    if (header[i] !== '=') continue; // an auth-scheme (or a token68 ending in '='s, read as a scheme)
    i++;
    skip(' \t');
    if (header[i] === '"') {
      const start = ++i;
      let value = '';
      while (i < header.length && header[i] !== '"') {
        if (header[i] === '\\' && i + 1 < header.length) i++;
        value += header[i++];
      }
      if (i >= header.length) return parameters; // an unterminated quote
      parameters.push({ name, value, start, end: i, quoted: true });
      i++;
    } else {
      // A bare value runs to the next separator; '=' may be part of it (a URL's query).
      const start = i;
      while (i < header.length && header[i] !== ',' && header[i] !== ' ' && header[i] !== '\t') i++;
      const value = header.slice(start, i);
      parameters.push({ name, value, start, end: i, quoted: false });
    }
  }
  return parameters;
}

/** Challenge parameters that name the host's OAuth endpoints. */
const tokenIssuance = 'tokenissuance_uri';
const authorization = 'authorization_uri';

/**
 * Moves the challenge's `tokenIssuance_uri` (any casing) to the proxy's origin, and with
 * `rewriteAll` its `authorization_uri` (a page the user's browser opens) too. The rest of the
 * header, its odd spacing and bugs included, is kept as it was.
 */
export function rewriteChallenge(header: string, origins: ProxyOrigins, rewriteAll = false): { value: string; rewrites: Rewrite[] } {
  const rewrites: Rewrite[] = [];
  let out = '';
  let copiedTo = 0;
  for (const parameter of challengeParameters(header)) {
    const lower = parameter.name.toLowerCase();
    if (lower !== tokenIssuance && !(rewriteAll && lower === authorization)) continue;
    const moved = toClientUrl(parameter.value, origins);
    if (moved === null) continue;
    out += header.slice(copiedTo, parameter.start) + (parameter.quoted ? moved.replace(/["\\]/g, '\\$&') : moved);
    copiedTo = parameter.end;
    rewrites.push({ where: parameter.name, from: parameter.value, to: moved });
  }
  return rewrites.length === 0 ? { value: header, rewrites } : { value: out + header.slice(copiedTo), rewrites };
}

/**
 * A raw header list with only the hop-by-hop headers taken out: what the forward proxy sends on,
 * both ways. It rewrites nothing, since its client already speaks to the real origin.
 */
export function withoutHopByHop(raw: readonly string[]): string[] {
  const dropped = connectionOptions(raw);
  const headers: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (!hopByHop.has(lower) && !dropped.has(lower)) headers.push(raw[i]!, raw[i + 1]!);
  }
  return headers;
}
