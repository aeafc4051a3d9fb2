import type { Express, Request, Response } from 'express';
import { ServerResponse } from 'node:http';
import { unescape as unescapeFormText } from 'node:querystring';
import { RecordedEntry, type RawBody } from '../log/recorded-entry.js';
import type { Call } from './call.js';
import type { HostContext } from './context.js';

const redacted = '[redacted]';

/**
 * Captures what every response of the app writes, up to the body cap, without buffering the
 * rest: the log keeps the first bytes of a large download, and the download streams untouched.
 * Installed once on the app's response prototype rather than wrapped per request.
 */
export function captureResponseBodies(app: Express, limit: number): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the originals are kept to be called with .call(this) below
  const { write, end } = ServerResponse.prototype;
  const keep = (res: Response, chunk: unknown, encoding: unknown) => {
    const call = res.locals['call'] as Call | undefined;
    if (!call || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buffer =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.from(chunk as Uint8Array);
    const room = limit - call.responseBytes;
    call.responseBytes += buffer.length;
    if (room > 0) (call.responseChunks ??= []).push(room >= buffer.length ? buffer : buffer.subarray(0, room));
  };
  app.response.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
    keep(this, chunk, rest[0]);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Response['write'];
  app.response.end = function (this: Response, chunk?: unknown, ...rest: unknown[]) {
    keep(this, chunk, rest[0]);
    return (end as (...args: unknown[]) => Response).call(this, chunk, ...rest);
  } as Response['end'];
}

/** Records the exchange once the response is done (or the connection died first). */
export function recordExchange(req: Request, res: Response, call: Call, context: HostContext, aborted: boolean): RecordedEntry {
  return new RecordedEntry({
    seq: context.log.nextSeq(),
    startedAt: call.startedAt,
    operation: call.operation,
    method: req.method,
    url: withoutSecretInQuery(req.originalUrl),
    httpVersion: req.httpVersion,
    status: aborted && !res.headersSent ? 0 : res.statusCode,
    durationMs: Math.round((performance.now() - call.startedHr) * 100) / 100,
    userId: call.userId,
    remoteAddress: call.remoteAddress,
    rawRequestHeaders: withoutBasicCredentials(req.rawHeaders),
    responseHeaders: res.headersSent ? (call.sentHeaders ?? res.getHeaders()) : null,
    requestBody: call.requestBody && call.requestBody.length > 0 ? requestBody(call.requestBody, req, context.logBodyLimit) : null,
    responseBody: call.responseBytes > 0 ? responseBody(res, call) : null,
    faultId: call.faultId,
    knownBugs: call.knownBugs,
    aborted,
    notes: call.notes,
  });
}

function responseBody(res: Response, call: Call): RawBody {
  const chunks = call.responseChunks ?? [];
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  return {
    bytes,
    size: call.responseBytes,
    truncated: bytes.length < call.responseBytes,
    mimeType: String(res.getHeader('content-type') ?? ''),
  };
}

/** Client credentials sent with HTTP Basic are the client secret in disguise: never stored. */
export function withoutBasicCredentials(raw: string[]): string[] {
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 13 && /^authorization$/i.test(raw[i]!) && /^\s*basic\s/i.test(raw[i + 1]!)) {
      const copy = [...raw];
      for (let j = i; j < copy.length; j += 2)
        if (/^authorization$/i.test(copy[j]!) && /^\s*basic\s/i.test(copy[j + 1]!)) copy[j + 1] = `Basic ${redacted}`;
      return copy;
    }
  }
  return raw;
}

/** Cut at the cap first, then redact: a redacted copy must not look truncated, nor a cut one complete. */
function requestBody(body: Buffer, req: Request, limit: number): RawBody {
  const kept = body.length > limit ? body.subarray(0, limit) : body;
  return {
    bytes: redactBody(kept, req),
    size: body.length,
    truncated: kept.length < body.length,
    mimeType: req.headers['content-type'] ?? '',
  };
}

/** The client secret in a token request body never reaches the log, the HAR export or the UI. */
function redactBody(body: Buffer, req: Request): Buffer {
  if (!/application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) return body;
  const text = body.toString('latin1');
  const kept = withoutSecretParameters(text);
  return kept === text ? body : Buffer.from(kept, 'latin1');
}

/** RFC 6749 forbids the client secret in a URL, but a client that puts it there must not see it logged. */
export function withoutSecretInQuery(url: string): string {
  const query = url.indexOf('?');
  if (query < 0 || !/client_secret|%/.test(url)) return url;
  const kept = withoutSecretParameters(url.slice(query + 1));
  return kept === url.slice(query + 1) ? url : `${url.slice(0, query + 1)}${kept}`;
}

/**
 * Replaces the value of every `client_secret` parameter of a form or query string, however its
 * name is spelled on the wire: the parsers decode names, so `client%5Fsecret` is that parameter too.
 */
export function withoutSecretParameters(text: string): string {
  let changed = false;
  const parts = text.split('&').map((part) => {
    const equals = part.indexOf('=');
    if (equals < 0 || parameterName(part.slice(0, equals)) !== 'client_secret') return part;
    changed = true;
    return `${part.slice(0, equals)}=${encodeURIComponent(redacted)}`;
  });
  return changed ? parts.join('&') : text;
}

/** A form parameter name as body-parser and querystring read it: `+` is a space, escapes decoded. */
function parameterName(raw: string): string {
  return raw.includes('%') || raw.includes('+') ? unescapeFormText(raw.replace(/\+/g, ' ')) : raw;
}
