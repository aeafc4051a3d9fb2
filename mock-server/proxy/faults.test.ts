import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { addFault, startHarness, type Harness } from '../../test-support/host-fixture.js';
import { openTls, rawExchange } from '../../test-support/wire.js';
import { sendJson, startProxy, startTinyUpstream, type TinyUpstream } from '../../test-support/proxy-fixture.js';
import type { LogEntry } from '../log/entry.js';

/**
 * Fault rules on real traffic, one test per phase: "before" answers without forwarding, "after"
 * lets the upstream commit and then fails the answer, "mutate" patches the upstream's JSON. The
 * upstream is a tiny server of the test's own, so what reached it is known exactly.
 */

let tls: Harness;
let upstream: TinyUpstream;
let proxy: Harness;
let answer: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

before(async () => {
  tls = await startHarness();
  upstream = await startTinyUpstream(tls, (req, res, body) => answer(req, res, body));
  proxy = await startProxy(upstream);
});
after(async () => {
  await proxy?.close();
  await upstream?.stop();
  await tls?.close();
});
afterEach(async () => {
  assert.equal((await proxy.admin('DELETE', '/api/faults')).status, 200);
});

const addFaultId = async (rule: Record<string, unknown>) => (await addFault(proxy, rule)).id;

const tokenAnswer = (_req: IncomingMessage, res: ServerResponse) => sendJson(res, '{"AccessToken":"t","AccessTokenExpiry":1796297468}');

const getNewAccessToken = () =>
  proxy.request('POST', '/wopibootstrapper', {
    headers: { authorization: 'Bearer abc', 'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN' },
  });
const putFile = (content: string) =>
  proxy.request('POST', '/wopi/files/f1/contents?access_token=t', {
    headers: { 'x-wopi-override': 'PUT', 'x-wopi-lock': 'L' },
    body: content,
  });

/** The proxy's log entry for the exchange that starts after this call, once it is written. */
function nextEntry(): () => Promise<LogEntry> {
  const seq = proxy.engine.log.lastSeq;
  return async () => {
    const deadline = Date.now() + 2000;
    while (proxy.engine.log.lastSeq <= seq) {
      if (Date.now() > deadline) throw new Error('the exchange was not logged');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return proxy.engine.log.list().at(-1)!;
  };
}

describe('phase "before"', () => {
  test('a forced 503 with Retry-After is answered by the proxy: the upstream never hears of it; the count runs out and traffic flows again', async () => {
    answer = tokenAnswer;
    const id = await addFaultId({ operation: 'GetNewAccessToken', status: 503, retryAfter: 120, remaining: 1 });
    const seen = upstream.seen.length;
    const entry = nextEntry();
    const refused = await getNewAccessToken();
    assert.equal(refused.status, 503);
    assert.equal(refused.header('retry-after'), '120');
    assert.match(refused.header('x-wopi-servererror')!, new RegExp(`^forced by fault rule ${id}: `));
    assert.equal(upstream.seen.length, seen, 'nothing was forwarded');
    const logged = await entry();
    assert.equal(logged.faultId, id);
    assert.equal(logged.status, 503);
    assert.ok(
      logged.notes.some((n) => n.startsWith(`fault rule ${id}: `)),
      logged.notes.join('\n'),
    );

    const passed = await getNewAccessToken();
    assert.equal(passed.status, 200);
    assert.equal(passed.json().AccessTokenExpiry, 1796297468);
    assert.equal(upstream.seen.length, seen + 1);
  });

  test('dropConnection cuts the client off before anything is forwarded; a delay alone forwards after waiting', async () => {
    answer = tokenAnswer;
    await addFaultId({ operation: 'GetNewAccessToken', dropConnection: true, remaining: 1 });
    const seen = upstream.seen.length;
    await assert.rejects(getNewAccessToken(), (error: NodeJS.ErrnoException) =>
      ['ECONNRESET', 'socket hang up'].some((s) => `${error.code} ${error.message}`.includes(s)),
    );
    assert.equal(upstream.seen.length, seen);

    await addFaultId({ operation: 'GetNewAccessToken', delayMs: 300, remaining: 1 });
    const started = performance.now();
    const slow = await getNewAccessToken();
    assert.equal(slow.status, 200);
    assert.ok(performance.now() - started >= 290, 'the rule waited before forwarding');
    assert.equal(upstream.seen.length, seen + 1);
  });

  test("a rule with a userId fires for the user the request's token names (bearer or query), and leaves others alone", async () => {
    answer = tokenAnswer;
    const alice = (await tls.signIn('alice')).access_token;
    const bob = (await tls.signIn('bob')).access_token;
    const id = await addFaultId({ operation: '*', userId: 'alice', status: 503, remaining: 2 });
    const seen = upstream.seen.length;
    const bootstrap = (token?: string) =>
      proxy.request('GET', '/wopibootstrapper', token ? { headers: { authorization: `Bearer ${token}` } } : {});

    assert.equal((await bootstrap(bob)).status, 200, "bob's request is forwarded");
    assert.equal((await bootstrap()).status, 200, 'so is one without a token');
    assert.equal(upstream.seen.length, seen + 2);
    const entry = nextEntry();
    const refused = await bootstrap(alice);
    assert.equal(refused.status, 503);
    assert.equal((await entry()).faultId, id);
    assert.equal((await proxy.request('GET', `/wopi/files/f1?access_token=${alice}`)).status, 503, 'a token in the query names her too');
    assert.equal(upstream.seen.length, seen + 2, 'neither of hers was forwarded');
    assert.equal((await bootstrap(alice)).status, 200, 'the count ran out');
  });

  test('a rule for another operation or method leaves proxied traffic alone', async () => {
    answer = tokenAnswer;
    await addFaultId({ operation: 'PutFile', status: 500 });
    await addFaultId({ operation: 'GetNewAccessToken', method: 'GET', status: 500 });
    assert.equal((await getNewAccessToken()).status, 200);
  });
});

describe('phase "after" (commit-then-fail)', () => {
  test('PutFile reaches the upstream with its body and commits; the client gets the 500, and the log names the answer it never saw', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'X-WOPI-ItemVersion': '7', 'Content-Length': '0' });
      res.end();
    };
    const id = await addFaultId({ operation: 'PutFile', phase: 'after', status: 500, remaining: 1 });
    const entry = nextEntry();
    const failed = await putFile('new content');
    assert.equal(failed.status, 500);
    assert.equal(failed.header('x-wopi-itemversion'), undefined, 'nothing of the upstream answer reaches the client');
    assert.equal(upstream.seen.at(-1)!.body.toString(), 'new content');
    const logged = await entry();
    assert.equal(logged.faultId, id);
    assert.ok(
      logged.notes.includes(`fault rule ${id}: the change was committed (PutFile answered 200), then answered 500 instead`),
      logged.notes.join('\n'),
    );

    const next = await putFile('again');
    assert.deepEqual([next.status, next.header('x-wopi-itemversion')], [200, '7']);
  });

  test('with dropConnection the upstream commits and the client loses the connection', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Length': '0' });
      res.end();
    };
    const id = await addFaultId({ operation: 'PutFile', phase: 'after', dropConnection: true, remaining: 1 });
    const seen = upstream.seen.length;
    const entry = nextEntry();
    await assert.rejects(putFile('committed anyway'));
    assert.equal(upstream.seen.length, seen + 1);
    assert.equal(upstream.seen.at(-1)!.body.toString(), 'committed anyway');
    const logged = await entry();
    assert.ok(
      logged.notes.includes(`fault rule ${id}: the change was committed (PutFile answered 200), then dropped the connection`),
      logged.notes.join('\n'),
    );
  });
});

describe('phase "mutate"', () => {
  test('AccessTokenExpiry times 1000 (the milliseconds bug): the client gets the patched JSON with a Content-Length that fits', async () => {
    answer = tokenAnswer;
    const id = await addFaultId({
      operation: 'GetNewAccessToken',
      phase: 'mutate',
      patch: [{ op: 'multiply', path: '/AccessTokenExpiry', value: 1000 }],
    });
    const entry = nextEntry();
    const reply = await getNewAccessToken();
    assert.equal(reply.status, 200);
    assert.equal(reply.text, '{"AccessToken":"t","AccessTokenExpiry":1796297468000}');
    assert.equal(reply.header('content-length'), String(reply.body.length));
    const logged = await entry();
    assert.equal(logged.faultId, id);
    assert.ok(logged.notes.includes(`fault rule ${id}: patched the JSON answer (multiply /AccessTokenExpiry)`), logged.notes.join('\n'));
  });

  test('a gzip answer is decoded, patched and sent gzip again; child URLs lose their access_token through "*"', async () => {
    const json = JSON.stringify({
      ChildFiles: [
        { Name: 'a.docx', Url: `${upstream.origin}/wopi/files/a?access_token=x` },
        { Name: 'b.docx', Url: `${upstream.origin}/wopi/files/b?access_token=y&v=1` },
      ],
      ChildContainers: [],
    });
    answer = (_req, res) => {
      const encoded = zlib.gzipSync(Buffer.from(json));
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': String(encoded.length) });
      res.end(encoded);
    };
    await addFaultId({
      operation: 'EnumerateChildren',
      phase: 'mutate',
      patch: [{ op: 'stripQuery', path: '/ChildFiles/*/Url', value: 'access_token' }],
    });
    const reply = await proxy.request('GET', '/wopi/containers/c1/children?access_token=t', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(reply.header('content-encoding'), 'gzip');
    assert.equal(reply.header('content-length'), String(reply.body.length));
    const children = JSON.parse(zlib.gunzipSync(reply.body).toString());
    assert.deepEqual(
      children.ChildFiles.map((f: { Url: string }) => f.Url),
      [`${proxy.origin}/wopi/files/a`, `${proxy.origin}/wopi/files/b?v=1`],
    );
  });

  test('a patch that cannot apply, or an answer that is not JSON, passes as it came, and the log says why', async () => {
    answer = tokenAnswer;
    const id = await addFaultId({ operation: 'GetNewAccessToken', phase: 'mutate', patch: [{ op: 'remove', path: '/Missing' }] });
    let entry = nextEntry();
    assert.equal((await getNewAccessToken()).text, '{"AccessToken":"t","AccessTokenExpiry":1796297468}');
    assert.ok(
      (await entry()).notes.includes(
        `fault rule ${id}: patch not applied, operation 0 (remove /Missing): /Missing does not exist; the answer passed as it came`,
      ),
    );

    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '5' });
      res.end('plain');
    };
    entry = nextEntry();
    assert.equal((await getNewAccessToken()).text, 'plain');
    assert.ok((await entry()).notes.some((n) => n.startsWith(`fault rule ${id}: patch not applied, the answer is not JSON`)));
  });
});

describe('body actions on proxied answers', () => {
  const file = Buffer.alloc(1000, 'x');
  const fileAnswer = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(file.length) });
    res.end(file);
  };
  const rawGetFile = async () => {
    const socket = await openTls(proxy);
    const host = new URL(proxy.origin).host;
    return rawExchange(socket, `GET /wopi/files/f1/contents?access_token=t HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  };

  test("truncate: the upstream's GetFile goes out with its Content-Length and all but cutBytes of its body, then the connection closes", async () => {
    answer = fileAnswer;
    const id = await addFaultId({ operation: 'GetFile', body: { kind: 'truncate', cutBytes: 400 }, remaining: 1 });
    const entry = nextEntry();
    const { text, closedBy } = await rawGetFile();
    assert.equal(closedBy, 'server');
    const [head, body] = [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)];
    assert.match(head, /^HTTP\/1\.1 200 /);
    assert.match(head, /\r\ncontent-length: 1000\r\n/i);
    assert.equal(body.length, 600, 'exactly Content-Length minus cutBytes');
    const logged = await entry();
    assert.equal(logged.faultId, id);
    assert.ok(
      logged.notes.some((n) => n === `fault rule ${id}: truncated the body: sent 600 of 1000 bytes, then closed`),
      logged.notes.join('\n'),
    );
    const whole = await rawGetFile();
    assert.equal(whole.text.slice(whole.text.indexOf('\r\n\r\n') + 4).length, 1000, 'the count ran out: whole again');
  });

  test("contentType: the upstream's JSON, its URLs moved to this origin, goes out under the rule's Content-Type", async () => {
    answer = (_req, res) => sendJson(res, `{"Bootstrap":{"EcosystemUrl":"${upstream.origin}/wopi/ecosystem?access_token=t"}}`);
    const id = await addFaultId({ operation: 'GetNewAccessToken', body: { kind: 'contentType', value: 'text/plain' }, remaining: 1 });
    const entry = nextEntry();
    const reply = await getNewAccessToken();
    assert.equal(reply.status, 200);
    assert.equal(reply.header('content-type'), 'text/plain');
    assert.equal(reply.text, `{"Bootstrap":{"EcosystemUrl":"${proxy.origin}/wopi/ecosystem?access_token=t"}}`, 'rewritten, then re-typed');
    assert.equal(reply.header('content-length'), String(Buffer.byteLength(reply.text)));
    const logged = await entry();
    assert.ok(
      logged.notes.some((n) => n.startsWith(`fault rule ${id}: sent the body under Content-Type text/plain`)),
      logged.notes.join('\n'),
    );
  });

  test('a forced 503 is cut short too, without forwarding', async () => {
    answer = fileAnswer;
    await addFaultId({ operation: 'GetFile', status: 503, body: { kind: 'truncate', cutBytes: 5 }, remaining: 1 });
    const seen = upstream.seen.length;
    const { text } = await rawGetFile();
    assert.match(text, /^HTTP\/1\.1 503 /);
    const declared = Number(/\r\ncontent-length: (\d+)\r\n/i.exec(text)?.[1]);
    assert.equal(text.slice(text.indexOf('\r\n\r\n') + 4).length, declared - 5);
    assert.equal(upstream.seen.length, seen, 'not forwarded');
  });
});
