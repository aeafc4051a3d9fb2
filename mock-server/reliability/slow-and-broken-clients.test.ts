import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { connect as netConnect } from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';
import { checkAsync } from '../../test-support/fuzz.js';
import { grantsFor, type Grants } from '../../test-support/tokens.js';
import {
  eventually,
  openAdminSocket,
  openDescriptors,
  openTls,
  rawExchange,
  whenClosed,
  wireTo,
  type Wire,
} from '../../test-support/wire.js';

/**
 * Clients that go away halfway or take forever. A download or an upload cut short leaves the
 * host serving, its state unchanged, its log honest and no descriptor behind; a slowloris
 * client is cut off by the server timeouts (shortened here through EngineOptions.timeouts).
 */

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('clients that disconnect halfway', () => {
  let h: Harness;
  let wire: Wire;
  let alice: Grants;
  let big: Buffer;
  let bigId: string;
  let bigToken: string;
  before(async () => {
    h = await startHarness();
    wire = wireTo(h);
    alice = await grantsFor(h, 'alice');
    big = Buffer.alloc(24 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((i * 2654435761) >>> 0, i);
    const uploaded = await wire.admin('PUT', `/api/users/alice/containers/${alice.rootId}/files?name=big.bin`, {
      headers: { 'content-type': 'application/octet-stream' },
      body: big,
    });
    assert.equal(uploaded.status, 201, uploaded.text);
    bigId = uploaded.json().id;
    const granted = await wire.wopi('POST', '/wopibootstrapper', {
      headers: {
        authorization: `Bearer ${alice.access}`,
        'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN',
        'x-wopi-wopisrc': `${h.origin}/wopi/files/${bigId}`,
      },
    });
    bigToken = granted.json().AccessTokenInfo.AccessToken;
  });
  after(async () => {
    wire.close();
    await h.close();
  });

  /** Starts a GetFile of the big file and destroys the connection after `keep` bytes. */
  function abortedDownload(keep: number): Promise<number> {
    const url = new URL(h.origin);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: Number(url.port),
          servername: url.hostname,
          ca: h.ca,
          agent: false,
          path: `/wopi/files/${bigId}/contents?access_token=${bigToken}`,
        },
        (res) => {
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received >= keep) {
              req.destroy();
              resolve(received);
            }
          });
          res.on('error', () => {});
          res.on('end', () => resolve(received));
        },
      );
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      req.end();
    });
  }

  test('mid-download: the host goes on serving the exact bytes, logs the abort honestly, and leaks no descriptor', async (t) => {
    await abortedDownload(1); // warm up whatever the first download opens once
    await new Promise((r) => setTimeout(r, 200));
    const baseline = openDescriptors();
    await checkAsync(
      t,
      [fc.integer({ min: 1, max: big.length - 1024 * 1024 })],
      async (keep) => {
        const before = h.engine.log.lastSeq;
        const received = await abortedDownload(keep);
        assert.ok(received < big.length);
        const entry = await eventually(
          () => h.engine.log.find(before + 1),
          (e) => e !== undefined,
        );
        assert.ok(entry, 'the aborted download is logged');
        assert.deepEqual([entry.operation, entry.status, entry.aborted], ['GetFile', 200, true]);
        await eventually(
          () => entry.notes.length,
          (n) => n > 0,
        );
        assert.deepEqual(entry.notes, ['the client closed the connection before the exchange was complete']);
      },
      { weight: 0.15, examples: [[1], [65_536], [big.length - 1024 * 1024]] },
    );
    const settled = await eventually(openDescriptors, (n) => n <= baseline);
    assert.ok(settled <= baseline, `descriptors: ${settled} after the aborted downloads, ${baseline} before`);
    const full = await wire.wopi('GET', `/wopi/files/${bigId}/contents?access_token=${bigToken}`);
    assert.equal(full.status, 200);
    assert.equal(sha256(full.body), sha256(big));
  });

  /** Sends headers announcing `length` bytes, then `sent` of them, then drops the connection. */
  function abortedUpload(target: 'token' | 'admin', length: number, sent: number): Promise<void> {
    const body = Buffer.alloc(sent, target === 'token' ? 'a' : ' ');
    return new Promise((resolve) => {
      const options = {
        method: target === 'token' ? 'POST' : 'PUT',
        agent: false as const,
        headers: {
          'content-length': String(length),
          'content-type': target === 'token' ? 'application/x-www-form-urlencoded' : 'application/json',
        },
      };
      const req =
        target === 'token'
          ? httpsRequest({
              ...options,
              host: '127.0.0.1',
              port: Number(new URL(h.origin).port),
              servername: 'localhost',
              ca: h.ca,
              path: '/oauth/token',
              headers: { ...options.headers, host: new URL(h.origin).host },
            })
          : httpRequest({
              ...options,
              host: '127.0.0.1',
              port: Number(new URL(h.engine.urls.adminUrl).port),
              path: '/api/config',
              headers: { ...options.headers, authorization: `Bearer ${h.engine.urls.adminToken}` },
            });
      req.on('error', () => resolve());
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.write(body, () =>
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 20),
      );
    });
  }

  test('mid-body on the token endpoint and the admin API: nothing applied, the abort logged, the host serving', async (t) => {
    const stateFile = path.join(h.dataDir, 'state.json');
    await h.engine.store.flush();
    const config = (await wire.admin('GET', '/api/config')).text;
    const state = await readFile(stateFile, 'utf8');
    await checkAsync(
      t,
      [
        fc.constantFrom('token' as const, 'admin' as const),
        fc.integer({ min: 2, max: 60_000 }).chain((length) => fc.tuple(fc.constant(length), fc.integer({ min: 0, max: length - 1 }))),
      ],
      async (target, [length, sent]) => {
        const before = h.engine.log.lastSeq;
        await abortedUpload(target, length, sent);
        if (target === 'token') {
          const entry = await eventually(
            () => h.engine.log.find(before + 1),
            (e) => e !== undefined,
          );
          assert.ok(entry);
          assert.deepEqual([entry.operation, entry.aborted], ['Token', true]);
        }
        assert.equal((await wire.admin('GET', '/api/config')).text, config);
      },
      { weight: 0.3 },
    );
    await h.engine.store.flush();
    assert.equal(await readFile(stateFile, 'utf8'), state, 'state.json untouched');
    assert.equal((await wire.wopi('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${alice.access}` } })).status, 200);
  });
});

describe('slow clients against short server timeouts', () => {
  const timeouts = { handshakeMs: 800, headersMs: 800, requestMs: 1600, keepAliveMs: 600, checkIntervalMs: 100 };
  // Node checks header and request timeouts every checkIntervalMs; allow that and some scheduling slack.
  const slack = timeouts.checkIntervalMs + 700;
  let h: Harness;
  before(async () => {
    h = await startHarness({ timeouts });
  });
  after(async () => {
    await h.close();
  });

  /** Writes one byte every `everyMs` until the socket closes; resolves with how long it stayed open. */
  function trickle(
    socket: import('node:net').Socket,
    start: string,
    everyMs: number,
    filler = 'x',
  ): Promise<{ ms: number; answer: string }> {
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.write(start);
    const timer = setInterval(() => !socket.destroyed && socket.write(filler), everyMs);
    return whenClosed(socket).then((ms) => {
      clearInterval(timer);
      return { ms, answer };
    });
  }

  test('headers a byte at a time (slowloris), on the WOPI origin and the admin API: 408 and closed after headersMs', async () => {
    const wopi = trickle(await openTls(h), 'GET /wopibootstrapper HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 100);
    const admin = trickle(await openAdminSocket(h), `GET /api/config HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `, 100);
    for (const [name, outcome] of [
      ['WOPI', await wopi],
      ['admin', await admin],
    ] as const) {
      assert.ok(
        outcome.ms >= timeouts.headersMs - 50 && outcome.ms <= timeouts.headersMs + slack,
        `${name}: closed after ${outcome.ms} ms`,
      );
      assert.match(outcome.answer, /^HTTP\/1\.1 408 Request Timeout\r\n/, name);
    }
  });

  test('a body a byte at a time: 408 and closed after requestMs', async () => {
    const outcome = await trickle(
      await openTls(h),
      'POST /oauth/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n',
      100,
      'a',
    );
    assert.ok(outcome.ms >= timeouts.requestMs - 50 && outcome.ms <= timeouts.requestMs + slack, `closed after ${outcome.ms} ms`);
    assert.match(outcome.answer, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  test('a connection that never starts TLS is closed after handshakeMs', async () => {
    const socket = netConnect({ host: '127.0.0.1', port: Number(new URL(h.origin).port) });
    await new Promise((r) => socket.once('connect', r));
    const ms = await whenClosed(socket);
    assert.ok(ms >= timeouts.handshakeMs - 50 && ms <= timeouts.handshakeMs + slack, `closed after ${ms} ms`);
  });

  test('an idle kept-alive connection is closed after keepAliveMs', async () => {
    const socket = await openTls(h);
    const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write('GET /ca.crt HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await answered;
    const ms = await whenClosed(socket);
    // Node keeps an idle socket one second past keepAliveTimeout, so a client racing it does not lose a request.
    assert.ok(ms >= timeouts.keepAliveMs && ms <= timeouts.keepAliveMs + 1000 + slack, `closed after ${ms} ms`);
  });

  test('fifty slowloris connections do not hold up anyone else, and each is cut off in turn', async () => {
    const sockets = await Promise.all(Array.from({ length: 50 }, () => openTls(h)));
    const slow = sockets.map((socket) => trickle(socket, 'GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 100));
    const wire = wireTo(h);
    try {
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        const reply = await wire.wopi('GET', '/wopibootstrapper');
        assert.equal(reply.status, 401);
        assert.ok(performance.now() - started < 500, `request ${i} took ${performance.now() - started} ms`);
      }
    } finally {
      wire.close();
    }
    for (const outcome of await Promise.all(slow)) assert.match(outcome.answer, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  test('a request line with garbage, random bytes or a bare TLS record: a 400 or a closed socket, and the host answers the next client', async (t) => {
    const wire = wireTo(h);
    try {
      await checkAsync(
        t,
        [
          fc.oneof(
            fc.uint8Array({ minLength: 1, maxLength: 400 }).map((a) => Buffer.from(a)),
            fc.string({ maxLength: 200 }).map((s) => Buffer.from(`${s}\r\n\r\n`, 'latin1')),
            fc.constantFrom(
              Buffer.from('GET / HTTP/9.9\r\n\r\n'),
              Buffer.from('GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n'),
              Buffer.from('\x16\x03\x01\x00\x05hello'),
            ),
          ),
        ],
        async (bytes) => {
          const { text } = await rawExchange(await openTls(h), bytes, 3000);
          const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
          assert.ok(status === undefined || Number(status) < 500, `${status} for ${JSON.stringify(bytes.toString('latin1').slice(0, 60))}`);
          assert.equal((await wire.wopi('GET', '/ca.crt')).status, 200);
        },
        { weight: 0.3 },
      );
    } finally {
      wire.close();
    }
  });
});
