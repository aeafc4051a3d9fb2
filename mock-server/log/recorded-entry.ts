import type { OutgoingHttpHeaders } from 'node:http';
import type { OperationName } from '../protocol/operations.js';
import type { KnownBugKey } from '../analysis/known-bugs.js';
import type { CapturedBody, HeaderLine, LogEntry, LogSummary } from './entry.js';
import { summarize, summaryOf } from './summary.js';

/** A body as the wire carried it, cut at the log's cap; decoded only when someone reads it. */
export interface RawBody {
  bytes: Buffer;
  /** Full size in bytes, even when `bytes` was cut. */
  size: number;
  /** Whether `bytes` were cut at the cap (redaction may shorten them without cutting). */
  truncated: boolean;
  mimeType: string;
  /** Hex SHA-256 of the whole body, when computed. */
  sha256?: string;
}

/** What the request path records: cheap to take, with secrets already removed. */
export interface RawExchange {
  seq: number;
  startedAt: number;
  operation: OperationName;
  method: string;
  url: string;
  httpVersion: string;
  status: number;
  durationMs: number;
  userId: string | null;
  remoteAddress: string;
  /** Node's `rawHeaders`: name, value, name, value… */
  rawRequestHeaders: string[];
  responseHeaders: OutgoingHttpHeaders | null;
  requestBody: RawBody | null;
  responseBody: RawBody | null;
  faultId: string | null;
  knownBugs: readonly KnownBugKey[];
  aborted: boolean;
  notes: string[];
  /** Set by the reverse proxy; a mocked exchange leaves them out. */
  source?: 'mock' | 'proxy';
  upstream?: string;
  upstreamTtfbMs?: number;
}

type Details = Pick<LogEntry, 'requestHeaders' | 'responseHeaders' | 'requestBody' | 'responseBody'>;

/**
 * A log entry that turns its raw record into the `LogEntry` shape on first read. The request
 * path only stores references, in the entry itself (the log holds thousands, so one object
 * each, not two); header lists, the time and body text are built when the entry is read whole
 * (listed, fetched, exported), and then kept. Its summary (what the live stream sends) needs
 * none of them.
 */
export class RecordedEntry implements LogEntry {
  readonly seq: number;
  readonly operation: OperationName;
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly status: number;
  readonly durationMs: number;
  readonly userId: string | null;
  readonly remoteAddress: string;
  readonly faultId: string | null;
  readonly knownBugs: readonly KnownBugKey[];
  readonly aborted: boolean;
  readonly notes: string[];
  declare readonly source?: 'mock' | 'proxy';
  declare readonly upstream?: string;
  declare readonly upstreamTtfbMs?: number;
  private readonly startedAt: number;
  private timeText: string | null = null;
  /** The raw parts, until the details are built from them (then null). */
  private rawRequestHeaders: string[] | null;
  private rawResponseHeaders: OutgoingHttpHeaders | null;
  private rawRequestBody: RawBody | null;
  private rawResponseBody: RawBody | null;
  private materialized: Details | null = null;

  constructor(raw: RawExchange) {
    this.seq = raw.seq;
    this.operation = raw.operation;
    this.method = raw.method;
    this.url = raw.url;
    this.httpVersion = raw.httpVersion;
    this.status = raw.status;
    this.durationMs = raw.durationMs;
    this.userId = raw.userId;
    this.remoteAddress = raw.remoteAddress;
    this.faultId = raw.faultId;
    this.knownBugs = raw.knownBugs;
    this.aborted = raw.aborted;
    this.notes = raw.notes;
    // Only when set: a mocked entry keeps exactly the shape it always had.
    if (raw.source !== undefined) this.source = raw.source;
    if (raw.upstream !== undefined) this.upstream = raw.upstream;
    if (raw.upstreamTtfbMs !== undefined) this.upstreamTtfbMs = raw.upstreamTtfbMs;
    this.startedAt = raw.startedAt;
    this.rawRequestHeaders = raw.rawRequestHeaders;
    this.rawResponseHeaders = raw.responseHeaders;
    this.rawRequestBody = raw.requestBody;
    this.rawResponseBody = raw.responseBody;
  }

  get time(): string {
    return (this.timeText ??= new Date(this.startedAt).toISOString());
  }
  get requestHeaders(): HeaderLine[] {
    return this.details().requestHeaders;
  }
  get responseHeaders(): HeaderLine[] {
    return this.details().responseHeaders;
  }
  get requestBody(): CapturedBody | null {
    return this.details().requestBody;
  }
  get responseBody(): CapturedBody | null {
    return this.details().responseBody;
  }

  toJSON(): LogEntry {
    return {
      seq: this.seq,
      time: this.time,
      operation: this.operation,
      method: this.method,
      url: this.url,
      httpVersion: this.httpVersion,
      status: this.status,
      durationMs: this.durationMs,
      userId: this.userId,
      remoteAddress: this.remoteAddress,
      requestHeaders: this.requestHeaders,
      responseHeaders: this.responseHeaders,
      requestBody: this.requestBody,
      responseBody: this.responseBody,
      faultId: this.faultId,
      knownBugs: this.knownBugs,
      aborted: this.aborted,
      notes: this.notes,
      ...(this.source !== undefined ? { source: this.source } : {}),
      ...(this.upstream !== undefined ? { upstream: this.upstream } : {}),
      ...(this.upstreamTtfbMs !== undefined ? { upstreamTtfbMs: this.upstreamTtfbMs } : {}),
    };
  }

  /**
   * The same as `summarize(this)`, read from the raw request headers: an entry the stream
   * summarizes is never decoded whole (unless it is one of the few whose facts need its bodies).
   */
  summary(): LogSummary {
    const raw = this.rawRequestHeaders;
    if (raw === null) return summarize(this);
    let userAgent: string | undefined;
    let sentAuthorization = false;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      if (name.length === 10 && userAgent === undefined && name.toLowerCase() === 'user-agent') userAgent = raw[i + 1]!;
      else if (name.length === 13 && name.toLowerCase() === 'authorization') sentAuthorization = true;
    }
    return summaryOf(this, userAgent ?? '', sentAuthorization);
  }

  private details(): Details {
    if (this.materialized) return this.materialized;
    this.materialized = {
      requestHeaders: requestHeaderLines(this.rawRequestHeaders ?? []),
      responseHeaders: this.rawResponseHeaders ? responseHeaderLines(this.rawResponseHeaders) : [],
      requestBody: this.rawRequestBody && decodeBody(this.rawRequestBody),
      responseBody: this.rawResponseBody && decodeBody(this.rawResponseBody),
    };
    this.rawRequestHeaders = null;
    this.rawResponseHeaders = null;
    this.rawRequestBody = null;
    this.rawResponseBody = null;
    return this.materialized;
  }
}

function requestHeaderLines(raw: string[]): HeaderLine[] {
  const lines: HeaderLine[] = [];
  for (let i = 0; i < raw.length; i += 2) lines.push({ name: raw[i]!, value: raw[i + 1]! });
  return lines;
}

function responseHeaderLines(headers: OutgoingHttpHeaders): HeaderLine[] {
  const lines: HeaderLine[] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (Array.isArray(value)) for (const v of value) lines.push({ name, value: v });
    else if (value !== undefined) lines.push({ name, value: String(value) });
  }
  return lines;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeBody(body: RawBody): CapturedBody {
  const { truncated } = body;
  const text = decodeUtf8(body.bytes, truncated);
  const captured: CapturedBody =
    text !== null
      ? { text, encoding: 'utf8', size: body.size, truncated, mimeType: body.mimeType }
      : { text: body.bytes.toString('base64'), encoding: 'base64', size: body.size, truncated, mimeType: body.mimeType };
  if (body.sha256 !== undefined) captured.sha256 = body.sha256;
  return captured;
}

/** UTF-8 text, or null for binary. A cut may split a character, so up to 3 trailing bytes may be dropped. */
function decodeUtf8(bytes: Buffer, truncated: boolean): string | null {
  for (let drop = 0; drop <= (truncated ? 3 : 0) && drop <= bytes.length; drop++) {
    try {
      const text = decoder.decode(drop === 0 ? bytes : bytes.subarray(0, bytes.length - drop));
      // Control bytes other than whitespace mean binary content, even when they happen to be valid UTF-8.
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      return /[\x00-\x08\x0E-\x1F]/.test(text) ? null : text;
    } catch {
      continue;
    }
  }
  return null;
}
