import type { CapturedBody, LogEntry } from './entry.js';
import { absoluteUrl, truncationNote } from './har.js';

export interface ToCurlOptions {
  /** Scheme, host and port the entry was received on, e.g. `https://192.168.1.5:8443`. */
  origin: string;
  /** The mock host's CA certificate on the machine that will run the command; else `--insecure`. */
  caCertPath?: string;
}

/**
 * Headers curl must compute itself: hop-by-hop ones describe the original connection, and
 * copying host or content-length would contradict the URL or body curl actually sends.
 * Accept-Encoding is dropped because curl would not decode a compressed reply without --compressed.
 */
const skippedHeaders = new Set([
  'host',
  'content-length',
  'connection',
  'transfer-encoding',
  'accept-encoding',
  'keep-alive',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
]);

/**
 * A POSIX-shell command (sh, dash, bash, zsh) that replays the request with curl.
 *
 * Every argument that carries logged data is single-quoted, the one quoting form in which the
 * shell interprets nothing (`$`, backticks, `\`, `!` and newlines are all literal), with `'`
 * written as `'\''`. A body that a shell argument cannot carry byte-exactly (base64-captured
 * bytes, or text containing NUL) is piped in instead: `printf %s '<base64>' | base64 -d | curl
 * … --data-binary @-`, which needs only a pipe rather than bash's `<(…)`.
 */
export function toCurl(entry: LogEntry, options: ToCurlOptions): string {
  const url = absoluteUrl(options.origin, entry.url);
  const body = entry.requestBody;
  const args: string[] = [options.caCertPath ? `--cacert ${shellQuote(options.caCertPath)}` : '--insecure'];

  // curl reads `[]{}` in a URL as a glob pattern, which would mangle e.g. `ids[]=1`.
  if (/[[\]{}]/.test(url)) args.push('--globoff');

  if (entry.method === 'HEAD') {
    // `-X HEAD` leaves curl waiting for a body the server never sends.
    args.push('--head');
  } else if (entry.method !== 'GET' || body) {
    args.push(`-X ${shellWord(entry.method)}`);
  }

  let hasContentType = false;
  for (const header of entry.requestHeaders) {
    const lower = header.name.toLowerCase();
    // HTTP/2 pseudo-headers (`:path`, …) are derived from the URL and method.
    if (skippedHeaders.has(lower) || lower.startsWith(':')) continue;
    if (lower === 'content-type') hasContentType = true;
    // `-H 'Name:'` tells curl to remove the header; `Name;` is its syntax for an empty value.
    const line = header.value === '' ? `${header.name};` : `${header.name}: ${header.value}`;
    args.push(`-H ${shellQuote(line)}`);
  }
  // Otherwise curl adds `Content-Type: application/x-www-form-urlencoded` the original lacked.
  if (body && !hasContentType) args.push(`-H ${shellQuote('Content-Type:')}`);

  let pipeFrom = '';
  if (body) {
    const base64 = bodyAsBase64(body);
    if (base64 !== undefined) {
      pipeFrom = `printf %s ${shellQuote(base64)} | base64 -d | `;
      args.push('--data-binary @-');
    } else if (body.text.startsWith('@')) {
      // --data-binary would read a body starting with `@` as a file name.
      args.push(`--data-raw ${shellQuote(body.text)}`);
    } else {
      args.push(`--data-binary ${shellQuote(body.text)}`);
    }
  }
  args.push(shellQuote(url));

  const command = `${pipeFrom}curl \\\n  ${args.join(' \\\n  ')}`;
  if (body?.truncated) {
    return `# warning: body ${truncationNote(body)}; this command sends only the captured bytes\n${command}`;
  }
  return command;
}

/** The body as base64 when a single-quoted argument cannot carry it; undefined when it can. */
function bodyAsBase64(body: CapturedBody): string | undefined {
  if (body.encoding === 'base64') return body.text;
  // The shell cuts C strings at NUL, so such text goes through the pipe too.
  if (body.text.includes('\0')) return base64Encode(utf8Encode(body.text));
  return undefined;
}

/** Single-quotes any string for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Leaves plain tokens such as `POST` bare for readability, quotes anything else. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9._-]+$/.test(value) ? value : shellQuote(value);
}

function utf8Encode(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text) {
    let code = char.codePointAt(0) ?? 0;
    // Lone surrogates are not encodable; TextEncoder substitutes U+FFFD the same way.
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else {
      bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    }
  }
  return bytes;
}

const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64Encode(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] ?? 0;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    const n = (b0 << 16) | ((b1 ?? 0) << 8) | (b2 ?? 0);
    out += base64Alphabet[(n >> 18) & 63];
    out += base64Alphabet[(n >> 12) & 63];
    out += b1 === undefined ? '=' : base64Alphabet[(n >> 6) & 63];
    out += b2 === undefined ? '=' : base64Alphabet[n & 63];
  }
  return out;
}
