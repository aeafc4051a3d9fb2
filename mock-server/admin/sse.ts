import type { Request, Response } from 'express';
import type { RequestLog } from '../log/request-log.js';
import type { LogEntry, LogSummary } from '../log/entry.js';
import { RecordedEntry } from '../log/recorded-entry.js';
import { summarize } from '../log/summary.js';
import type { Store } from '../state/store.js';
import type { Config, ConfigIssue, FaultRule } from '../state/config-schema.js';
import type { IssuedTokens } from '../tokens/issued-tokens.js';
import type { FilesEvent, ScenarioList } from './contract.js';
import type { CheckRunView } from './check-request.js';
import { StreamEvent } from '../protocol/admin-stream.js';

/** Event names on the admin stream, declared once for the engine and the UI (protocol/admin-stream.ts). */
export { StreamEvent };

/**
 * One subscriber's Server-Sent Events stream. History after `?after=<seq>` (or the
 * `Last-Event-ID` a reconnecting EventSource sends) is replayed to this subscriber only; then
 * live batches follow. A slow subscriber is dropped rather than buffered without bound.
 */
export function streamEvents(
  req: Request,
  res: Response,
  deps: {
    log: RequestLog;
    store: Store;
    issuedTokens: IssuedTokens;
    files?: (send: (event: FilesEvent) => void) => () => void;
    checks?: (send: (view: CheckRunView) => void) => () => void;
    scenarios?: (send: (list: ScenarioList) => void) => () => void;
  },
): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  req.socket.setNoDelay(true);

  const write = (text: string) => {
    if (res.writableLength > 8 * 1024 * 1024) {
      res.destroy();
      return;
    }
    res.write(text);
  };
  const send = (event: string, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

  const after = Number(req.query['after'] ?? req.headers['last-event-id'] ?? NaN);
  res.write('retry: 2000\n\n');
  if (Number.isInteger(after) && after >= 0) {
    const history = deps.log.list({ afterSeq: after });
    for (let i = 0; i < history.length; i += 500) write(logEvent(history.slice(i, i + 500)));
  }

  const stopLog = logFeed(deps.log).add(write);
  const onCleared = () => send(StreamEvent.LogCleared, { lastSeq: deps.log.lastSeq });
  const onFaults = (faults: FaultRule[]) => send(StreamEvent.Faults, faults);
  const onConfig = (config: Config, warnings: ConfigIssue[]) => send(StreamEvent.Config, { config, warnings });
  const onRevoked = (userId: string) => send(StreamEvent.Revoked, { userId });
  const onTokens = (userId: string) => send(StreamEvent.Tokens, { userId });
  deps.log.on('cleared', onCleared);
  deps.store.on('faults', onFaults);
  deps.store.on('config', onConfig);
  deps.store.on('revoked', onRevoked);
  deps.issuedTokens.on('changed', onTokens);
  const stopFiles = deps.files?.((event) => send(StreamEvent.Files, event));
  const stopChecks = deps.checks?.((view) => send(StreamEvent.Check, view));
  const stopScenarios = deps.scenarios?.((list) => send(StreamEvent.Scenarios, list));
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  heartbeat.unref();
  res.on('close', () => {
    clearInterval(heartbeat);
    stopLog();
    deps.log.off('cleared', onCleared);
    deps.store.off('faults', onFaults);
    deps.store.off('config', onConfig);
    deps.store.off('revoked', onRevoked);
    deps.issuedTokens.off('changed', onTokens);
    stopFiles?.();
    stopChecks?.();
    stopScenarios?.();
  });
}

/**
 * A `log` event: the summaries of the entries (entry.ts, LogSummary), not the entries, whose
 * headers and bodies are most of their size; the SSE `id` is the last `seq`. A subscriber reads
 * a whole entry with `GET /api/log/:seq` when someone opens it.
 */
export function logEvent(entries: readonly LogEntry[]): string {
  const summaries = new Array<LogSummary>(entries.length);
  for (let i = 0; i < entries.length; i++) summaries[i] = summaryOfEntry(entries[i]!);
  return `id: ${entries[entries.length - 1]!.seq}\nevent: ${StreamEvent.Log}\ndata: ${JSON.stringify(summaries)}\n\n`;
}

/** A recorded entry summarizes itself without decoding its headers and bodies; any other entry is summarized whole. */
export function summaryOfEntry(entry: LogEntry): LogSummary {
  return entry instanceof RecordedEntry ? entry.summary() : summarize(entry);
}

/** The longest a new entry waits for others to share its `log` event (the first after a quiet spell goes at once). */
export const logEventIntervalMs = 20;

/**
 * The `log` events of one request log, shared by all its subscribers: what the log hands out is
 * coalesced for up to `logEventIntervalMs`, serialized once, and the same text written to every
 * subscriber. Under a flood that is one write per subscriber every 20 ms rather than one per turn
 * of the event loop; a lone request still goes out at once. With no subscriber it does not listen,
 * so the log keeps nothing for it.
 */
class LogFeed {
  private readonly subscribers = new Set<(text: string) => void>();
  private pending: LogEntry[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly log: RequestLog) {}

  add(subscriber: (text: string) => void): () => void {
    if (this.subscribers.size === 0) {
      this.log.on('entries', this.onEntries);
      this.log.on('cleared', this.onCleared);
    }
    this.subscribers.add(subscriber);
    return () => {
      if (!this.subscribers.delete(subscriber) || this.subscribers.size > 0) return;
      this.log.off('entries', this.onEntries);
      this.log.off('cleared', this.onCleared);
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.pending = [];
    };
  }

  private readonly onEntries = (entries: LogEntry[]) => {
    if (this.timer !== null) {
      for (const entry of entries) this.pending.push(entry);
      return;
    }
    this.send(entries);
    this.wait();
  };

  private readonly onTimer = () => {
    this.timer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.send(batch);
    this.wait();
  };

  /** What had not gone out before a clear is gone from the log too: it must not follow `log-cleared`. */
  private readonly onCleared = () => {
    this.pending = [];
  };

  private wait(): void {
    this.timer = setTimeout(this.onTimer, logEventIntervalMs);
    this.timer.unref();
  }

  private send(entries: readonly LogEntry[]): void {
    if (entries.length === 0) return;
    const text = logEvent(entries);
    for (const subscriber of this.subscribers) subscriber(text);
  }
}

const feeds = new WeakMap<RequestLog, LogFeed>();

function logFeed(log: RequestLog): LogFeed {
  let feed = feeds.get(log);
  if (!feed) feeds.set(log, (feed = new LogFeed(log)));
  return feed;
}
