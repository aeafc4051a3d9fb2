import { StreamEvent } from '../../../mock-server/protocol/admin-stream.ts';
import type { StreamPayloads } from '../../../mock-server/admin/contract.ts';
import { adminApi, getAdminToken } from './client.ts';
import { createStore, useStore } from './store.ts';

export { StreamEvent };

/**
 * One event of the admin stream (`GET /api/log/stream`), typed by its SSE event name; the data of
 * each is the engine's own type (StreamPayloads in mock-server/admin/contract.ts).
 */
export type LiveEvent =
  /** Summaries of new entries; `adminApi.logEntry(seq)` reads one whole. */
  | { type: typeof StreamEvent.Log; entries: StreamPayloads['log'] }
  | ({ type: typeof StreamEvent.LogCleared } & StreamPayloads['log-cleared'])
  | { type: typeof StreamEvent.Faults; faults: StreamPayloads['faults'] }
  | ({ type: typeof StreamEvent.Config } & StreamPayloads['config'])
  | ({ type: typeof StreamEvent.Revoked } & StreamPayloads['revoked'])
  | ({ type: typeof StreamEvent.Tokens } & StreamPayloads['tokens'])
  | ({ type: typeof StreamEvent.Files } & StreamPayloads['files'])
  /** A host check started, finished a phase, waits for a sign-in or ended. */
  | { type: typeof StreamEvent.Check; run: StreamPayloads['check'] }
  /** A scenario was saved, deleted, applied or removed: every scenario, as GET /api/scenarios lists them. */
  | { type: typeof StreamEvent.Scenarios; scenarios: StreamPayloads['scenarios']['scenarios'] }
  /**
   * Not from the engine: the stream was open before, dropped, and is open again. Log entries in
   * between are replayed; anything else (config, faults, tokens) may have changed unseen, so
   * holders of such state should re-read it.
   */
  | { type: 'reconnected' };

export type LiveHandler = (event: LiveEvent) => void;

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

const handlers = new Set<LiveHandler>();
const connection = createStore<ConnectionState>('connecting');
let lastSeq = 0;
let abort: AbortController | null = null;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let failures = 0;
let everConnected = false;

/**
 * Subscribes to the one shared admin stream; the first subscriber opens it, the last one to
 * leave closes it. The first connection replays the whole log ring (`after=0`), reconnects
 * resume after the last sequence number seen, so a subscriber that joins later sees only live
 * events and should read `GET /api/log` for history.
 */
export function subscribeLive(handler: LiveHandler): () => void {
  handlers.add(handler);
  if (handlers.size === 1) connect();
  return () => {
    handlers.delete(handler);
    if (handlers.size === 0) disconnect();
  };
}

/** The stream's connection state, for a "live / reconnecting" indicator. */
export function useLiveConnection(): ConnectionState {
  return useStore(connection);
}

function setState(next: ConnectionState): void {
  connection.set(next);
}

function connect(): void {
  const controller = new AbortController();
  abort = controller;
  void read(controller.signal).then(
    () => scheduleReconnect(controller),
    () => scheduleReconnect(controller),
  );
}

function disconnect(): void {
  abort?.abort();
  abort = null;
  if (retryTimer !== null) clearTimeout(retryTimer);
  retryTimer = null;
  setState('connecting');
}

function scheduleReconnect(controller: AbortController): void {
  if (controller.signal.aborted || abort !== controller) return;
  setState('reconnecting');
  failures += 1;
  // 0.5 s, 1 s, 2 s … capped at 10 s: quick after a blip, quiet while the engine is down.
  const delay = Math.min(10_000, 500 * 2 ** Math.min(failures - 1, 5));
  retryTimer = setTimeout(() => {
    retryTimer = null;
    if (abort === controller) connect();
  }, delay);
}

async function read(signal: AbortSignal): Promise<void> {
  const token = getAdminToken();
  if (everConnected) {
    // A restarted engine (`npm run serve` again) counts from 1: start over from its first entry
    // rather than wait for its sequence numbers to pass ours.
    const { lastSeq: engineLastSeq } = await adminApi.log({ limit: 1 });
    if (engineLastSeq < lastSeq) {
      lastSeq = 0;
      dispatchEvent({ type: StreamEvent.LogCleared, lastSeq: 0 });
    }
  }
  const response = await fetch(`/api/log/stream?after=${lastSeq}`, {
    headers: token !== null ? { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } : { Accept: 'text/event-stream' },
    cache: 'no-store',
    signal,
  });
  if (!response.ok || !response.body) throw new Error(`the stream answered ${response.status}`);
  failures = 0;
  setState('connected');
  if (everConnected) dispatchEvent({ type: 'reconnected' });
  everConnected = true;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser(dispatch);
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    parser.push(value);
  }
}

function dispatch(event: string, data: string, id: string | null): void {
  if (id !== null && /^\d+$/.test(id)) lastSeq = Number(id);
  const live = toLiveEvent(event, data);
  if (!live) return;
  if (live.type === StreamEvent.LogCleared) lastSeq = live.lastSeq;
  dispatchEvent(live);
}

function dispatchEvent(live: LiveEvent): void {
  for (const handler of handlers) {
    try {
      handler(live);
    } catch (error) {
      // One broken screen must not starve the others of events.
      console.error('live event handler failed', error);
    }
  }
}

function toLiveEvent(event: string, data: string): LiveEvent | null {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    console.warn(`dropped a "${event}" stream event that is not JSON`);
    return null;
  }
  const object = (payload ?? {}) as Record<string, unknown>;
  switch (event) {
    case StreamEvent.Log:
      return Array.isArray(payload) ? { type: StreamEvent.Log, entries: payload as StreamPayloads['log'] } : null;
    case StreamEvent.LogCleared:
      return { type: StreamEvent.LogCleared, lastSeq: Number(object['lastSeq'] ?? 0) };
    case StreamEvent.Faults:
      return Array.isArray(payload) ? { type: StreamEvent.Faults, faults: payload as StreamPayloads['faults'] } : null;
    case StreamEvent.Config:
      return {
        type: StreamEvent.Config,
        config: object['config'] as StreamPayloads['config']['config'],
        warnings: (object['warnings'] as StreamPayloads['config']['warnings'] | undefined) ?? [],
      };
    case StreamEvent.Revoked:
      return { type: StreamEvent.Revoked, userId: String(object['userId']) };
    case StreamEvent.Tokens:
      return { type: StreamEvent.Tokens, userId: String(object['userId']) };
    case StreamEvent.Files:
      return { type: StreamEvent.Files, userIds: Array.isArray(object['userIds']) ? object['userIds'].map(String) : [] };
    case StreamEvent.Check:
      return typeof object['id'] === 'string' && Array.isArray(object['phases'])
        ? { type: StreamEvent.Check, run: payload as StreamPayloads['check'] }
        : null;
    case StreamEvent.Scenarios:
      return Array.isArray(object['scenarios'])
        ? { type: StreamEvent.Scenarios, scenarios: object['scenarios'] as StreamPayloads['scenarios']['scenarios'] }
        : null;
    default:
      return null;
  }
}

/**
 * Incremental Server-Sent Events parser (the subset the admin stream uses: `event`, `data`,
 * `id`, comments). Works on whole lines and only touches each chunk once.
 */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | null = null;

  constructor(private readonly onEvent: (event: string, data: string, id: string | null) => void) {}

  push(chunk: string): void {
    // A replayed batch can be one multi-megabyte data line arriving in many chunks: search only
    // the new text for the line end, never the part already scanned.
    let searchFrom = this.buffer.length;
    this.buffer += chunk;
    let start = 0;
    for (;;) {
      const end = this.buffer.indexOf('\n', searchFrom);
      if (end === -1) break;
      let line = this.buffer.slice(start, end);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      start = end + 1;
      searchFrom = start;
      this.line(line);
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.onEvent(this.event || 'message', this.data.join('\n'), this.id);
      this.event = '';
      this.data = [];
      this.id = null;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id') this.id = value;
  }
}
