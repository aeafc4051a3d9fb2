import type { Agent as HttpsAgent } from 'node:https';
import { request as httpsRequest } from 'node:https';
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { classifyRequest } from '../protocol/classify.js';
import type { OperationName } from '../protocol/operations.js';
import type { RequestLog } from '../log/request-log.js';
import type { RawBody } from '../log/recorded-entry.js';
import { maxRewrittenJsonBytes, type Rewrite } from './json-rewrite.js';
import { BodyTap, contentCoding, decodeContent, encodeContent, sha256Hex, tappedBody, type ContentCoding } from './bodies.js';
import { UpstreamTimeoutError, headerSafe, upstreamFailure } from './failures.js';
import { claimedUser, recordProxied, round2 } from './record.js';
import { bodyActionNote, contentTypeOf, planBodyAction, sendPlan } from '../faults/body-actions.js';
import { pathOf } from './origins.js';
import { explainRule, fireRule, type FaultBook, type FaultTarget } from '../faults/rules.js';
import { committedThenFailedNote } from '../faults/commit-then-fail.js';
import { patchJsonBody, patchNotAppliedNote, patchedNote } from '../faults/json-patch.js';
import type { FaultRule } from '../state/config-schema.js';

/*
 * One exchange through either proxy, from the client's request to the log entry: forwarded over
 * a pooled TLS connection, bodies tapped for the log, JSON answers held to be rewritten or
 * patched, fault rules fired in their phase, and 502/504 when the upstream gives no answer. What
 * differs between the reverse proxy and an intercepted tunnel is its leg: where the request goes
 * and what is rewritten on the way.
 */

/** Where one proxied exchange goes, and how its headers and JSON cross. */
export interface ProxyLeg {
  /** The upstream origin, as the log names it. */
  readonly upstream: string;
  /** What answers the proxy gives itself say they come from (`reverse proxy: …` in X-WOPI-ServerError). */
  readonly name: string;
  readonly insecure: boolean;
  readonly timeoutMs: number;
  readonly pool: HttpsAgent;
  /** Where the upstream request connects: host and port, and a tunnel's SNI name and resolve override. */
  connectOptions(): { host: string; port: number; servername?: string; lookup?: LookupFunction };
  /** The request's header lines toward the upstream; what was changed goes into `notes`. */
  upstreamHeaders(req: IncomingMessage, notes: string[]): string[];
  /** The answer's header lines toward the client; what was changed goes into `notes`. */
  clientHeaders(rawHeaders: readonly string[], notes: string[]): string[];
  /** Rewrites a JSON answer's text; null for a leg that rewrites nothing (it holds JSON only for a mutate rule). */
  readonly rewriteJson: ((text: string, operation: OperationName) => JsonRewrite) | null;
  count(outcome: 'answered' | 'failed'): void;
}

export type JsonRewrite = { ok: true; text: string; rewrites: readonly Rewrite[] } | { ok: false; reason: string };

/** What an exchange needs from the engine around it. */
export interface ExchangeContext {
  log: RequestLog;
  /** Cap on each body the log keeps. */
  logBodyLimit: number;
  /** Real time, for the log. */
  wallClock: () => number;
  /** The fault rules, applied to real traffic as to mocked: before forwarding, after the upstream committed, or on its JSON answer. */
  faults?: FaultBook | undefined;
}

export const insecureNote = 'upstream TLS not verified (--insecure-upstream): this answer may not come from the upstream it names';

/** One line in the log for a set of URL rewrites: where, how many, and one example. */
export function noteRewrites(notes: string[], what: string, rewrites: readonly Rewrite[]): void {
  if (rewrites.length === 0) return;
  const shown = rewrites.slice(0, 8).map((r) => r.where);
  const more = rewrites.length > shown.length ? ` and ${rewrites.length - shown.length} more` : '';
  const { from, to } = rewrites[0]!;
  notes.push(`${what}: ${shown.join(', ')}${more} (e.g. ${clip(from)} → ${clip(to)})`);
}

/** A response body as the log keeps it, and how it crossed. */
interface LoggedBody extends RawBody {
  notes: string[];
}

/** One request through a proxy, from the client's request to the log entry. */
export class Exchange {
  private readonly startedAt: number;
  private readonly startedHr = performance.now();
  private readonly operation: OperationName;
  private readonly notes: string[] = [];
  private readonly requestTap: BodyTap;
  private readonly hasBody: boolean;
  private upstreamReq: ClientRequest | null = null;
  private timer: NodeJS.Timeout | null = null;
  private responded = false;
  private ttfbMs: number | undefined;
  private sentHeaders: string[] | null = null;
  private responseBody: LoggedBody | null = null;
  private responseTap: { tap: BodyTap; coding: ContentCoding; mimeType: string } | null = null;
  private failedWith: number | null = null;
  /** The fault rule that fired for this exchange, if any. */
  private readonly fault: FaultRule | undefined;
  /** Set once the entry is written: whatever fails after that (the upstream request we cut) is not this exchange's story. */
  private finished = false;

  constructor(
    private readonly leg: ProxyLeg,
    private readonly context: ExchangeContext,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.startedAt = context.wallClock();
    const target = req.url ?? '/';
    this.operation = classifyRequest(req.method ?? 'GET', pathOf(target), req.headers).operation;
    this.requestTap = new BodyTap(context.logBodyLimit);
    const length = req.headers['content-length'];
    this.hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
    this.fault = context.faults && fireRule(context.faults, this.faultTarget(context.faults, target), this.notes);
  }

  /** Who the request is from, for rules that name a user: only read when one does, since it decodes the token. */
  private faultTarget(book: FaultBook, target: string): FaultTarget {
    const method = this.req.method ?? 'GET';
    const named = book.faults.some((rule) => rule.userId !== undefined);
    const userId = named ? claimedUser(target, this.req.headers.authorization, this.context.wallClock()) : null;
    return { operation: this.operation, method, userId };
  }

  start(): void {
    const { req, res, fault } = this;
    const remoteAddress = req.socket.remoteAddress ?? '';
    res.once('close', () => this.finish(remoteAddress));
    if (!fault?.delayMs) {
      this.startPhase();
      return;
    }
    const wait = setTimeout(() => this.startPhase(), fault.delayMs);
    res.once('close', () => clearTimeout(wait));
  }

  /** A rule of phase "before" answers (or drops) without forwarding; the others forward and act on the answer. */
  private startPhase(): void {
    const { fault } = this;
    if (!fault) return this.forward();
    const because = `fault rule ${fault.id}: ${explainRule(fault)}`;
    if ((fault.phase ?? 'before') !== 'before') return this.forward();
    if (fault.status !== undefined) {
      this.req.resume();
      return this.answerForced(fault, fault.status, because);
    }
    this.notes.push(because);
    if (fault.dropConnection) this.req.socket.destroy();
    else this.forward();
  }

  private forward(): void {
    const { req, leg } = this;
    if (leg.insecure) this.notes.push(insecureNote);
    const headers = leg.upstreamHeaders(req, this.notes);
    if (this.hasBody) {
      req.on('data', (chunk: Buffer) => {
        this.requestTap.push(chunk);
        this.timer?.refresh();
      });
    }
    this.timer = setTimeout(() => this.upstreamReq?.destroy(new UpstreamTimeoutError(leg.timeoutMs)), leg.timeoutMs);
    this.send(headers, 0);
  }

  private send(headers: string[], attempt: number): void {
    const { req, leg } = this;
    const upstreamReq = httpsRequest({
      agent: leg.pool,
      ...leg.connectOptions(),
      method: req.method,
      // The request target exactly as the client sent it: never parsed, never re-encoded.
      path: req.url,
      headers,
      setHost: false,
    });
    this.upstreamReq = upstreamReq;
    upstreamReq.on('response', (upstreamRes) => this.respond(upstreamRes));
    upstreamReq.on('finish', () => this.timer?.refresh());
    upstreamReq.on('error', (error: NodeJS.ErrnoException) => {
      if (this.responded) return; // the response's own handlers deal with a failure mid-body
      // A kept-alive socket the upstream closed just as it was reused fails before the request
      // reached it; Node's documented answer is to retry that case, and only when there is no body to replay.
      if (attempt === 0 && !this.hasBody && upstreamReq.reusedSocket && error.code === 'ECONNRESET') {
        this.send(headers, 1);
        return;
      }
      this.fail(error);
    });
    if (this.hasBody) req.pipe(upstreamReq);
    else upstreamReq.end();
  }

  private respond(upstreamRes: IncomingMessage): void {
    const { req, res, leg } = this;
    this.responded = true;
    if (this.timer) clearTimeout(this.timer);
    this.ttfbMs = round2(performance.now() - this.startedHr);
    const status = upstreamRes.statusCode ?? 502;
    if (this.fault?.phase === 'after') return this.commitThenFail(upstreamRes, status);
    const headers = leg.clientHeaders(upstreamRes.rawHeaders, this.notes);
    res.sendDate = false; // the upstream's Date, not ours
    upstreamRes.once('close', () => {
      if (upstreamRes.complete || this.finished) return;
      this.notes.push('the upstream closed the connection before its answer was complete');
      // Still buffering a JSON answer: nothing went to the client yet, so it can be told why.
      if (!res.headersSent) this.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true);
      else res.destroy();
    });
    upstreamRes.on('error', () => {}); // 'close' above tells the story

    const bodyless = req.method === 'HEAD' || status === 204 || status === 304 || upstreamRes.headers['content-length'] === '0';
    if (bodyless) {
      upstreamRes.resume();
      if (this.fault?.body) {
        upstreamRes.once('end', () => this.deliver(status, upstreamRes.statusMessage, headers, Buffer.alloc(0)));
        return;
      }
      this.writeHead(status, upstreamRes.statusMessage, headers);
      upstreamRes.once('end', () => res.end());
      return;
    }
    const mimeType = upstreamRes.headers['content-type'] ?? '';
    const coding = contentCoding(upstreamRes.headers['content-encoding']);
    const declared = upstreamRes.headers['content-length'] !== undefined ? Number(upstreamRes.headers['content-length']) : null;
    // JSON is held to be rewritten, or patched by a mutate rule; a leg that rewrites nothing streams it otherwise.
    const held = leg.rewriteJson !== null || this.fault?.phase === 'mutate';
    if (held && coding !== 'other' && isJson(mimeType) && (declared === null || declared <= maxRewrittenJsonBytes)) {
      this.bufferJson(upstreamRes, status, headers, mimeType, coding);
    } else if (this.fault?.body) {
      this.bufferForBodyAction(upstreamRes, status, headers, mimeType, coding, declared);
    } else {
      this.patchNotApplied(
        coding === 'other' ? `the answer is ${upstreamRes.headers['content-encoding']}-encoded` : 'the answer is not JSON, or over 1 MiB',
      );
      this.stream(upstreamRes, status, headers, mimeType, coding);
    }
  }

  /** A body that is not rewritten passes as it comes, watched by a tap. */
  private stream(
    upstreamRes: IncomingMessage,
    status: number,
    headers: string[],
    mimeType: string,
    coding: ContentCoding,
    already: Buffer[] = [],
  ): void {
    const { res } = this;
    const tap = new BodyTap(this.context.logBodyLimit);
    this.responseTap = { tap, coding, mimeType };
    this.writeHead(status, upstreamRes.statusMessage, headers);
    for (const chunk of already) {
      tap.push(chunk);
      res.write(chunk);
    }
    upstreamRes.on('data', (chunk: Buffer) => tap.push(chunk));
    upstreamRes.pipe(res);
  }

  /**
   * A body action bends the whole answer as it would have gone out (the bytes on the wire, in their
   * coding), so it is held; one too large to hold passes as it came, and the log says so.
   */
  private bufferForBodyAction(
    upstreamRes: IncomingMessage,
    status: number,
    headers: string[],
    mimeType: string,
    coding: ContentCoding,
    declared: number | null,
  ): void {
    const tooLarge = () =>
      this.notes.push(`fault rule ${this.fault!.id}: the answer is over ${maxBentBodyBytes} bytes, too large to bend: passed as it came`);
    if (declared !== null && declared > maxBentBodyBytes) {
      tooLarge();
      return this.stream(upstreamRes, status, headers, mimeType, coding);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total <= maxBentBodyBytes) return;
      upstreamRes.off('data', onData);
      upstreamRes.off('end', onEnd);
      tooLarge();
      this.stream(upstreamRes, status, headers, mimeType, coding, chunks);
    };
    const onEnd = () => {
      const body = Buffer.concat(chunks);
      this.deliver(status, upstreamRes.statusMessage, withContentLength(headers, body.length), body);
    };
    upstreamRes.on('data', onData);
    upstreamRes.once('end', onEnd);
  }

  /**
   * Sends a whole answer, bent first by the rule's body action when it has one (a forced status
   * included): truncated, reset, stalled, dribbled, made malformed or re-typed on the wire.
   */
  private deliver(status: number, statusMessage: string | undefined, headers: string[], body: Buffer, own = false): void {
    const { fault, res, context } = this;
    if (!fault?.body) {
      this.writeHead(status, statusMessage, headers, own);
      res.end(body);
      return;
    }
    if (!own) this.leg.count('answered');
    const plan = planBodyAction(fault.body, { status, headers: headersByName(headers), body });
    this.notes.push(bodyActionNote(fault.id, plan));
    this.sentHeaders = headerLines(plan.headers);
    this.responseBody = {
      bytes: plan.send.subarray(0, context.logBodyLimit),
      size: plan.send.length,
      truncated: plan.send.length > context.logBodyLimit,
      mimeType: contentTypeOf(plan.headers),
      sha256: sha256Hex(plan.send),
      notes: this.responseBody?.notes ?? [],
    };
    sendPlan(res, plan, () => this.notes.push('the client closed the connection before the bent answer was complete'));
  }

  /** A JSON answer up to 1 MiB is held whole, decoded, rewritten and sent on in its own coding. */
  private bufferJson(
    upstreamRes: IncomingMessage,
    status: number,
    headers: string[],
    mimeType: string,
    coding: Exclude<ContentCoding, 'other'>,
  ): void {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total <= maxRewrittenJsonBytes) return;
      // Larger than announced (or not announced): from here on it streams untouched.
      upstreamRes.off('data', onData);
      upstreamRes.off('end', onEnd);
      this.notes.push(`JSON answer over ${maxRewrittenJsonBytes} bytes: passed without rewriting`);
      this.patchNotApplied('the JSON answer is over 1 MiB');
      this.stream(upstreamRes, status, headers, mimeType, coding, chunks);
    };
    const onEnd = () => {
      const wire = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      this.sendJson(upstreamRes, status, headers, mimeType, coding, wire);
    };
    upstreamRes.on('data', onData);
    upstreamRes.once('end', onEnd);
  }

  private sendJson(
    upstreamRes: IncomingMessage,
    status: number,
    headers: string[],
    mimeType: string,
    coding: Exclude<ContentCoding, 'other'>,
    wire: Buffer,
  ): void {
    const { leg, context } = this;
    const bodyNotes: string[] = [];
    let content = decodeContent(wire, coding, maxRewrittenJsonBytes);
    let out = wire;
    if (content === null) {
      bodyNotes.push(`the ${coding} body could not be decoded (or is over ${maxRewrittenJsonBytes} bytes decoded): passed as it came`);
      this.patchNotApplied(`the ${coding} body could not be decoded`);
    } else {
      const text = utf8(content);
      const rewritten = text === null || leg.rewriteJson === null ? null : leg.rewriteJson(text, this.operation);
      if (text === null) bodyNotes.push('the JSON answer is not UTF-8: passed as it came');
      else if (rewritten && !rewritten.ok) bodyNotes.push(`${rewritten.reason}: passed as it came`);
      else if (rewritten && rewritten.rewrites.length > 0) {
        noteRewrites(this.notes, 'moved to this origin', rewritten.rewrites);
        content = Buffer.from(rewritten.text, 'utf8');
        out = encodeContent(content, coding);
      }
      const patched = this.mutate(content, mimeType);
      if (patched) {
        content = patched;
        out = encodeContent(content, coding);
      }
      if (coding !== 'identity')
        bodyNotes.push(`response body ${coding}-encoded: ${out.length} bytes on the wire, ${content.length} decoded`);
    }
    const shown = content ?? wire;
    this.responseBody = {
      bytes: shown.subarray(0, context.logBodyLimit),
      size: out.length,
      truncated: shown.length > context.logBodyLimit,
      mimeType,
      sha256: sha256Hex(out),
      notes: bodyNotes,
    };
    this.deliver(status, upstreamRes.statusMessage, withContentLength(headers, out.length), out);
  }

  private writeHead(status: number, statusMessage: string | undefined, headers: string[], own = false): void {
    if (!own) this.leg.count('answered');
    this.sentHeaders = headers;
    if (statusMessage) this.res.writeHead(status, statusMessage, headers);
    else this.res.writeHead(status, headers);
  }

  /** No answer from the upstream: 502 or 504, saying why, and the proxy carries on. */
  private fail(error: unknown, midAnswer = false): void {
    const { res, leg } = this;
    if (this.finished) return;
    if (this.timer) clearTimeout(this.timer);
    const failure = upstreamFailure(error, leg.upstream);
    if (!midAnswer) this.notes.push(failure.cause);
    leg.count('failed');
    this.req.unpipe();
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    this.failedWith = failure.status;
    this.answerLocally(failure.status, { serverError: `${leg.name}: ${failure.cause}`, text: failure.cause }, false);
  }

  /** An answer of the proxy's own, saying why in X-WOPI-ServerError and in a line of text. */
  /** `bend`: a forced answer takes the rule's body action too; the proxy's own 502/504 never does. */
  private answerLocally(status: number, why: { serverError: string; text: string; headers?: string[] } | null, bend = true): void {
    const body = Buffer.from(why ? `${why.text}\n` : '', 'utf8');
    const headers = [
      ...(why ? ['X-WOPI-ServerError', headerSafe(why.serverError), ...(why.headers ?? [])] : []),
      'Content-Type',
      'text/plain; charset=utf-8',
      'Content-Length',
      String(body.length),
      'Date',
      new Date(this.context.wallClock()).toUTCString(),
    ];
    this.responseBody = {
      bytes: body,
      size: body.length,
      truncated: false,
      mimeType: 'text/plain; charset=utf-8',
      sha256: sha256Hex(body),
      notes: [],
    };
    if (bend) this.deliver(status, undefined, headers, body, true);
    else {
      this.writeHead(status, undefined, headers, true);
      this.res.end(body);
    }
  }

  /** Phase "mutate": the rule's patch on the (decoded, rewritten) JSON answer; null leaves it as it is. */
  private mutate(content: Buffer, mimeType: string): Buffer | null {
    const { fault } = this;
    if (fault?.phase !== 'mutate' || !fault.patch) return null;
    const outcome = patchJsonBody(content, mimeType, fault.patch);
    if (!outcome.applied) {
      this.patchNotApplied(outcome.reason);
      return null;
    }
    this.notes.push(patchedNote(fault.id, fault.patch));
    return outcome.bytes;
  }

  private patchNotApplied(reason: string): void {
    const { fault } = this;
    if (fault?.phase === 'mutate') this.notes.push(patchNotAppliedNote(fault.id, reason));
  }

  /**
   * Phase "after": the upstream got the request and answered, so its change is made; the client
   * never sees that answer (it is read to the end, keeping the pooled connection) and gets the
   * rule's status, or a dropped connection, instead.
   */
  private commitThenFail(upstreamRes: IncomingMessage, status: number): void {
    const fault = this.fault!;
    this.leg.count('answered');
    upstreamRes.resume();
    upstreamRes.once('end', () => {
      const because = committedThenFailedNote(fault, this.operation, status);
      if (fault.dropConnection) {
        this.notes.push(because);
        this.req.socket.destroy();
        return;
      }
      this.answerForced(fault, fault.status!, because);
    });
  }

  /** The rule's status, answered by the proxy itself, with Retry-After when the rule has one. */
  private answerForced(fault: FaultRule, status: number, because: string): void {
    this.notes.push(because);
    const headers = fault.retryAfter === undefined ? [] : ['Retry-After', String(fault.retryAfter)];
    if (status < 400) this.answerLocally(status, null);
    else this.answerLocally(status, { serverError: `forced by ${because}`, text: `forced by ${because}`, headers });
  }

  /** Once, when the client's response is done or the connection died first. */
  private finish(remoteAddress: string): void {
    const { req, res, context, leg } = this;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    const aborted = !res.writableFinished;
    if (aborted) {
      this.upstreamReq?.destroy();
      if (!this.notes.some((n) => n.startsWith('the upstream closed')))
        this.notes.push('the client closed the connection before the exchange was complete');
    }
    let responseBody: RawBody | null = null;
    if (this.responseBody) {
      const { notes, ...body } = this.responseBody;
      this.notes.push(...notes);
      responseBody = body;
    } else if (this.responseTap && this.responseTap.tap.size > 0) {
      responseBody = tappedBody(
        this.responseTap.tap,
        this.responseTap.coding,
        this.responseTap.mimeType,
        context.logBodyLimit,
        this.notes,
        'response',
      );
    }
    const requestBody =
      this.requestTap.size > 0
        ? tappedBody(
            this.requestTap,
            contentCoding(req.headers['content-encoding']),
            req.headers['content-type'] ?? '',
            context.logBodyLimit,
            this.notes,
            'request',
          )
        : null;
    context.log.add(
      recordProxied({
        seq: context.log.nextSeq(),
        startedAt: this.startedAt,
        operation: this.operation,
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        httpVersion: req.httpVersion,
        status: aborted && !res.headersSent ? 0 : (this.failedWith ?? res.statusCode),
        durationMs: round2(performance.now() - this.startedHr),
        remoteAddress,
        rawRequestHeaders: req.rawHeaders,
        sentResponseHeaders: res.headersSent ? this.sentHeaders : null,
        requestBody,
        responseBody,
        aborted,
        notes: this.notes,
        upstream: leg.upstream,
        upstreamTtfbMs: this.ttfbMs,
        faultId: this.fault?.id ?? null,
        nowMs: context.wallClock(),
      }),
    );
  }
}

/** The most of an answer a body action holds to bend it; a larger one passes as it came. */
const maxBentBodyBytes = 64 * 1024 * 1024;

/** Header lines as Node's own header object has them (lower-case names, repeats as arrays), which body actions bend. */
function headersByName(lines: readonly string[]): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (let i = 0; i < lines.length; i += 2) {
    const name = lines[i]!.toLowerCase();
    const value = lines[i + 1]!;
    const existing = headers[name];
    headers[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [String(existing)]), value];
  }
  return headers;
}

/** Header lines (name, value, …) from a header object, for the log of a bent answer. */
function headerLines(headers: OutgoingHttpHeaders): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) lines.push(name, String(one));
  }
  return lines;
}

/** Replaces the Content-Length (the first line, in its place) after the body changed. */
function withContentLength(headers: readonly string[], length: number): string[] {
  const out: string[] = [];
  let set = false;
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() !== 'content-length') out.push(headers[i]!, headers[i + 1]!);
    else if (!set) {
      out.push(headers[i]!, String(length));
      set = true;
    }
  }
  if (!set) out.push('Content-Length', String(length));
  return out;
}

/** `application/json`, `text/json`, `application/*+json`, parameters aside. */
function isJson(mimeType: string): boolean {
  const type = mimeType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type === 'text/json' || type.endsWith('+json');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function utf8(bytes: Buffer): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
