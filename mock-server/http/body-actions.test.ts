import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect as netConnect, type Server } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { addFault, appendPath, loggedEntry, startHarness, type Harness } from '../../test-support/host-fixture.js';
import { aliceRoot, fileInfo, getFile, newFile, override } from '../../test-support/file-fixture.js';
import type { LogEntry } from '../log/entry.js';

let h: Harness;
let root: string;
let relay: Relay;

before(async () => {
  h = await startHarness();
  root = await aliceRoot(h);
  relay = await startRelay(Number(new URL(h.origin).port));
});
after(async () => {
  relay.server.close();
  await h.close();
});
afterEach(async () => {
  await h.admin('DELETE', '/api/faults');
});

/** How the host ended the connection, as the TCP side saw it: a FIN, or an RST. */
type Ending = 'fin' | 'rst';

interface RawAnswer {
  status: number;
  /** Lower-case names; one value each (the answers here repeat none). */
  headers: Record<string, string>;
  body: Buffer;
  ending: Ending;
  /** Milliseconds from sending the request to the last byte of the answer. */
  elapsedMs: number;
  /** Body bytes that came with the headers, before any pause. */
  bodyWithHeaders: number;
}

interface Relay {
  server: Server;
  port: number;
  /** The ending of the connection relayed to the host, by the relay's local port as the client sees it. */
  endings: Map<number, Promise<Ending>>;
}

/**
 * A plain TCP relay between the test's TLS client and the host: TLS hides whether the host's TCP
 * connection ended with a FIN or an RST (Node's TLS client reports both as a close), the relay's
 * own socket to the host does not.
 */
async function startRelay(hostPort: number): Promise<Relay> {
  const endings = new Map<number, Promise<Ending>>();
  const server = createServer((client) => {
    const upstream = netConnect({ port: hostPort, host: '127.0.0.1', allowHalfOpen: true });
    endings.set(
      client.remotePort!,
      new Promise((resolve) => {
        // An RST that arrives with the last bytes reads as an end of stream; the socket's state tells
        // them apart: after a FIN it can still send (CLOSE_WAIT), after an RST the write fails at once.
        upstream.on('end', () => upstream.write('x', (error) => resolve(error ? 'rst' : 'fin')));
        upstream.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'ECONNRESET') resolve('rst');
        });
      }),
    );
    client.pipe(upstream);
    upstream.pipe(client);
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, endings };
}

/** One GET over a raw TLS connection through the relay: every byte the host sent, and how it ended. */
async function rawGet(url: string): Promise<RawAnswer> {
  const target = new URL(url, h.origin);
  const socket = tlsConnect({ host: '127.0.0.1', port: relay.port, servername: target.hostname, ca: h.ca });
  const chunks: Buffer[] = [];
  let sentAt = 0;
  let lastByteAt = 0;
  let bodyWithHeaders = -1;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    lastByteAt = performance.now();
    const sofar = Buffer.concat(chunks);
    const split = sofar.indexOf('\r\n\r\n');
    if (bodyWithHeaders < 0 && split >= 0) bodyWithHeaders = sofar.length - split - 4;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  sentAt = performance.now();
  socket.write(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: close\r\n\r\n`);
  const ending = relay.endings.get(socket.localPort!)!;
  await new Promise<void>((resolve) => {
    socket.on('close', () => resolve());
    socket.on('error', () => undefined);
  });
  const all = Buffer.concat(chunks);
  const split = all.indexOf('\r\n\r\n');
  assert.ok(split > 0, `no header block in ${JSON.stringify(all.toString('latin1'))}`);
  const [statusLine, ...lines] = all.subarray(0, split).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  const body = all.subarray(split + 4);
  return {
    status: Number(statusLine!.split(' ')[1]),
    headers,
    body,
    ending: await ending,
    elapsedMs: lastByteAt - sentAt,
    bodyWithHeaders,
  };
}

const activeTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
const content = Buffer.from('0123456789'.repeat(100));
const entryFor = (ruleId: string) => loggedEntry(h, (e) => e.faultId === ruleId);
const bodyBytesOf = (entry: LogEntry) =>
  entry.responseBody ? Buffer.from(entry.responseBody.text, entry.responseBody.encoding) : Buffer.alloc(0);
const header = (entry: LogEntry, name: string) => entry.responseHeaders.find((line) => line.name.toLowerCase() === name)?.value;

async function stillServes(url: string): Promise<void> {
  const reply = await getFile(h, url);
  assert.equal(reply.status, 200);
  assert.deepEqual(reply.body, content);
}

describe('body actions on real answers', () => {
  test('truncate promises the whole Content-Length, sends all but cutBytes, then closes', async () => {
    const { url } = await newFile(h, root, content);
    const rule = await addFault(h, { operation: 'GetFile', body: { kind: 'truncate', cutBytes: 300 }, remaining: 1 });
    const answer = await rawGet(appendPath(url, '/contents'));
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-length'], '1000');
    assert.deepEqual(answer.body, content.subarray(0, 700));
    assert.equal(answer.ending, 'fin');

    const entry = await entryFor(rule.id);
    assert.equal(entry.status, 200);
    assert.equal(entry.aborted, true);
    assert.deepEqual(bodyBytesOf(entry), content.subarray(0, 700));
    assert.equal(header(entry, 'content-length'), '1000');
    assert.deepEqual(entry.notes, [`fault rule ${rule.id}: truncated the body: sent 700 of 1000 bytes, then closed`]);
    await stillServes(url);
  });

  test('reset sends afterBytes of the body, then resets the connection', async () => {
    const { url } = await newFile(h, root, content);
    const rule = await addFault(h, { operation: 'GetFile', body: { kind: 'reset', afterBytes: 250 }, remaining: 1 });
    const answer = await rawGet(appendPath(url, '/contents'));
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-length'], '1000');
    assert.deepEqual(answer.body, content.subarray(0, 250));
    assert.equal(answer.ending, 'rst');

    const entry = await entryFor(rule.id);
    assert.equal(entry.aborted, true);
    assert.deepEqual(bodyBytesOf(entry), content.subarray(0, 250));
    assert.deepEqual(entry.notes, [`fault rule ${rule.id}: reset the connection after 250 of 1000 body bytes`]);
    await stillServes(url);
  });

  test('a https client sees the premature close of a truncated body as an error', async () => {
    const { url } = await newFile(h, root, content);
    await addFault(h, { operation: 'GetFile', body: { kind: 'truncate', cutBytes: 1 }, remaining: 1 });
    await assert.rejects(getFile(h, url), (error: NodeJS.ErrnoException) => error.code === 'ECONNRESET' && error.message === 'aborted');
    await stillServes(url);
  });

  test('stall sends the headers, waits, then the whole body', async () => {
    const { url } = await newFile(h, root, content);
    const rule = await addFault(h, { operation: 'GetFile', body: { kind: 'stall', ms: 300 }, remaining: 1 });
    const answer = await rawGet(appendPath(url, '/contents'));
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, content);
    assert.equal(answer.ending, 'fin');
    assert.equal(answer.bodyWithHeaders, 0, 'the headers come alone');
    assert.ok(answer.elapsedMs >= 300, `the body came ${answer.elapsedMs} ms after the request`);
    const entry = await entryFor(rule.id);
    assert.equal(entry.aborted, false);
    assert.deepEqual(entry.notes, [`fault rule ${rule.id}: stalled 300 ms after the headers, then sent the 1000-byte body`]);
  });

  test('dribble sends the body at the given rate', async () => {
    const { url } = await newFile(h, root, content.subarray(0, 50));
    const rule = await addFault(h, { operation: 'GetFile', body: { kind: 'dribble', bytesPerSecond: 100 }, remaining: 1 });
    const answer = await rawGet(appendPath(url, '/contents'));
    assert.deepEqual(answer.body, content.subarray(0, 50));
    assert.equal(answer.headers['content-length'], '50');
    // Five chunks of ten bytes, 100 ms apart: the last leaves at least 400 ms after the first.
    assert.ok(answer.elapsedMs >= 400, `the body took ${answer.elapsedMs} ms`);
    const entry = await entryFor(rule.id);
    assert.deepEqual(bodyBytesOf(entry), content.subarray(0, 50));
    assert.deepEqual(entry.notes, [`fault rule ${rule.id}: dribbled the 50-byte body at 100 bytes/s`]);
  });

  test('a client that gives up during a dribble stops it, and the log says the client left', async () => {
    const { url } = await newFile(h, root, content);
    const rule = await addFault(h, { operation: 'GetFile', body: { kind: 'dribble', bytesPerSecond: 10 }, remaining: 1 });
    const target = new URL(appendPath(url, '/contents'));
    const socket = tlsConnect({ host: '127.0.0.1', port: Number(target.port), servername: target.hostname, ca: h.ca });
    await new Promise((resolve) => socket.once('secureConnect', resolve));
    socket.write(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n\r\n`);
    await new Promise((resolve) => socket.once('data', resolve));
    const timersWhileDribbling = activeTimers();
    socket.destroy();
    const entry = await entryFor(rule.id);
    assert.equal(entry.aborted, true);
    assert.deepEqual(entry.notes, [
      `fault rule ${rule.id}: dribbled the 1000-byte body at 10 bytes/s`,
      'the client closed the connection before the bent answer was complete',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.ok(activeTimers() < timersWhileDribbling, 'the dribble’s timer stopped with the connection');
    await stillServes(url);
  });

  test('malformedJson sends CheckFileInfo as JSON that does not parse, with the right length', async () => {
    const { url } = await newFile(h, root, content);
    const real = JSON.stringify(await fileInfo(h, url));
    const rule = await addFault(h, { operation: 'CheckFileInfo', body: { kind: 'malformedJson' }, remaining: 1 });
    const reply = await h.request('GET', url);
    assert.equal(reply.status, 200);
    assert.match(reply.header('content-type')!, /^application\/json/);
    assert.equal(reply.header('content-length'), String(reply.body.length));
    assert.throws(() => JSON.parse(reply.text), SyntaxError);
    assert.ok(reply.text.endsWith('<'));
    const entry = await entryFor(rule.id);
    assert.equal(bodyBytesOf(entry).toString(), reply.text);
    const kept = reply.body.length - 1;
    assert.match(
      entry.notes[0]!,
      new RegExp(`^fault rule ${rule.id}: malformed the JSON body: sent its first ${kept} of \\d+ bytes and a stray "<"$`),
    );
    assert.ok(
      Math.abs(Number(/of (\d+) bytes/.exec(entry.notes[0]!)![1]) - Buffer.byteLength(real)) < 50,
      'the real body was about this size',
    );
  });

  test('contentType sends the real body under another type', async () => {
    const { url } = await newFile(h, root, content);
    const rule = await addFault(h, { operation: 'CheckFileInfo', body: { kind: 'contentType', value: 'text/html' }, remaining: 1 });
    const reply = await h.request('GET', url);
    assert.equal(reply.status, 200);
    assert.equal(reply.header('content-type'), 'text/html');
    assert.equal(reply.json().Size, 1000);
    const entry = await entryFor(rule.id);
    assert.equal(header(entry, 'content-type'), 'text/html');
    assert.equal(entry.responseBody!.mimeType, 'text/html');
    assert.match(
      entry.notes[0]!,
      new RegExp(`^fault rule ${rule.id}: sent the body under Content-Type text/html instead of application/json`),
    );
  });

  test('empty200 answers an empty 200 to a refused Lock, and the handler still ran', async () => {
    const { url } = await newFile(h, root, content);
    assert.equal((await override(h, url, 'LOCK', { 'x-wopi-lock': 'A' })).status, 200);
    const rule = await addFault(h, { operation: 'Lock', body: { kind: 'empty200' }, remaining: 1 });
    const reply = await override(h, url, 'LOCK', { 'x-wopi-lock': 'B' });
    assert.equal(reply.status, 200);
    assert.equal(reply.header('content-length'), '0');
    assert.equal(reply.body.length, 0);
    assert.equal(reply.header('x-wopi-lock'), 'A', 'the real answer’s headers go out with it');
    const entry = await entryFor(rule.id);
    assert.equal(entry.status, 200);
    assert.equal(entry.responseBody, null);
    assert.equal(entry.notes.at(-1), `fault rule ${rule.id}: answered an empty 200 instead of the real 409 (0 bytes)`);
    assert.equal((await override(h, url, 'GET_LOCK')).header('x-wopi-lock'), 'A');
  });

  test('empty200 on PutFile: the change is committed though the client gets nothing', async () => {
    const { url } = await newFile(h, root);
    const rule = await addFault(h, { operation: 'PutFile', body: { kind: 'empty200' }, remaining: 1 });
    const reply = await h.request('POST', appendPath(url, '/contents'), { headers: { 'x-wopi-override': 'PUT' }, body: content });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.length, 0);
    assert.match((await entryFor(rule.id)).notes.at(-1)!, /answered an empty 200 instead of the real 200/);
    await stillServes(url);
  });

  test('a body action bends a forced status too: a 503 cut short', async () => {
    const { url } = await newFile(h, root, content);
    const rule = await addFault(h, {
      operation: 'CheckFileInfo',
      status: 503,
      retryAfter: 3,
      body: { kind: 'reset', afterBytes: 0 },
      remaining: 1,
    });
    const answer = await rawGet(url);
    assert.equal(answer.status, 503);
    assert.equal(answer.headers['retry-after'], '3');
    assert.equal(answer.body.length, 0);
    assert.equal(answer.ending, 'rst');
    const entry = await entryFor(rule.id);
    assert.equal(entry.status, 503);
    assert.equal(entry.notes.at(-1), `fault rule ${rule.id}: reset the connection after 0 of 0 body bytes`);
    assert.equal((await h.request('GET', url)).status, 200);
  });
});

describe('body actions that make no sense are refused', () => {
  const refused = async (rule: Record<string, unknown>, message: RegExp) => {
    const reply = await h.admin('POST', '/api/faults', rule);
    assert.equal(reply.status, 400, JSON.stringify(rule));
    const errors = reply.json().errors as Array<{ path: string; message: string }>;
    assert.ok(
      errors.some((e) => e.path.startsWith('$.body') && message.test(e.message)),
      JSON.stringify(errors),
    );
  };

  test('empty200 with a status, a body with dropConnection or phase "after", an unknown kind', async () => {
    await refused(
      { operation: 'GetFile', status: 500, body: { kind: 'empty200' } },
      /^body "empty200" answers 200 itself, so it cannot go with status$/,
    );
    await refused({ operation: 'GetFile', dropConnection: true, body: { kind: 'truncate', cutBytes: 1 } }, /sends no body to bend/);
    await refused(
      { operation: 'PutFile', phase: 'after', status: 500, body: { kind: 'malformedJson' } },
      /goes with phase "before" or no phase/,
    );
    await refused({ operation: 'GetFile', body: { kind: 'shred' } }, /Expected 'stall' \| 'dribble' \| 'truncate'/);
    await refused({ operation: 'GetFile', body: { kind: 'truncate' } }, /expected number, received undefined/);
    await refused({ operation: 'GetFile', body: { kind: 'stall', ms: 10, extra: 1 } }, /extra/);
    await refused(
      { operation: 'GetFile', body: { kind: 'contentType', value: 'text/html\r\nX-Evil: 1' } },
      /^must be a header value: printable ASCII, no line breaks, not blank$/,
    );
    assert.deepEqual((await h.admin('GET', '/api/faults')).json().faults, []);
  });
});
