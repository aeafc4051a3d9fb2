import { STATUS_CODES } from 'node:http';
import type { CapturedBody, HeaderLine, LogEntry } from './entry.js';
import type {
  Har,
  HarContent,
  HarCookie,
  HarPostData,
  HarQueryParam,
  HarRequest,
  HarResponse,
  HarHeader,
  MockHarEntry,
} from './har-model.js';

export type { Har } from './har-model.js';

export interface ToHarOptions {
  creator: { name: string; version: string };
  /** Scheme, host and port the entries were received on, e.g. `https://192.168.1.5:8443`. */
  origin: string;
}

export function toHar(entries: readonly LogEntry[], options: ToHarOptions): Har {
  return {
    log: {
      version: '1.2',
      creator: { name: options.creator.name, version: options.creator.version },
      entries: entries.map((entry) => toHarEntry(entry, options.origin)),
    },
  };
}

function toHarEntry(entry: LogEntry, origin: string): MockHarEntry {
  const harEntry: MockHarEntry = {
    startedDateTime: entry.time,
    time: entry.durationMs,
    request: toHarRequest(entry, origin),
    response: toHarResponse(entry),
    cache: {},
    // Only the total is measured; putting it all in `wait` keeps the spec's
    // "time equals the sum of the timings" invariant.
    timings: { send: 0, wait: entry.durationMs, receive: 0 },
    _operation: entry.operation,
    _userId: entry.userId,
    _faultId: entry.faultId,
    _knownBugs: entry.knownBugs,
    _seq: entry.seq,
    _aborted: entry.aborted,
    _notes: entry.notes,
  };
  // Entries the reverse proxy forwarded say so; a mocked entry keeps the fields it always had.
  if (entry.source !== undefined) harEntry._source = entry.source;
  if (entry.upstream !== undefined) harEntry._upstream = entry.upstream;
  if (entry.upstreamTtfbMs !== undefined) harEntry._upstreamTtfbMs = entry.upstreamTtfbMs;
  if (entry.aborted) harEntry.comment = 'aborted: the connection closed before the response was complete';
  return harEntry;
}

function toHarRequest(entry: LogEntry, origin: string): HarRequest {
  const request: HarRequest = {
    method: entry.method,
    url: absoluteUrl(origin, entry.url),
    httpVersion: `HTTP/${entry.httpVersion}`,
    cookies: entry.requestHeaders.filter((h) => h.name.toLowerCase() === 'cookie').flatMap((h) => parseCookieHeader(h.value)),
    headers: copyHeaders(entry.requestHeaders),
    queryString: parseQueryString(entry.url),
    ...(entry.requestBody ? { postData: toPostData(entry.requestBody) } : {}),
    headersSize: -1,
    bodySize: entry.requestBody ? entry.requestBody.size : 0,
  };
  return request;
}

function toPostData(body: CapturedBody): HarPostData {
  const postData: HarPostData = { mimeType: body.mimeType };
  // A cut form body would end in a value that looks complete but is not, so no params then.
  if (body.encoding === 'utf8' && !body.truncated && isFormUrlEncoded(body.mimeType)) {
    postData.params = parseUrlEncoded(body.text);
  }
  postData.text = body.text;
  if (body.encoding === 'base64') postData._encoding = 'base64';
  if (body.truncated) postData.comment = truncationNote(body);
  return postData;
}

function toHarResponse(entry: LogEntry): HarResponse {
  const body = entry.responseBody;
  const content: HarContent = {
    size: body ? body.size : 0,
    mimeType: body ? body.mimeType : (headerValue(entry.responseHeaders, 'content-type') ?? ''),
  };
  if (body) {
    content.text = body.text;
    if (body.encoding === 'base64') content.encoding = 'base64';
    if (body.truncated) content.comment = truncationNote(body);
  }
  return {
    status: entry.status,
    statusText: reasonPhrase(entry.status),
    httpVersion: `HTTP/${entry.httpVersion}`,
    cookies: entry.responseHeaders.filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => parseSetCookie(h.value)),
    headers: copyHeaders(entry.responseHeaders),
    content,
    redirectURL: headerValue(entry.responseHeaders, 'location') ?? '',
    headersSize: -1,
    // No body captured on an aborted exchange means the size is unknown, not zero.
    bodySize: body ? body.size : entry.aborted ? -1 : 0,
  };
}

/** Joins the origin and the path+query as received; an absolute-form request target is kept as is. */
export function absoluteUrl(origin: string, url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  const base = origin.replace(/\/+$/, '');
  return url.startsWith('/') ? base + url : `${base}/${url}`;
}

/** Human note for a body cut at the log's cap, e.g. `truncated: 16384 of 120000 bytes captured`. */
export function truncationNote(body: CapturedBody): string {
  return `truncated: ${capturedByteLength(body)} of ${body.size} bytes captured`;
}

function capturedByteLength(body: CapturedBody): number {
  if (body.encoding === 'base64') {
    const digits = body.text.replace(/[^A-Za-z0-9+/]/g, '').length;
    return Math.floor((digits * 3) / 4);
  }
  return utf8ByteLength(body.text);
}

function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    // Lone surrogates become U+FFFD (3 bytes) when encoded, same as the 0x800+ branch.
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

function copyHeaders(headers: readonly HeaderLine[]): HarHeader[] {
  return headers.map((h) => ({ name: h.name, value: h.value }));
}

function headerValue(headers: readonly HeaderLine[], lowerName: string): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === lowerName)?.value;
}

function isFormUrlEncoded(mimeType: string): boolean {
  return mimeType.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** Query parameters of a path+query, in order, repeats kept, `+` read as space. */
export function parseQueryString(url: string): HarQueryParam[] {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return [];
  const fragmentStart = url.indexOf('#', queryStart);
  const query = url.slice(queryStart + 1, fragmentStart === -1 ? undefined : fragmentStart);
  return parseUrlEncoded(query).map((p) => ({ name: p.name, value: p.value }));
}

function parseUrlEncoded(text: string): Array<{ name: string; value: string }> {
  const params: Array<{ name: string; value: string }> = [];
  for (const pair of text.split('&')) {
    // Matches URLSearchParams: `a&&b` has two parameters, not three.
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    params.push({ name: formDecode(rawName), value: formDecode(rawValue) });
  }
  return params;
}

/**
 * Percent-decodes, reading `+` as space. A log viewer must not throw on a client's malformed
 * escapes, so a run of `%XX` that is not valid UTF-8 is left as written instead.
 */
function formDecode(raw: string): string {
  return raw.replace(/\+/g, ' ').replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** `Cookie: a=1; b=2`; values stay as sent because cookie values have no defined encoding. */
function parseCookieHeader(value: string): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const piece of value.split(';')) {
    const trimmed = piece.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    // RFC 6265bis: a pair without `=` is a cookie with an empty name.
    cookies.push(eq === -1 ? { name: '', value: trimmed } : { name: trimmed.slice(0, eq).trim(), value: trimmed.slice(eq + 1).trim() });
  }
  return cookies;
}

function parseSetCookie(header: string): HarCookie {
  const [pair = '', ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  const cookie: HarCookie =
    eq === -1 ? { name: '', value: pair.trim() } : { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
  for (const attribute of attributes) {
    const attrEq = attribute.indexOf('=');
    const key = (attrEq === -1 ? attribute : attribute.slice(0, attrEq)).trim().toLowerCase();
    const attrValue = attrEq === -1 ? '' : attribute.slice(attrEq + 1).trim();
    if (key === 'path') cookie.path = attrValue;
    else if (key === 'domain') cookie.domain = attrValue;
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'expires') {
      const ms = Date.parse(attrValue);
      if (!Number.isNaN(ms)) cookie.expires = new Date(ms).toISOString();
    }
  }
  return cookie;
}

/**
 * Where Node's table differs from the IANA registry (RFC 9110 names): the HAR keeps the registry's
 * phrase, and 509 is not a registered code.
 */
const registryPhrases: Readonly<Record<number, string>> = {
  413: 'Content Too Large',
  418: "I'm a teapot",
  422: 'Unprocessable Content',
  509: '',
};

/**
 * Standard reason phrase for a status code; '' for unknown codes and for 0 (no response). HTTP/2
 * carries no reason phrase, so the standard one is supplied.
 */
export function reasonPhrase(status: number): string {
  return registryPhrases[status] ?? STATUS_CODES[status] ?? '';
}
