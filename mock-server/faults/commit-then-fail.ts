import type { Response } from 'express';

/** What the handler had answered when it ended its response, before that answer was discarded. */
export interface HeldAnswer {
  readonly status: number;
  /** Bytes the handler wrote, which never reached the socket. */
  readonly bytes: number;
}

type Methods = Pick<Response, 'writeHead' | 'write' | 'end' | 'flushHeaders'>;

/**
 * Holds back everything a handler writes to `res` so a commit-then-fail rule can replace its
 * answer: the handler runs and commits its change as usual, but nothing it writes (headers,
 * status, body, a piped stream) reaches the socket. When the handler ends its response, the real
 * methods are put back, its headers cleared, and `replace` sends what the client really gets.
 * Headers set with setHeader stay in memory until a write flushes them, so only the writing
 * methods are intercepted; the headers are removed before the replacement is written.
 */
export function holdBackAnswer(res: Response, replace: (held: HeldAnswer) => void): void {
  const own = res as unknown as Partial<Methods>;
  let status: number | null = null;
  let bytes = 0;
  let released = false;
  const count = (chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    bytes +=
      typeof chunk === 'string'
        ? Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : (chunk as Uint8Array).length;
  };
  const callbackOf = (args: unknown[]) => args.find((a): a is () => void => typeof a === 'function');
  own.writeHead = function (this: Response, code: number) {
    status = code;
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
    const held: HeldAnswer = { status: status ?? this.statusCode, bytes };
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
