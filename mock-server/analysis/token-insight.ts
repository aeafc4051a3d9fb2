import { parseBearerAuthorization } from '../protocol/authorization.js';
import { epochSecondsToMs } from '../protocol/time.js';
import type { TokenKind, WopiScope } from '../tokens/token-service.js';
import type { HeaderLine, LogEntry } from '../log/entry.js';

/*
 * Reads the tokens that cross the wire in a log entry, for people: who, what for, until when.
 * Nothing is verified (the UI has no key and needs none to show a payload), and nothing here
 * imports Node, so the renderer runs the same code as the engine's tests.
 */

/** What a token says about itself once its JWT header and payload are decoded. */
export interface TokenInsight {
  /** From the JWT `typ` header; `unknown` for a JWT this host did not mint. */
  kind: TokenKind | 'unknown';
  typ: string | null;
  algorithm: string | null;
  userId: string | null;
  /** WOPI tokens: the one resource (or the ecosystem) the token is good for. */
  scope: WopiScope | null;
  /** OAuth tokens and codes: the client they were issued to. */
  clientId: string | null;
  tokenId: string | null;
  issuedAtMs: number | null;
  expiresAtMs: number | null;
  /** Null when the token carries no expiry. */
  expired: boolean | null;
  /** Milliseconds left until expiry at the time asked about; negative once expired. */
  remainingMs: number | null;
}

export type DecodedToken = { ok: true; insight: TokenInsight } | { ok: false; reason: string };

/** Where in an exchange a token was seen, in words a person reads in the detail pane. */
export const TokenPlace = {
  AuthorizationHeader: 'Authorization header',
  AccessTokenQuery: 'access_token query parameter',
  CodeForm: 'code (form body)',
  RefreshTokenForm: 'refresh_token (form body)',
  LocationCode: 'code in the Location redirect',
  AccessTokenJson: 'access_token (JSON body)',
  RefreshTokenJson: 'refresh_token (JSON body)',
  AccessTokenInfoJson: 'AccessTokenInfo.AccessToken (JSON body)',
  UrlInJson: 'URL in the JSON body',
} as const;
export type TokenPlace = (typeof TokenPlace)[keyof typeof TokenPlace];

export interface SeenToken {
  direction: 'request' | 'response';
  place: TokenPlace;
  /** For tokens inside JSON: the property path, e.g. `Bootstrap.EcosystemUrl`. */
  path?: string;
  token: string;
  decoded: DecodedToken;
}

const typPattern = /^wopi-mock-(access|refresh|code|wopi)\+jwt$/;
const jwtPattern = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Decodes a JWT's header and payload (no signature check) and says what it is at `nowMs`. */
export function decodeToken(token: string, nowMs: number): DecodedToken {
  if (!jwtPattern.test(token)) return { ok: false, reason: 'not a JWT (expected three base64url parts separated by dots)' };
  const [headerPart, payloadPart] = token.split('.') as [string, string];
  const header = decodeJsonPart(headerPart);
  if (header === null) return { ok: false, reason: 'the JWT header is not base64url-encoded JSON' };
  const payload = decodeJsonPart(payloadPart);
  if (payload === null) return { ok: false, reason: 'the JWT payload is not base64url-encoded JSON' };

  const typ = stringOrNull(header['typ']);
  const kind = typ !== null ? (typPattern.exec(typ)?.[1] as TokenKind | undefined) : undefined;
  const issuedAtMs = epochMsOf(payload['iat']);
  const expiresAtMs = epochMsOf(payload['exp']);
  const scope = stringOrNull(payload['res']);
  return {
    ok: true,
    insight: {
      kind: kind ?? 'unknown',
      typ,
      algorithm: stringOrNull(header['alg']),
      userId: stringOrNull(payload['sub']),
      scope: scope !== null && isWopiScope(scope) ? scope : null,
      clientId: stringOrNull(payload['cid']),
      tokenId: stringOrNull(payload['jti']),
      issuedAtMs,
      expiresAtMs,
      // The engine's rule (and jose's): a token is expired from the second its `exp` names.
      expired: expiresAtMs === null ? null : expiresAtMs <= nowMs,
      remainingMs: expiresAtMs === null ? null : expiresAtMs - nowMs,
    },
  };
}

/** Every token a request sent and its response handed out, in the order a reader meets them. */
export function tokensInEntry(entry: LogEntry, nowMs: number): SeenToken[] {
  const seen: SeenToken[] = [];
  const add = (direction: SeenToken['direction'], place: TokenPlace, token: string, path?: string) => {
    if (token === '' || seen.some((s) => s.token === token && s.direction === direction && s.place === place && s.path === path)) return;
    seen.push({ direction, place, ...(path !== undefined ? { path } : {}), token, decoded: decodeToken(token, nowMs) });
  };

  const bearer = bearerToken(entry);
  if (bearer !== undefined) add('request', TokenPlace.AuthorizationHeader, bearer);
  const query = queryOf(entry.url);
  const queryToken = query?.get('access_token');
  if (queryToken) add('request', TokenPlace.AccessTokenQuery, queryToken);
  if (entry.requestBody?.encoding === 'utf8' && /x-www-form-urlencoded/i.test(entry.requestBody.mimeType)) {
    const form = new URLSearchParams(entry.requestBody.text);
    const code = form.get('code');
    if (code) add('request', TokenPlace.CodeForm, code);
    const refresh = form.get('refresh_token');
    if (refresh) add('request', TokenPlace.RefreshTokenForm, refresh);
  }

  const location = headerValue(entry.responseHeaders, 'location');
  const redirectCode = location !== undefined ? queryOf(location)?.get('code') : undefined;
  if (redirectCode) add('response', TokenPlace.LocationCode, redirectCode);
  const json = jsonBody(entry);
  if (json !== undefined) {
    walkJson(json, '', (path, key, value) => {
      if (key === 'access_token' && path === 'access_token') add('response', TokenPlace.AccessTokenJson, value);
      else if (key === 'refresh_token' && path === 'refresh_token') add('response', TokenPlace.RefreshTokenJson, value);
      else if (path === 'AccessTokenInfo.AccessToken') add('response', TokenPlace.AccessTokenInfoJson, value);
      else if (/^https?:\/\//i.test(value)) {
        const urlToken = queryOf(value)?.get('access_token');
        if (urlToken) add('response', TokenPlace.UrlInJson, urlToken, path);
      }
    });
  }
  return seen;
}

/** The parsed JSON body of an entry's response, or undefined when it is not (complete) JSON. */
export function jsonBody(entry: LogEntry): unknown {
  const body = entry.responseBody;
  if (!body || body.encoding !== 'utf8' || body.truncated) return undefined;
  try {
    return JSON.parse(body.text) as unknown;
  } catch {
    return undefined;
  }
}

/** The token of the request's `Authorization: Bearer` header, in either form the host accepts. */
export function bearerToken(entry: LogEntry): string | undefined {
  const parsed = parseBearerAuthorization(headerValue(entry.requestHeaders, 'authorization'));
  return parsed.kind === 'bearer' ? parsed.token : undefined;
}

/** The value of a header, case-insensitively; the first line when it was sent several times. */
export function headerValue(headers: readonly HeaderLine[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

/** The query of an absolute URL or of a path-and-query; null when it cannot be parsed. */
export function queryOf(url: string): URLSearchParams | null {
  try {
    return new URL(url, 'https://host.invalid').searchParams;
  } catch {
    return null;
  }
}

/** Visits every string in a JSON value with its dotted path (array items as `[i]`), at most 2,000 of them. */
function walkJson(value: unknown, path: string, visit: (path: string, key: string, value: string) => void): void {
  let budget = 2000;
  const walk = (node: unknown, at: string, key: string) => {
    if (budget-- <= 0) return;
    if (typeof node === 'string') return visit(at, key, node);
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${at}[${i}]`, key));
    if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, at === '' ? k : `${at}.${k}`, k);
    }
  };
  walk(value, path, '');
}

function decodeJsonPart(part: string): Record<string, unknown> | null {
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A JWT time claim (seconds since the epoch) in milliseconds; null when it is not a number. */
function epochMsOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? epochSecondsToMs(value) : null;
}

function isWopiScope(value: string): value is WopiScope {
  return value === 'ecosystem' || /^(file|container):./.test(value);
}

/** What a token says about itself, or undefined when it is not a JWT this code can read. */
export function insightOf(token: string, nowMs: number): TokenInsight | undefined {
  const decoded = decodeToken(token, Number.isFinite(nowMs) ? nowMs : 0);
  return decoded.ok ? decoded.insight : undefined;
}
