import type { OutgoingHttpHeaders } from 'node:http';
import { RecordedEntry, type RawBody, type RawExchange } from '../log/recorded-entry.js';
import { decodeToken, tokensInEntry } from '../analysis/token-insight.js';
import { parseBearerAuthorization } from '../protocol/authorization.js';
import { withoutBasicCredentials, withoutSecretInQuery, withoutSecretParameters } from '../http/record.js';

/** What the proxy knows of one exchange when it ends. */
export interface ProxiedExchange extends Pick<
  RawExchange,
  | 'seq'
  | 'startedAt'
  | 'operation'
  | 'method'
  | 'url'
  | 'httpVersion'
  | 'status'
  | 'durationMs'
  | 'remoteAddress'
  | 'rawRequestHeaders'
  | 'requestBody'
  | 'responseBody'
  | 'aborted'
  | 'notes'
> {
  /** The response headers as sent to the client (raw list), or null when none were sent. */
  sentResponseHeaders: string[] | null;
  upstream: string;
  upstreamTtfbMs: number | undefined;
  /** The fault rule that fired for the exchange, if any. */
  faultId: string | null;
  /** Now, for reading token expiry while naming the user. */
  nowMs: number;
}

const noKnownBugs = Object.freeze([]);

/**
 * The log entry of a proxied exchange: the same shape and the same redaction as a mocked one
 * (http/record.ts), plus where it went. The user is read from the tokens the exchange carried,
 * unverified: the proxy has no key for the upstream's tokens, and needs none to read their claims.
 */
export function recordProxied(exchange: ProxiedExchange): RecordedEntry {
  const raw: RawExchange = {
    seq: exchange.seq,
    startedAt: exchange.startedAt,
    operation: exchange.operation,
    method: exchange.method,
    url: withoutSecretInQuery(exchange.url),
    httpVersion: exchange.httpVersion,
    status: exchange.status,
    durationMs: exchange.durationMs,
    userId: null,
    remoteAddress: exchange.remoteAddress,
    rawRequestHeaders: withoutBasicCredentials(exchange.rawRequestHeaders),
    responseHeaders: exchange.sentResponseHeaders ? headerObject(exchange.sentResponseHeaders) : null,
    requestBody: exchange.requestBody && redactForm(exchange.requestBody),
    responseBody: exchange.responseBody,
    faultId: exchange.faultId,
    knownBugs: noKnownBugs,
    aborted: exchange.aborted,
    notes: exchange.notes,
    source: 'proxy',
    upstream: exchange.upstream,
    ...(exchange.upstreamTtfbMs !== undefined ? { upstreamTtfbMs: exchange.upstreamTtfbMs } : {}),
  };
  if (!mayCarryTokens(raw)) return new RecordedEntry(raw);
  const userId = userOf(new RecordedEntry(raw), exchange.nowMs);
  return new RecordedEntry(userId === null ? raw : { ...raw, userId });
}

/** The first user a token of the exchange names, request side first (`sub` claim, not verified). */
function userOf(entry: RecordedEntry, nowMs: number): string | null {
  for (const seen of tokensInEntry(entry, nowMs)) if (seen.decoded.ok && seen.decoded.insight.userId) return seen.decoded.insight.userId;
  return null;
}

/**
 * The user a request's token names (its `sub` claim, not verified: the proxy has no key for it),
 * for fault rules with a `userId`: the `Authorization` bearer first, then `access_token` in the query.
 */
export function claimedUser(target: string, authorization: string | undefined, nowMs: number): string | null {
  const bearer = parseBearerAuthorization(authorization);
  const queryStart = target.indexOf('?');
  const query = queryStart < 0 ? null : new URLSearchParams(target.slice(queryStart + 1)).get('access_token');
  for (const token of [bearer.kind === 'bearer' ? bearer.token : null, query]) {
    if (!token) continue;
    const decoded = decodeToken(token, nowMs);
    if (decoded.ok && decoded.insight.userId) return decoded.insight.userId;
  }
  return null;
}

/** Reading tokens materializes the entry; skip it for the ones that cannot have any (the bootstrapper's bare 401). */
function mayCarryTokens(raw: RawExchange): boolean {
  if (raw.url.includes('access_token=') || raw.requestBody || raw.responseBody) return true;
  const headers = raw.rawRequestHeaders;
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.length === 13 && headers[i]!.toLowerCase() === 'authorization') return true;
  return false;
}

/** The client secret of a token request never reaches the log (the upstream gets it as sent). */
function redactForm(body: RawBody): RawBody {
  if (!/application\/x-www-form-urlencoded/i.test(body.mimeType)) return body;
  const text = body.bytes.toString('latin1');
  const kept = withoutSecretParameters(text);
  return kept === text ? body : { ...body, bytes: Buffer.from(kept, 'latin1') };
}

/** Raw header lines as the log's header object: names as sent, repeated names as arrays, in order. */
function headerObject(raw: readonly string[]): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  const keys = new Map<string, string>();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    const key = keys.get(lower);
    if (key === undefined) {
      keys.set(lower, name);
      headers[name] = value;
    } else {
      const existing = headers[key];
      headers[key] = Array.isArray(existing) ? [...existing, value] : [String(existing), value];
    }
  }
  return headers;
}

/** Milliseconds to two decimals, as the log shows durations. */
export function round2(ms: number): number {
  return Math.round(ms * 100) / 100;
}
