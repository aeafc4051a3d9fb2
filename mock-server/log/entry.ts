import type { OperationName } from '../protocol/operations.js';
import type { KnownBugKey } from '../analysis/known-bugs.js';

/** One header line as it crossed the wire; duplicates stay separate lines (HAR's shape). */
export interface HeaderLine {
  name: string;
  value: string;
}

/** A request or response body as captured, cut at the log's body cap. */
export interface CapturedBody {
  /** The captured bytes: UTF-8 text, or base64 when the bytes are not valid text. */
  text: string;
  encoding: 'utf8' | 'base64';
  /** Full size in bytes, as sent, even when `text` was cut. */
  size: number;
  truncated: boolean;
  mimeType: string;
  /** Hex SHA-256 of the whole body (`size` bytes), when it was computed: the reverse proxy does for every body it streams. */
  sha256?: string;
}

/** One request on the WOPI origin, as the request log keeps it. */
export interface LogEntry {
  /** Monotonic, starts at 1 for each engine run; never reused after a clear. */
  seq: number;
  /** ISO 8601 time the request arrived. */
  time: string;
  operation: OperationName;
  method: string;
  /** Path and query exactly as received. */
  url: string;
  httpVersion: string;
  status: number;
  durationMs: number;
  /** The authenticated mock user, when the request carried a valid token or named one. */
  userId: string | null;
  remoteAddress: string;
  requestHeaders: HeaderLine[];
  responseHeaders: HeaderLine[];
  requestBody: CapturedBody | null;
  responseBody: CapturedBody | null;
  /** Id of the fault rule that fired on this request, if any. */
  faultId: string | null;
  /** Keys of the known-bug switches that bent this answer on purpose (analysis/known-bugs.ts); empty when none did. */
  knownBugs: readonly KnownBugKey[];
  /** Set when the connection closed before a response was complete. */
  aborted: boolean;
  /** Why the host answered as it did, when that is not obvious (e.g. why a token was refused). */
  notes: string[];
  /** Who answered: the mock itself, or the upstream behind the reverse proxy (`--proxy-to`). Absent means the mock. */
  source?: 'mock' | 'proxy';
  /** The upstream's origin, on entries the reverse proxy forwarded. */
  upstream?: string;
  /** Milliseconds from forwarding the request to the upstream's response headers (time to first byte). */
  upstreamTtfbMs?: number;
}

/**
 * What the live stream sends for each entry (`GET /api/log/stream`, and `GET /api/log?view=summary`):
 * everything the Live log's table, its search and the Flow screen show, and none of the headers
 * and bodies, which are most of an entry's size and cost. The whole entry is `GET /api/log/:seq`.
 */
export interface LogSummary extends Pick<
  LogEntry,
  | 'seq'
  | 'time'
  | 'operation'
  | 'method'
  | 'url'
  | 'status'
  | 'durationMs'
  | 'userId'
  | 'remoteAddress'
  | 'faultId'
  | 'knownBugs'
  | 'aborted'
  | 'notes'
  | 'source'
  | 'upstream'
  | 'upstreamTtfbMs'
> {
  /** The request's `User-Agent` ('' when it sent none): which client this was. */
  userAgent: string;
  /** Whether the request carried an `Authorization` header at all (a refused token, or none). */
  sentAuthorization: boolean;
  /** Read from the headers and bodies the summary leaves out, on the few operations that need it. */
  facts?: ExchangeFacts;
}

/** What a person following a sign-in wants to know about an exchange beyond its status. */
export interface ExchangeFacts {
  /** Token: the form's `grant_type`. */
  grantType?: string;
  /** Authorize answered with a redirect: the `error` it carried instead of a code. */
  redirectError?: string;
  /** Token and GetNewAccessToken answered 200: whom the token handed out is for (its `sub`). */
  issuedUserId?: string;
  /** GetNewAccessToken answered 200: what the WOPI token handed out is good for (its `res`). */
  issuedScope?: string;
}
