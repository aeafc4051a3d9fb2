import type { Request, Response } from 'express';
import type { CapturedBody, HeaderLine, LogEntry } from '../log/entry.js';
import type { Call } from './call.js';
import type { HostContext } from './context.js';

const redacted = '[redacted]';

/**
 * Captures what the response writes, up to the body cap, without buffering the rest: the log
 * keeps the first bytes of a large download, and the download itself streams untouched.
 */
export function captureResponseBody(res: Response, call: Call, limit: number): void {
  const write = res.write;
  const end = res.end;
  const keep = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array);
    call.responseBytes += buffer.length;
    const room = limit - (call.responseBytes - buffer.length);
    if (room > 0) call.responseChunks.push(room >= buffer.length ? buffer : buffer.subarray(0, room));
  };
  res.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Response['write'];
  res.end = function (this: Response, chunk?: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (end as (...args: unknown[]) => Response).call(this, chunk, ...rest);
  } as Response['end'];
}

/** Builds the log entry once the response is done (or the connection died first). */
export function buildLogEntry(req: Request, res: Response, call: Call, context: HostContext, aborted: boolean): LogEntry {
  const responseBody = call.responseBytes > 0 ? capture(Buffer.concat(call.responseChunks), call.responseBytes, String(res.getHeader('content-type') ?? '')) : null;
  const requestBody = call.requestBody && call.requestBody.length > 0
    ? capture(call.requestBody, call.requestBody.length, req.headers['content-type'] ?? '', context.logBodyLimit, (kept) => redactBody(kept, req))
    : null;
  return {
    seq: context.log.nextSeq(),
    time: new Date(call.startedAt).toISOString(),
    operation: call.operation,
    method: req.method,
    url: req.originalUrl,
    httpVersion: req.httpVersion,
    status: aborted && !res.headersSent ? 0 : res.statusCode,
    durationMs: Math.round((performance.now() - call.startedHr) * 100) / 100,
    userId: call.userId,
    remoteAddress: req.socket.remoteAddress ?? '',
    requestHeaders: requestHeaderLines(req.rawHeaders),
    responseHeaders: res.headersSent ? responseHeaderLines(res) : [],
    requestBody,
    responseBody,
    faultId: call.faultId,
    aborted,
    notes: call.notes,
  };
}

function requestHeaderLines(raw: string[]): HeaderLine[] {
  const lines: HeaderLine[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    // Client credentials sent with HTTP Basic are the client secret in disguise.
    lines.push({ name, value: name.length === 13 && /^authorization$/i.test(name) && /^\s*basic\s/i.test(value) ? `Basic ${redacted}` : value });
  }
  return lines;
}

function responseHeaderLines(res: Response): HeaderLine[] {
  const lines: HeaderLine[] = [];
  const headers = res.getHeaders();
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (Array.isArray(value)) for (const v of value) lines.push({ name, value: v });
    else if (value !== undefined) lines.push({ name, value: String(value) });
  }
  return lines;
}

/** The client secret in a token request body never reaches the log, the HAR export or the UI. */
function redactBody(body: Buffer, req: Request): Buffer {
  if (!/application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) return body;
  const text = body.toString('latin1');
  if (!/(^|&)client_secret=/.test(text)) return body;
  return Buffer.from(text.replace(/(^|&)client_secret=[^&]*/g, `$1client_secret=${encodeURIComponent(redacted)}`), 'latin1');
}

/**
 * Cuts the bytes at the cap, then redacts what was kept: truncation is judged on the bytes as
 * sent, so a redaction that changes the length never passes for a cut.
 */
function capture(bytes: Buffer, size: number, mimeType: string, limit = Infinity, redact: (kept: Buffer) => Buffer = (kept) => kept): CapturedBody {
  const truncated = bytes.length > limit || bytes.length < size;
  const kept = redact(bytes.length > limit ? bytes.subarray(0, limit) : bytes);
  const text = decodeUtf8(kept, truncated);
  return text !== null
    ? { text, encoding: 'utf8', size, truncated, mimeType }
    : { text: kept.toString('base64'), encoding: 'base64', size, truncated, mimeType };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text, or null for binary. A cut may split a character, so up to 3 trailing bytes may be dropped. */
function decodeUtf8(bytes: Buffer, truncated: boolean): string | null {
  for (let drop = 0; drop <= (truncated ? 3 : 0) && drop <= bytes.length; drop++) {
    try {
      const text = decoder.decode(drop === 0 ? bytes : bytes.subarray(0, bytes.length - drop));
      // Control bytes other than whitespace mean binary content, even when they happen to be valid UTF-8.
      return /[\x00-\x08\x0E-\x1F]/.test(text) ? null : text;
    } catch {
      continue;
    }
  }
  return null;
}
