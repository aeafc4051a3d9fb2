import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { startHarness, type Harness, type Reply } from '../../test-support/host-fixture.js';
import { headerValues, sendJson, startProxy, startTinyUpstream, type TinyUpstream } from '../../test-support/proxy-fixture.js';
import type { LogEntry } from '../log/entry.js';

/**
 * The reverse proxy over real HTTPS in front of a tiny upstream of the test's own, which answers
 * whatever each test needs and remembers every request exactly as it arrived: one test per
 * rewrite row, per restored header and per header that must pass byte for byte.
 */

let tls: Harness;
let upstream: TinyUpstream;
let proxy: Harness;
let U: string;
let P: string;
/** What the tiny upstream answers next; each test sets it. */
let answer: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>;

before(async () => {
  tls = await startHarness();
  upstream = await startTinyUpstream(tls, (req, res, body) => answer(req, res, body));
  proxy = await startProxy(upstream);
  U = upstream.origin;
  P = proxy.origin;
});
after(async () => {
  await proxy?.close();
  await upstream?.stop();
  await tls?.close();
});

const ok = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '2' });
  res.end('ok');
};

/** The last request the upstream saw, and the proxy's log entry for it. */
function lastSeen() {
  const seen = upstream.seen.at(-1)!;
  return seen;
}
/**
 * Marks the log before an exchange; the function it gives waits for that exchange's entry (written
 * when the server side closes, which may come after the client read its last byte) and returns it.
 */
function since(h: Harness = proxy): () => Promise<LogEntry> {
  const before = h.engine.log.lastSeq;
  return async () => {
    const deadline = Date.now() + 2000;
    while (h.engine.log.lastSeq <= before) {
      if (Date.now() > deadline) throw new Error('the exchange was not logged');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return h.engine.log.list().at(-1)!;
  };
}

/** Writes a request as raw bytes to the proxy (Connection: close) and gives the raw answer. */
function rawExchange(h: Harness, request: Buffer): Promise<{ head: string; headBytes: Buffer; body: Buffer }> {
  const port = Number(new URL(h.origin).port);
  return new Promise((resolve, reject) => {
    // Written, not ended: a client that half-closes is a client that left, to an HTTP server.
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: h.ca }, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      resolve({ head: all.subarray(0, split).toString('latin1'), headBytes: all.subarray(0, split), body: all.subarray(split + 4) });
    });
  });
}

function rawRequest(lines: Array<string | Buffer>, body = Buffer.alloc(0)): Buffer {
  const parts: Buffer[] = [];
  for (const line of lines) parts.push(typeof line === 'string' ? Buffer.from(line, 'latin1') : line, Buffer.from('\r\n'));
  parts.push(Buffer.from('\r\n'), body);
  return Buffer.concat(parts);
}

describe('rewritten upstream → client', () => {
  const fileUrl = () => `${U}/wopi/files/f1?access_token=t%2B1`;
  const moved = () => `${P}/wopi/files/f1?access_token=t%2B1`;

  // One case per row: the request that asks for it, and where the URL sits in the answer.
  const rows: Array<{ row: string; method: string; path: string; headers?: Record<string, string>; body: (url: string) => object }> = [
    { row: 'EcosystemUrl', method: 'GET', path: '/wopibootstrapper', body: (u) => ({ Bootstrap: { EcosystemUrl: u, UserId: 'alice' } }) },
    {
      row: 'ContainerPointer.Url',
      method: 'POST',
      path: '/wopibootstrapper',
      headers: { 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' },
      body: (u) => ({ Bootstrap: { EcosystemUrl: u }, RootContainerInfo: { ContainerPointer: { Name: 'Root', Url: u } } }),
    },
    {
      row: 'ChildContainers[].Url',
      method: 'GET',
      path: '/wopi/containers/c1/children',
      body: (u) => ({ ChildContainers: [{ Name: 'A', Url: u }], ChildFiles: [] }),
    },
    {
      row: 'ChildFiles[].Url',
      method: 'GET',
      path: '/wopi/containers/c1/children',
      body: (u) => ({ ChildContainers: [], ChildFiles: [{ Name: 'a.docx', Url: u }] }),
    },
    {
      row: 'AncestorsWithRootFirst[].Url',
      method: 'GET',
      path: '/wopi/files/f1/ancestry',
      body: (u) => ({ AncestorsWithRootFirst: [{ Name: 'Root', Url: u }] }),
    },
    {
      row: 'Url, HostViewUrl, HostEditUrl of CreateChildFile',
      method: 'POST',
      path: '/wopi/containers/c1',
      headers: { 'x-wopi-override': 'CREATE_CHILD_FILE' },
      body: (u) => ({ Name: 'new.docx', Url: u, HostViewUrl: u, HostEditUrl: u }),
    },
    {
      row: 'Url, HostViewUrl, HostEditUrl of PutRelativeFile',
      method: 'POST',
      path: '/wopi/files/f1',
      headers: { 'x-wopi-override': 'PUT_RELATIVE', 'x-wopi-suggestedtarget': '.docx' },
      body: (u) => ({ Name: 'copy.docx', Url: u, HostViewUrl: u, HostEditUrl: u }),
    },
    { row: "GetEcosystem's Url", method: 'GET', path: '/wopi/files/f1/ecosystem_pointer', body: (u) => ({ Url: u }) },
    { row: "GetFileWopiSrc's Url", method: 'POST', path: '/wopi/ecosystem', body: (u) => ({ Url: u }) },
    {
      row: "CheckFileInfo's FileUrl",
      method: 'GET',
      path: '/wopi/files/f1',
      body: (u) => ({ BaseFileName: 'a.docx', Size: 3, FileUrl: u }),
    },
  ];
  for (const { row, method, path, headers, body } of rows) {
    test(`row ${row}`, async () => {
      answer = (_req, res) => sendJson(res, JSON.stringify(body(fileUrl())));
      const logged = since();
      const reply = await proxy.request(method, path, { headers: headers ?? {} });
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.json(), body(moved()));
      assert.equal(Number(reply.header('content-length')), reply.body.length);
      const entry = await logged();
      assert.match(entry.notes.join('\n'), /moved to this origin/);
      assert.deepEqual(JSON.parse(entry.responseBody!.text), body(moved()), 'the log shows what the client got');
    });
  }

  test('row Location', async () => {
    answer = (_req, res) => {
      res.writeHead(302, { Location: fileUrl(), 'Content-Length': '0' });
      res.end();
    };
    const reply = await proxy.request('GET', '/wopi/files/f1');
    assert.equal(reply.status, 302);
    assert.equal(reply.header('location'), moved());
    answer = (_req, res) => {
      res.writeHead(302, { Location: 'https://localhost/?code=abc&state=x', 'Content-Length': '0' });
      res.end();
    };
    assert.equal(
      (await proxy.request('POST', '/oauth/authorize')).header('location'),
      'https://localhost/?code=abc&state=x',
      'a redirect elsewhere stays',
    );
  });

  test("row the challenge's tokenIssuance_uri (authorization_uri stays: a browser opens it on the real host)", async () => {
    answer = (_req, res) => {
      res.writeHead(401, {
        'WWW-Authenticate': `Bearer authorization_uri="${U}/oauth/authorize",tokenIssuance_uri="${U}/oauth/token",providerId="Tiny"`,
        'Content-Length': '0',
      });
      res.end();
    };
    const reply = await proxy.request('GET', '/wopibootstrapper');
    assert.equal(reply.status, 401);
    assert.equal(
      reply.header('www-authenticate'),
      `Bearer authorization_uri="${U}/oauth/authorize",tokenIssuance_uri="${P}/oauth/token",providerId="Tiny"`,
    );
  });

  test('browser and sharing URLs stay, unless --proxy-rewrite-all', async () => {
    const body = (u: string) => ({ BaseFileName: 'a.docx', HostUrl: `${u}&view`, HostEditUrl: `${u}&edit`, FileUrl: u });
    answer = (_req, res) => sendJson(res, JSON.stringify(body(fileUrl())));
    const kept = await proxy.request('GET', '/wopi/files/f1');
    assert.deepEqual(kept.json(), { ...body(fileUrl()), FileUrl: moved() });
    const share = { ShareUrl: `${U}/share/s1` };
    answer = (_req, res) => sendJson(res, JSON.stringify(share));
    assert.deepEqual((await proxy.request('POST', '/wopi/files/f1', { headers: { 'x-wopi-override': 'GET_SHARE_URL' } })).json(), share);

    const all = await startProxy(upstream, { rewriteAll: true });
    try {
      answer = (_req, res) => sendJson(res, JSON.stringify(body(fileUrl())));
      assert.deepEqual((await all.request('GET', '/wopi/files/f1')).json(), body(`${all.origin}/wopi/files/f1?access_token=t%2B1`));
      answer = (_req, res) => sendJson(res, JSON.stringify(share));
      assert.deepEqual((await all.request('POST', '/wopi/files/f1', { headers: { 'x-wopi-override': 'GET_SHARE_URL' } })).json(), {
        ShareUrl: `${all.origin}/share/s1`,
      });
      answer = (_req, res) => {
        res.writeHead(401, {
          'WWW-Authenticate': `Bearer authorization_uri="${U}/oauth/authorize",tokenIssuance_uri="${U}/oauth/token"`,
          'Content-Length': '0',
        });
        res.end();
      };
      assert.equal(
        (await all.request('GET', '/wopibootstrapper')).header('www-authenticate'),
        `Bearer authorization_uri="${all.origin}/oauth/authorize",tokenIssuance_uri="${all.origin}/oauth/token"`,
      );
    } finally {
      await all.close();
    }
  });

  test('a JSON answer over 1 MiB streams through untouched', async () => {
    const big = JSON.stringify({
      ChildFiles: Array.from({ length: 12_000 }, (_, i) => ({ Name: `f${i}.docx`, Url: `${fileUrl()}&n=${i}` })),
    });
    assert.ok(big.length > 1024 * 1024);
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }); // chunked: the size is only known at the end
      res.end(big);
    };
    const logged = since();
    const reply = await proxy.request('GET', '/wopi/containers/c1/children');
    assert.equal(reply.text, big);
    const entry = await logged();
    assert.match(entry.notes.join('\n'), /over 1048576 bytes: passed without rewriting/);
    assert.equal(entry.responseBody!.size, Buffer.byteLength(big));
    assert.equal(entry.responseBody!.truncated, true);
    assert.equal(entry.responseBody!.sha256, createHash('sha256').update(big).digest('hex'));
  });
});

describe('restored client → upstream', () => {
  test('X-WOPI-WopiSrc naming the proxy reaches the upstream naming the upstream', async () => {
    answer = ok;
    const logged = since();
    await proxy.request('POST', '/wopibootstrapper', {
      headers: { 'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN', 'X-WOPI-WopiSrc': `${P}/wopi/files/f1` },
    });
    assert.deepEqual(headerValues(lastSeen().rawHeaders, 'x-wopi-wopisrc'), [`${U}/wopi/files/f1`]);
    assert.match((await logged()).notes.join('\n'), /restored toward the upstream: X-WOPI-WopiSrc/);
    // Through another name the proxy answers on (its certificate names 127.0.0.1 too).
    await proxy.request('POST', '/wopibootstrapper', {
      headers: {
        'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN',
        'X-WOPI-WopiSrc': `https://127.0.0.1:${new URL(P).port}/wopi/files/f2`,
      },
    });
    assert.deepEqual(headerValues(lastSeen().rawHeaders, 'x-wopi-wopisrc'), [`${U}/wopi/files/f2`]);
  });

  test('another URL-valued WOPI header is restored too; one naming a third host is not', async () => {
    answer = ok;
    await proxy.request('GET', '/wopi/files/f1', {
      headers: { 'X-WOPI-HostUrl': `${P}/wopi/files/f1?x=1`, 'X-WOPI-Elsewhere': 'https://other.test/x' },
    });
    assert.deepEqual(headerValues(lastSeen().rawHeaders, 'x-wopi-hosturl'), [`${U}/wopi/files/f1?x=1`]);
    assert.deepEqual(headerValues(lastSeen().rawHeaders, 'x-wopi-elsewhere'), ['https://other.test/x']);
  });

  test('Host names the upstream; X-Forwarded-For, -Proto and -Host say who asked, and how', async () => {
    answer = ok;
    await proxy.request('GET', '/wopibootstrapper', { headers: { 'X-Forwarded-For': '203.0.113.9' } });
    const raw = lastSeen().rawHeaders;
    assert.deepEqual(headerValues(raw, 'host'), [new URL(U).host]);
    assert.deepEqual(headerValues(raw, 'x-forwarded-for'), ['203.0.113.9, 127.0.0.1']);
    assert.deepEqual(headerValues(raw, 'x-forwarded-proto'), ['https']);
    assert.deepEqual(headerValues(raw, 'x-forwarded-host'), [new URL(P).host]);
  });
});

describe('passed byte for byte', () => {
  test('the raw request target: odd escapes, a + and an encoded slash are never re-encoded', async () => {
    answer = ok;
    const target = '/wopi/files/a%2Fb%7e?access_token=eyJ.a+b%2Fc%3D%3D&access_token_ttl=0&x=%E2%82%AC&&y';
    const logged = since();
    const reply = await rawExchange(proxy, rawRequest([`GET ${target} HTTP/1.1`, `Host: ${new URL(P).host}`, 'Connection: close']));
    assert.match(reply.head, /^HTTP\/1\.1 200/);
    assert.equal(lastSeen().url, target);
    assert.equal((await logged()).url, target);
  });

  test('the access token in the query and in Authorization', async () => {
    answer = ok;
    await proxy.request('GET', '/wopi/files/f1?access_token=tok%2Fen&access_token_ttl=1', {
      headers: { Authorization: 'Bearer  abc.def-ghi_' },
    });
    assert.equal(lastSeen().url, '/wopi/files/f1?access_token=tok%2Fen&access_token_ttl=1');
    assert.deepEqual(headerValues(lastSeen().rawHeaders, 'authorization'), ['Bearer  abc.def-ghi_']);
  });

  const passThrough: Array<[string, string]> = [
    ['X-WOPI-Lock', '{"S":"1a2b","F":4}'],
    ['X-WOPI-OldLock', `https://localhost:1/looks-like-a-url`],
    ['X-WOPI-ItemVersion', 'v 3.1'],
    [
      'X-WOPI-Proof',
      'IflL8OWCOCmws5qnDD5kYMraMGI3o+T+hojoDREbjZSkxbbx7XIS1Av85lohPKjyksocpeVwqEYm9nVWfnq05uhDNGp2MsNyhPO9unZ6w25Rjs1hDFM0dmvYx8wlQBNZ/CFPaz3inCMaaP4PtU85YepaDccAjNc1gikdy3kSMeG1XZuaDixHvMKzF/60DMfLMBIu5xP4Nt8i8Gi2oZs4REuxi6yxOv2vQJQ5+8Wu2Olm8qZvT4FEIQT9oZAXebn/CxyvyQv+RVpoU2gb4BreXAdfKthWF67GpJyhr+ibEVDoIIolUvviycyEtjsaEBpOf6Ne/OLRNu98un7WNDzMTQ==',
    ],
    ['X-WOPI-ProofOld', 'lWBTpWW8q80WC1eJEH5HMnGka4/LUF7zjUPqBwRMO0JzVcnjmY8bu+LaKtcH5ugedzxcAX6Mv7AdJXpkGAAsZA=='],
    ['X-WOPI-TimeStamp', '635655897610773532'],
    ['X-WOPI-SessionContext', 'sc=ctx|1'],
    ['X-Custom-Anything', '  spaced  inside  '],
  ];
  for (const [name, value] of passThrough) {
    test(`${name}`, async () => {
      answer = ok;
      await proxy.request('POST', '/wopi/files/f1', { headers: { 'X-WOPI-Override': 'LOCK', [name]: value } });
      // Node trims the surrounding whitespace of a header value on both sides of the wire.
      assert.deepEqual(headerValues(lastSeen().rawHeaders, name), [value.trim()]);
      assert.equal(
        lastSeen().rawHeaders.find((n) => n.toLowerCase() === name.toLowerCase()),
        name,
        'the name keeps its case',
      );
    });
  }

  test('an empty X-WOPI-Lock, both ways', async () => {
    answer = (_req, res) => {
      res.writeHead(409, ['X-WOPI-Lock', '', 'X-WOPI-LockFailureReason', 'File not locked', 'Content-Length', '0']);
      res.end();
    };
    const reply = await proxy.request('POST', '/wopi/files/f1', { headers: { 'X-WOPI-Override': 'UNLOCK', 'X-WOPI-Lock': '' } });
    assert.deepEqual(headerValues(lastSeen().rawHeaders, 'x-wopi-lock'), ['']);
    assert.equal(reply.status, 409);
    assert.deepEqual(reply.headers['x-wopi-lock'], ['']);
    assert.equal(reply.header('x-wopi-lockfailurereason'), 'File not locked');
  });

  test('response headers: X-WOPI-ItemVersion, repeated and odd-cased headers', async () => {
    answer = (_req, res) => {
      res.writeHead(200, [
        'X-WOPI-ItemVersion',
        '"v7"',
        'set-cookie',
        'a=1',
        'Set-Cookie',
        'b=2',
        'X-Odd-CASE',
        'x',
        'Content-Length',
        '0',
      ]);
      res.end();
    };
    const reply = await rawExchange(
      proxy,
      rawRequest(['GET /wopi/files/f1/contents HTTP/1.1', `Host: ${new URL(P).host}`, 'Connection: close']),
    );
    assert.match(reply.head, /\r\nX-WOPI-ItemVersion: "v7"\r\nset-cookie: a=1\r\nSet-Cookie: b=2\r\nX-Odd-CASE: x\r\n/);
  });

  test('header bytes outside ASCII, and a header sent twice, cross as they came', async () => {
    answer = ok;
    const utf8Lock = Buffer.concat([Buffer.from('X-WOPI-Lock: {"S":"caf'), Buffer.from('é€', 'utf8'), Buffer.from('"}')]);
    await rawExchange(
      proxy,
      rawRequest([
        'POST /wopi/files/f1 HTTP/1.1',
        `Host: ${new URL(P).host}`,
        'X-WOPI-Override: LOCK',
        utf8Lock,
        'X-Twice: one',
        'x-twice: two',
        'Content-Length: 0',
        'Connection: close',
      ]),
    );
    const raw = lastSeen().rawHeaders;
    assert.deepEqual(Buffer.from(headerValues(raw, 'x-wopi-lock')[0]!, 'latin1'), utf8Lock.subarray('X-WOPI-Lock: '.length));
    assert.deepEqual(
      raw.filter((_, i) => i % 2 === 0 && /^x-twice$/i.test(raw[i]!)).map((n, i) => `${n}: ${headerValues(raw, 'x-twice')[i]}`),
      ['X-Twice: one', 'x-twice: two'],
    );
  });

  test('X-WOPI-Proof crossing the proxy is passed and warned about in the log', async () => {
    answer = ok;
    const logged = since();
    await proxy.request('GET', '/wopi/files/f1?access_token=t', {
      headers: { 'X-WOPI-Proof': 'abc', 'X-WOPI-ProofOld': 'def', 'X-WOPI-TimeStamp': '1' },
    });
    assert.deepEqual(headerValues(lastSeen().rawHeaders, 'x-wopi-proof'), ['abc']);
    const note = (await logged()).notes.find((n) => n.includes('X-WOPI-Proof'));
    assert.match(note ?? '', /X-WOPI-Proof and X-WOPI-ProofOld crossed the proxy: proof keys are signed over the URL/);
  });

  test('bodies: a PUT body reaches the upstream byte for byte, and the log keeps its size and SHA-256', async () => {
    answer = ok;
    const body = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    const logged = since();
    await proxy.request('POST', '/wopi/files/f1/contents', { headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'L' }, body });
    assert.deepEqual(lastSeen().body, body);
    const entry = await logged();
    assert.equal(entry.requestBody!.size, body.length);
    assert.equal(entry.requestBody!.truncated, true);
    assert.equal(entry.requestBody!.encoding, 'base64');
    assert.equal(entry.requestBody!.sha256, createHash('sha256').update(body).digest('hex'));
  });

  test('keep-alive to the upstream is pooled: sequential requests share one connection', async () => {
    const sockets = new Set<unknown>();
    answer = (req, res) => {
      sockets.add(req.socket);
      ok(req, res);
    };
    for (let i = 0; i < 8; i++) await proxy.request('GET', '/wopibootstrapper');
    assert.equal(sockets.size, 1);
  });
});

describe('compressed answers', () => {
  const body = () => JSON.stringify({ ChildContainers: [], ChildFiles: [{ Name: 'a.docx', Url: `${U}/wopi/files/f1?access_token=t` }] });
  const expected = () =>
    JSON.stringify({ ChildContainers: [], ChildFiles: [{ Name: 'a.docx', Url: `${P}/wopi/files/f1?access_token=t` }] });
  const codings = {
    gzip: { encode: zlib.gzipSync, decode: zlib.gunzipSync },
    deflate: { encode: zlib.deflateSync, decode: zlib.inflateSync },
    br: { encode: zlib.brotliCompressSync, decode: zlib.brotliDecompressSync },
  };
  for (const [coding, { encode, decode }] of Object.entries(codings)) {
    test(`a ${coding} JSON answer is decoded, rewritten and sent ${coding}-encoded with a correct Content-Length`, async () => {
      answer = (req, res) => {
        assert.match(String(req.headers['accept-encoding']), new RegExp(coding), 'Accept-Encoding passes');
        const encoded = encode(Buffer.from(body()));
        res.writeHead(200, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Encoding': coding,
          'Content-Length': String(encoded.length),
        });
        res.end(encoded);
      };
      const logged = since();
      const reply = await proxy.request('GET', '/wopi/containers/c1/children', { headers: { 'Accept-Encoding': `${coding}` } });
      assert.equal(reply.header('content-encoding'), coding);
      assert.equal(Number(reply.header('content-length')), reply.body.length);
      assert.equal(decode(reply.body).toString(), expected());
      const entry = await logged();
      assert.equal(entry.responseBody!.text, expected(), 'the log shows the body decoded');
      assert.equal(entry.responseBody!.size, reply.body.length);
      assert.match(entry.notes.join('\n'), new RegExp(`response body ${coding}-encoded`));
    });
  }

  test('a gzip JSON answer with nothing to rewrite reaches the client byte for byte', async () => {
    const encoded = zlib.gzipSync(Buffer.from('{"BaseFileName":"a.docx","Size":3}'), { level: 1 });
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': String(encoded.length) });
      res.end(encoded);
    };
    const reply = await proxy.request('GET', '/wopi/files/f1', { headers: { 'Accept-Encoding': 'gzip' } });
    assert.deepEqual(reply.body, encoded);
  });

  test('a gzip download streams through untouched; the log shows its start decoded', async () => {
    const content = Buffer.from('The quick brown fox. '.repeat(20_000));
    const encoded = zlib.gzipSync(content);
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' });
      res.end(encoded);
    };
    const logged = since();
    const reply = await proxy.request('GET', '/wopi/files/f1/contents', { headers: { 'Accept-Encoding': 'gzip' } });
    assert.deepEqual(reply.body, encoded);
    const entry = await logged();
    assert.equal(entry.responseBody!.size, encoded.length);
    assert.ok(entry.responseBody!.text.startsWith('The quick brown fox. The quick'), entry.responseBody!.text.slice(0, 50));
    assert.equal(entry.responseBody!.sha256, createHash('sha256').update(encoded).digest('hex'));
  });
});

describe('when the upstream fails', () => {
  test('upstream down: 502 naming the refusal, a log note, and the proxy keeps serving', async () => {
    answer = ok;
    await upstream.stop();
    let reply: Reply;
    const logged = since();
    try {
      reply = await proxy.request('GET', '/wopibootstrapper');
    } finally {
      await upstream.restart();
    }
    assert.equal(reply.status, 502);
    assert.match(
      reply.header('x-wopi-servererror')!,
      /^reverse proxy: upstream https:\/\/localhost:\d+ refused the connection \(ECONNREFUSED\)/,
    );
    const entry = await logged();
    assert.equal(entry.status, 502);
    assert.match(entry.notes.join('\n'), /refused the connection \(ECONNREFUSED\)/);
    assert.equal((await proxy.request('GET', '/wopibootstrapper')).status, 200, 'serving again once the upstream is back');
  });

  test('slow upstream: 504 naming the timeout, and the proxy keeps serving', async () => {
    const quick = await startProxy(upstream, { timeoutMs: 300 });
    try {
      answer = (req, res) => {
        const timer = setTimeout(() => ok(req, res), 3000);
        res.on('close', () => clearTimeout(timer));
      };
      const started = performance.now();
      const logged = since(quick);
      const reply = await quick.request('GET', '/wopibootstrapper');
      assert.equal(reply.status, 504);
      assert.ok(performance.now() - started < 2500, 'answered at the timeout, not when the upstream got round to it');
      assert.match(reply.header('x-wopi-servererror')!, /did not answer within 300 ms/);
      assert.match((await logged()).notes.join('\n'), /did not answer within 300 ms/);
      answer = ok;
      assert.equal((await quick.request('GET', '/wopibootstrapper')).status, 200);
      assert.equal((await quick.admin('GET', '/api/status')).json().proxy.failed, 1);
    } finally {
      await quick.close();
    }
  });

  test('an upstream certificate the proxy does not trust: 502 naming it; --insecure-upstream goes on and says so on every entry', async () => {
    const strict = await startProxy(upstream, { ca: undefined });
    const insecure = await startProxy(upstream, { ca: undefined, insecure: true });
    try {
      answer = ok;
      const refused = await strict.request('GET', '/wopibootstrapper');
      assert.equal(refused.status, 502);
      assert.match(refused.header('x-wopi-servererror')!, /certificate this proxy does not trust .*--upstream-ca/);
      assert.equal((await insecure.request('GET', '/wopibootstrapper')).status, 200);
      assert.equal((await insecure.request('GET', '/wopi/files/f1')).status, 200);
      for (const entry of insecure.engine.log.list())
        assert.ok(entry.notes.some((n) => n.startsWith('upstream TLS not verified (--insecure-upstream)')));
      assert.equal((await insecure.admin('GET', '/api/status')).json().proxy.insecure, true);
    } finally {
      await Promise.all([strict.close(), insecure.close()]);
    }
  });

  test('an upstream that dies in the middle of a JSON answer (still buffered): 502, and the log says so', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '5000' });
      res.write('{"ChildFiles": [');
      setTimeout(() => res.destroy(), 50);
    };
    const logged = since();
    const reply = await proxy.request('GET', '/wopi/containers/c1/children');
    assert.equal(reply.status, 502);
    assert.match(reply.header('x-wopi-servererror')!, /closed the connection/);
    assert.match((await logged()).notes.join('\n'), /the upstream closed the connection before its answer was complete/);
  });

  test('an upstream that dies mid-answer: the client sees the cut, the log says so', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '100000' });
      res.write(Buffer.alloc(1000));
      setTimeout(() => res.destroy(), 50);
    };
    const logged = since();
    await assert.rejects(proxy.request('GET', '/wopi/files/f1/contents'));
    const entry = await logged();
    assert.equal(entry.aborted, true);
    assert.match(entry.notes.join('\n'), /the upstream closed the connection before its answer was complete/);
    answer = ok;
    assert.equal((await proxy.request('GET', '/wopibootstrapper')).status, 200);
  });
});
