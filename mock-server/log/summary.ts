import { Operation } from '../protocol/operations.js';
import { decodeToken, headerValue, jsonBody, queryOf } from '../analysis/token-insight.js';
import type { ExchangeFacts, LogEntry, LogSummary } from './entry.js';

/*
 * The summary the live stream sends per entry (entry.ts, LogSummary). Nothing here imports Node,
 * so tests and the UI's models can summarize a fixture the way the engine summarizes a request.
 */

/** The summary of any entry; RecordedEntry.summary() gives the same without decoding what it skips. */
export function summarize(entry: LogEntry): LogSummary {
  return summaryOf(
    entry,
    headerValue(entry.requestHeaders, 'user-agent') ?? '',
    headerValue(entry.requestHeaders, 'authorization') !== undefined,
  );
}

/** Builds the summary object, always with the same shape (the stream serializes thousands of them). */
export function summaryOf(entry: LogEntry, userAgent: string, sentAuthorization: boolean): LogSummary {
  const facts = needsFacts(entry) ? exchangeFacts(entry) : undefined;
  const summary: LogSummary = {
    seq: entry.seq,
    time: entry.time,
    operation: entry.operation,
    method: entry.method,
    url: entry.url,
    status: entry.status,
    durationMs: entry.durationMs,
    userId: entry.userId,
    remoteAddress: entry.remoteAddress,
    faultId: entry.faultId,
    knownBugs: entry.knownBugs,
    aborted: entry.aborted,
    notes: entry.notes,
    userAgent,
    sentAuthorization,
  };
  if (facts) summary.facts = facts;
  // Only on proxied exchanges, as on the entry: a mocked one keeps the shape it always had.
  if (entry.source !== undefined) summary.source = entry.source;
  if (entry.upstream !== undefined) summary.upstream = entry.upstream;
  if (entry.upstreamTtfbMs !== undefined) summary.upstreamTtfbMs = entry.upstreamTtfbMs;
  return summary;
}

/**
 * Whether the entry is one whose facts come from its headers or bodies: the sign-in's token
 * exchanges and redirects, a handful per sign-in. Everything else (the bootstrapper's 401s and
 * 200s, WOPI calls) is summarized from what every entry carries.
 */
export function needsFacts(entry: Pick<LogEntry, 'operation' | 'method' | 'status'>): boolean {
  switch (entry.operation) {
    case Operation.Token:
      return true;
    case Operation.GetNewAccessToken:
      return entry.status === 200;
    case Operation.Authorize:
      return entry.method !== 'GET' && entry.status >= 300 && entry.status < 400;
    default:
      return false;
  }
}

/** The facts of one of the entries `needsFacts` picks; undefined when there are none to tell. */
export function exchangeFacts(entry: LogEntry): ExchangeFacts | undefined {
  const facts: ExchangeFacts = {};
  const time = Date.parse(entry.time);
  switch (entry.operation) {
    case Operation.Token: {
      const body = entry.requestBody;
      const grant = body?.encoding === 'utf8' ? new URLSearchParams(body.text).get('grant_type') : null;
      if (grant !== null) facts.grantType = grant;
      const json = entry.status === 200 ? jsonBody(entry) : undefined;
      const access = json !== null && typeof json === 'object' ? (json as Record<string, unknown>)['access_token'] : undefined;
      const decoded = typeof access === 'string' ? decodeToken(access, time) : null;
      if (decoded?.ok && decoded.insight.userId !== null) facts.issuedUserId = decoded.insight.userId;
      break;
    }
    case Operation.GetNewAccessToken: {
      const json = jsonBody(entry);
      const info =
        json !== null && typeof json === 'object' ? (json as { AccessTokenInfo?: { AccessToken?: unknown } }).AccessTokenInfo : undefined;
      const decoded = typeof info?.AccessToken === 'string' ? decodeToken(info.AccessToken, time) : null;
      if (decoded?.ok) {
        if (decoded.insight.userId !== null) facts.issuedUserId = decoded.insight.userId;
        if (decoded.insight.scope !== null) facts.issuedScope = decoded.insight.scope;
      }
      break;
    }
    case Operation.Authorize: {
      const location = headerValue(entry.responseHeaders, 'location');
      const error = location !== undefined ? queryOf(location)?.get('error') : undefined;
      if (error) facts.redirectError = error;
      break;
    }
  }
  return Object.keys(facts).length > 0 ? facts : undefined;
}
