import type { OutgoingHttpHeaders } from 'node:http';
import type { Response } from 'express';

/** What the handler had answered when it ended its response, before that answer was discarded. */
export interface HeldAnswer {
  readonly status: number;
  /** Bytes the handler wrote, which never reached the socket. */
  readonly bytes: number;
  /** Every header the handler set, by lower-case name (setHeader and writeHead's both). */
  readonly headers: OutgoingHttpHeaders;
  /** The bytes themselves, only when asked to keep them (a body action bends them). */
  readonly body: Buffer | null;
}

export interface HoldOptions {
  /** Keep the body in memory so it can be sent bent; otherwise it is only counted. */
  readonly keepBody?: boolean;
}

type Methods = Pick<Response, 'writeHead' | 'write' | 'end' | 'flushHeaders'>;

/**
 * Holds back everything a handler writes to `res` so a fault rule can replace or bend its
 * answer: the handler runs and commits its change as usual, but nothing it writes (headers,
 * status, body, a piped stream) reaches the socket. When the handler ends its response, the real
 * methods are put back, its headers cleared, and `replace` sends what the client really gets.
 * Headers set with setHeader stay in memory until a write flushes them, so only the writing
 * methods are intercepted; the headers are removed before the replacement is written.
 */
export function holdBackAnswer(res: Response, replace: (held: HeldAnswer) => void, options: HoldOptions = {}): void {
  const own = res as unknown as Partial<Methods>;
  let status: number | null = null;
  let headedWith: OutgoingHttpHeaders = {};
  let bytes = 0;
  const kept: Buffer[] | null = options.keepBody ? [] : null;
  let released = false;
  const count = (chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buffer =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.from(chunk as Uint8Array);
    bytes += buffer.length;
    kept?.push(buffer);
  };
  const callbackOf = (args: unknown[]) => args.find((a): a is () => void => typeof a === 'function');
  own.writeHead = function (this: Response, code: number, ...rest: unknown[]) {
    status = code;
    const headers = rest.find((a) => typeof a === 'object' && a !== null);
    if (headers) headedWith = { ...headedWith, ...headerObject(headers) };
    return this;
  } as Response['writeHead'];
  own.flushHeaders = () => undefined;
  own.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
    count(chunk, rest[0]);
    const callback = callbackOf(rest);
    if (callback) queueMicrotask(callback);
    return true; // the held bytes cost no buffer, so a piped stream never has to wait for 'drain'
  } as Response['write'];
  own.end = function (this: Response, chunk?: unknown, ...rest: unknown[]) {
    if (released) return this;
    released = true;
    count(chunk, typeof chunk === 'function' ? undefined : rest[0]);
    const callback = typeof chunk === 'function' ? (chunk as () => void) : callbackOf(rest);
    if (callback) this.once('finish', callback);
    // Instance properties shadowed the prototype's (the log's capture in record.ts included): removing them restores it.
    delete own.writeHead;
    delete own.write;
    delete own.end;
    delete own.flushHeaders;
    const held: HeldAnswer = {
      status: status ?? this.statusCode,
      bytes,
      headers: { ...this.getHeaders(), ...headedWith },
      body: kept ? Buffer.concat(kept) : null,
    };
    for (const name of this.getHeaderNames()) this.removeHeader(name);
    this.statusCode = 200;
    replace(held);
    return this;
  } as Response['end'];
}

/** The log's note for a commit-then-fail rule that fired, mocked or proxied. */
export function committedThenFailedNote(
  rule: { readonly id: string; readonly status?: number | undefined; readonly dropConnection?: boolean | undefined },
  operation: string,
  answered: number,
): string {
  const instead = rule.dropConnection ? 'dropped the connection' : `answered ${rule.status} instead`;
  return `fault rule ${rule.id}: the change was committed (${operation} answered ${answered}), then ${instead}`;
}

/** writeHead takes an object or the raw name, value, name, value… list (map-errors.ts sends the latter). */
function headerObject(headers: object): OutgoingHttpHeaders {
  if (!Array.isArray(headers)) {
    return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value as string]));
  }
  const result: OutgoingHttpHeaders = {};
  for (let i = 0; i + 1 < headers.length; i += 2) result[String(headers[i]).toLowerCase()] = String(headers[i + 1]);
  return result;
}
