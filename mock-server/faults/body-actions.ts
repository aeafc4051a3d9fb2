import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Response } from 'express';
import type { FaultBodyAction } from '../state/config-schema.js';

/** The real answer, as the handler gave it, before a body action bends it. */
export interface RealAnswer {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
}

/**
 * What goes on the wire: the headers and status, the bytes sent, how they are paced, and how the
 * exchange ends (`finish` is a complete answer; `close` and `reset` cut the connection after `send`).
 */
export interface BodyPlan {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly send: Buffer;
  readonly ending: 'finish' | 'close' | 'reset';
  readonly stallMs?: number;
  readonly dribble?: Dribble;
  /** What happened, for the log: completed by bodyActionNote. */
  readonly outcome: string;
}

export interface Dribble {
  readonly chunkBytes: number;
  readonly intervalMs: number;
}

/** Appended to the cut JSON: outside a string it is no JSON token, inside one the string never closes. */
const strayCharacter = '<';

/** Pure: how an action bends a real answer. Content-Length always names what the plan promises. */
export function planBodyAction(action: FaultBodyAction, real: RealAnswer): BodyPlan {
  const length = real.body.length;
  const headers = withLength(real.headers, length);
  switch (action.kind) {
    case 'truncate': {
      const sent = Math.max(0, length - action.cutBytes);
      return {
        status: real.status,
        headers,
        send: real.body.subarray(0, sent),
        ending: 'close',
        outcome: `truncated the body: sent ${sent} of ${length} bytes, then closed`,
      };
    }
    case 'reset': {
      const sent = Math.min(length, action.afterBytes);
      return {
        status: real.status,
        headers,
        send: real.body.subarray(0, sent),
        ending: 'reset',
        outcome: `reset the connection after ${sent} of ${length} body bytes`,
      };
    }
    case 'stall':
      return {
        status: real.status,
        headers,
        send: real.body,
        ending: 'finish',
        stallMs: action.ms,
        outcome: `stalled ${action.ms} ms after the headers, then sent the ${length}-byte body`,
      };
    case 'dribble':
      return {
        status: real.status,
        headers,
        send: real.body,
        ending: 'finish',
        dribble: dribblePace(action.bytesPerSecond),
        outcome: `dribbled the ${length}-byte body at ${action.bytesPerSecond} bytes/s`,
      };
    case 'malformedJson': {
      const type = contentTypeOf(real.headers);
      if (!/json/i.test(type))
        return {
          status: real.status,
          headers,
          send: real.body,
          ending: 'finish',
          outcome: `left the body alone: it is not JSON (${type || 'no Content-Type'})`,
        };
      const kept = Math.floor(length / 2);
      const send = Buffer.concat([real.body.subarray(0, kept), Buffer.from(strayCharacter)]);
      return {
        status: real.status,
        headers: withLength(real.headers, send.length),
        send,
        ending: 'finish',
        outcome: `malformed the JSON body: sent its first ${kept} of ${length} bytes and a stray "${strayCharacter}"`,
      };
    }
    case 'contentType': {
      const was = contentTypeOf(real.headers);
      return {
        status: real.status,
        headers: { ...headers, 'content-type': action.value },
        send: real.body,
        ending: 'finish',
        outcome: `sent the body under Content-Type ${action.value} instead of ${was || 'none'}`,
      };
    }
    case 'empty200':
      return {
        status: 200,
        headers: withLength(real.headers, 0),
        send: Buffer.alloc(0),
        ending: 'finish',
        outcome: `answered an empty 200 instead of the real ${real.status} (${length} bytes)`,
      };
  }
}

/** The log note for a bent answer. */
export function bodyActionNote(ruleId: string, plan: BodyPlan): string {
  return `fault rule ${ruleId}: ${plan.outcome}`;
}

/** Ten chunks a second, so a slow rate still moves, and never less than a byte a chunk. */
export function dribblePace(bytesPerSecond: number): Dribble {
  const chunkBytes = Math.max(1, Math.ceil(bytesPerSecond / 10));
  return { chunkBytes, intervalMs: (chunkBytes * 1000) / bytesPerSecond };
}

function withLength(headers: OutgoingHttpHeaders, length: number): OutgoingHttpHeaders {
  // The whole body is known, so it goes with a Content-Length (what truncate promises), never chunked.
  const { 'transfer-encoding': _chunked, ...rest } = headers;
  return { ...rest, 'content-length': String(length) };
}

export function contentTypeOf(headers: OutgoingHttpHeaders): string {
  const value = headers['content-type'];
  return Array.isArray(value) ? (value[0] ?? '') : value === undefined ? '' : String(value);
}

/**
 * Sends a plan on a response whose handler's answer was held back. Timers stop when the response
 * closes, so a client that gives up leaves nothing running. `onClientGone` is told when the client
 * closed before a complete plan was sent.
 */
/** An answer sent whole, its Content-Length made to fit: a patched body (phase "mutate") goes out so. */
export function sendWhole(res: Response, answer: RealAnswer): void {
  setStatusAndHeaders(res, answer.status, withLength(answer.headers, answer.body.length));
  res.end(answer.body);
}

function setStatusAndHeaders(res: ServerResponse, status: number, headers: OutgoingHttpHeaders): void {
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
  res.statusCode = status;
}

export function sendPlan(res: ServerResponse, plan: BodyPlan, onClientGone: () => void): void {
  setStatusAndHeaders(res, plan.status, plan.headers);
  let timer: NodeJS.Timeout | undefined;
  let cutOnPurpose = false;
  res.once('close', () => {
    clearTimeout(timer);
    if (!cutOnPurpose && !res.writableFinished) onClientGone();
  });
  const cut = () => {
    cutOnPurpose = true;
    const socket = res.socket;
    if (!socket) return;
    if (plan.ending === 'reset') resetConnection(socket);
    else socket.destroySoon();
  };
  if (plan.ending !== 'finish') {
    res.flushHeaders();
    if (plan.send.length > 0) res.write(plan.send, cut);
    else res.socket?.write('', cut);
    return;
  }
  if (plan.stallMs !== undefined) {
    res.flushHeaders();
    timer = setTimeout(() => res.end(plan.send), plan.stallMs);
    return;
  }
  if (plan.dribble) {
    res.flushHeaders();
    const { chunkBytes, intervalMs } = plan.dribble;
    let offset = 0;
    const next = () => {
      const chunk = plan.send.subarray(offset, offset + chunkBytes);
      offset += chunk.length;
      if (offset >= plan.send.length) res.end(chunk);
      else {
        res.write(chunk);
        timer = setTimeout(next, intervalMs);
      }
    };
    timer = setTimeout(next, 0);
    return;
  }
  res.end(plan.send);
}

/**
 * A TCP RST: only the TCP socket can send one, and on TLS that is the socket TLS wraps
 * (`_parent`); resetAndDestroy throws on the TLS socket itself. destroy() is the fallback, a FIN.
 * An RST also discards what the kernel has not sent yet: on a slow reader, a large afterBytes may
 * arrive short, as it would from a real host that resets.
 */
function resetConnection(socket: Socket): void {
  const tcp = (socket as Socket & { _parent?: Socket })._parent ?? socket;
  try {
    tcp.resetAndDestroy();
  } catch {
    // not a TCP handle (a test's duplex, a pipe): closing is all there is
  }
  socket.destroy();
}
