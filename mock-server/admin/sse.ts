import type { Request, Response } from 'express';
import type { RequestLog } from '../log/request-log.js';
import type { LogEntry } from '../log/entry.js';
import type { Store } from '../state/store.js';
import type { Config, ConfigIssue, FaultRule } from '../state/config-schema.js';
import type { IssuedTokens } from '../tokens/issued-tokens.js';
import type { FilesEvent } from './contract.js';
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
  },
): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  req.socket.setNoDelay(true);

  const send = (event: string, data: unknown, id?: number) => {
    if (res.writableLength > 8 * 1024 * 1024) {
      res.destroy();
      return;
    }
    res.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const sendEntries = (entries: LogEntry[]) => {
    if (entries.length > 0) send(StreamEvent.Log, entries, entries[entries.length - 1]!.seq);
  };

  const after = Number(req.query['after'] ?? req.headers['last-event-id'] ?? NaN);
  res.write('retry: 2000\n\n');
  if (Number.isInteger(after) && after >= 0) {
    const history = deps.log.list({ afterSeq: after });
    for (let i = 0; i < history.length; i += 500) sendEntries(history.slice(i, i + 500));
  }

  const onEntries = (entries: LogEntry[]) => sendEntries(entries);
  const onCleared = () => send(StreamEvent.LogCleared, { lastSeq: deps.log.lastSeq });
  const onFaults = (faults: FaultRule[]) => send(StreamEvent.Faults, faults);
  const onConfig = (config: Config, warnings: ConfigIssue[]) => send(StreamEvent.Config, { config, warnings });
  const onRevoked = (userId: string) => send(StreamEvent.Revoked, { userId });
  const onTokens = (userId: string) => send(StreamEvent.Tokens, { userId });
  deps.log.on('entries', onEntries);
  deps.log.on('cleared', onCleared);
  deps.store.on('faults', onFaults);
  deps.store.on('config', onConfig);
  deps.store.on('revoked', onRevoked);
  deps.issuedTokens.on('changed', onTokens);
  const stopFiles = deps.files?.((event) => send(StreamEvent.Files, event));
  const stopChecks = deps.checks?.((view) => send(StreamEvent.Check, view));
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  heartbeat.unref();
  res.on('close', () => {
    clearInterval(heartbeat);
    deps.log.off('entries', onEntries);
    deps.log.off('cleared', onCleared);
    deps.store.off('faults', onFaults);
    deps.store.off('config', onConfig);
    deps.store.off('revoked', onRevoked);
    deps.issuedTokens.off('changed', onTokens);
    stopFiles?.();
    stopChecks?.();
  });
}
