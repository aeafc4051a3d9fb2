import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { startEngine } from '../../mock-server/engine.js';
import type { LogEntry } from '../../mock-server/log/entry.js';
import { RecordedEntry, type RawBody, type RawExchange } from '../../mock-server/log/recorded-entry.js';
import { send, signIn, type Target } from '../client.js';
import { fail, serveParent, serverArgs } from './child.js';

// The stream bench's server: the engine as the CLI runs it, whose admin API serves the live stream
// (`/api/log/stream`, summaries), plus the stream as it was before, kept here only: every
// subscriber serialized whole entries itself. Entries are pushed into the engine's log on request,
// built from real exchanges recorded at start, so both streams carry what real traffic logs.

/** The old `/api/log/stream` (one subscriber's `log` events), as mock-server/admin/sse.ts wrote it before summaries. */
function oldStream(req: IncomingMessage, res: ServerResponse, log: { on: Subscribe; off: Subscribe }): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
  req.socket.setNoDelay(true);
  const sendEvent = (event: string, data: unknown, id?: number) => {
    if (res.writableLength > 8 * 1024 * 1024) {
      res.destroy();
      return;
    }
    res.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const onEntries = (entries: LogEntry[]) => {
    if (entries.length > 0) sendEvent('log', entries, entries[entries.length - 1]!.seq);
  };
  res.write('retry: 2000\n\n');
  log.on('entries', onEntries);
  res.on('close', () => log.off('entries', onEntries));
}
type Subscribe = (event: 'entries', listener: (entries: LogEntry[]) => void) => unknown;

/** The raw record of a logged exchange, so fresh copies can be logged as new requests. */
function rawOf(entry: LogEntry): Omit<RawExchange, 'seq' | 'startedAt'> {
  const body = (captured: LogEntry['requestBody']): RawBody | null =>
    captured && {
      bytes: Buffer.from(captured.text, captured.encoding === 'base64' ? 'base64' : 'utf8'),
      size: captured.size,
      truncated: captured.truncated,
      mimeType: captured.mimeType,
    };
  const responseHeaders: OutgoingHttpHeaders = {};
  for (const { name, value } of entry.responseHeaders) responseHeaders[name.toLowerCase()] = value;
  return {
    operation: entry.operation,
    method: entry.method,
    url: entry.url,
    httpVersion: entry.httpVersion,
    status: entry.status,
    durationMs: entry.durationMs,
    userId: entry.userId,
    remoteAddress: entry.remoteAddress,
    rawRequestHeaders: entry.requestHeaders.flatMap(({ name, value }) => [name, value]),
    responseHeaders,
    requestBody: body(entry.requestBody),
    responseBody: body(entry.responseBody),
    faultId: entry.faultId,
    knownBugs: entry.knownBugs,
    aborted: entry.aborted,
    notes: entry.notes,
  };
}

async function main(): Promise<void> {
  const { dataDir } = serverArgs();
  if (!dataDir) throw new Error('the stream server needs a dataDir');
  const engine = await startEngine({ dataDir, host: '127.0.0.1', port: 0, adminPort: 0, publicHost: 'localhost' });
  const target: Target = { port: Number(new URL(engine.urls.wopiOrigin).port), ca: await readFile(engine.urls.caCertificatePath, 'utf8') };

  // What Office mobile sends most: the unauthenticated Bootstrap (a 401 with the challenge), and
  // now and then a signed-in one (a 200 with a JSON body and a token in it).
  const word = {
    'User-Agent': 'Word/1.22.16051600 CFNetwork/758.2.8 Darwin/15.4.0',
    Accept: '*/*',
    'Accept-Language': 'en-US,en;q=0.9',
    'Accept-Encoding': 'gzip, deflate, br',
  };
  await send(target, { path: '/wopibootstrapper', headers: word });
  const { accessToken } = await signIn(target);
  await send(target, { path: '/wopibootstrapper', headers: { ...word, Authorization: `Bearer ${accessToken}` } });
  const recorded = engine.log.list();
  const unauthenticated = recorded.find((e) => e.operation === 'Bootstrap' && e.status === 401);
  const authenticated = recorded.findLast((e) => e.operation === 'Bootstrap' && e.status === 200);
  if (!unauthenticated || !authenticated) throw new Error('the stream server could not record its template exchanges');
  // Every tenth request signed in, as in the Live log's 20,000-request test.
  const templates = [...Array.from({ length: 9 }, () => rawOf(unauthenticated)), rawOf(authenticated)];

  const old = createServer((req, res) => {
    if (req.url === '/old-stream') oldStream(req, res, engine.log);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));

  serveParent({
    port: (old.address() as AddressInfo).port,
    info: { adminUrl: engine.urls.adminUrl, adminToken: engine.urls.adminToken },
    stop: async () => {
      old.closeAllConnections();
      await new Promise<void>((resolve) => old.close(() => resolve()));
      await engine.stop();
    },
    push: async (count, perTick) => {
      for (let added = 0; added < count;) {
        for (let i = 0; i < perTick && added < count; i++, added++) {
          const template = templates[added % templates.length]!;
          engine.log.add(new RecordedEntry({ ...template, seq: engine.log.nextSeq(), startedAt: Date.now() }));
        }
        // The log hands out one batch per turn, as it does under real traffic.
        await nextTurn();
      }
      return engine.log.lastSeq;
    },
  });
}

main().catch(fail);
