import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ExecFileException } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { addFault, startHarness, type Harness } from '../../test-support/host-fixture.js';
import { connectThrough, readToEnd, requestThrough, tlsInside, tlsWithoutWaiting } from '../../test-support/forward-proxy-client.js';
import { startTinyUpstream } from '../../test-support/proxy-fixture.js';
import { insecureNote } from './exchange.js';
import type { LogEntry } from '../log/entry.js';
import { specWarnings } from '../analysis/spec-check.js';

/**
 * The forward proxy over real sockets: a phone-like client CONNECTs through it to an intercepted
 * name that the resolve override points at a second engine on loopback (the real host, here), or
 * to a name it only tunnels. Everything on port 0.
 */

const realName = 'wopi.example.test';
let upstream: Harness;
let proxy: Harness;
let proxyPort: number;
let upstreamPort: number;
let closedPort: number;
let dir: string;

/** A port nothing listens on: bound once, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-forward-'));
  // The real host: its certificate names wopi.example.test (its public host) and chains to its own CA.
  upstream = await startHarness({ publicHost: realName });
  upstreamPort = Number(new URL(upstream.origin).port);
  closedPort = await freePort();
  proxy = await startHarness({
    forwardProxy: {
      port: 0,
      intercept: ['*.example.test'],
      resolve: [`${realName}:${upstreamPort}:127.0.0.1`, `down.example.test:${closedPort}:127.0.0.1`],
      upstreamCa: upstream.ca,
    },
  });
  proxyPort = proxy.engine.status().forwardProxy!.port;
});
after(async () => {
  await proxy?.close();
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Waits for the next log entry after `before`: entries are written when the server side closes. */
async function entryAfter(h: Harness, before: number): Promise<LogEntry> {
  const deadline = Date.now() + 3000;
  while (h.engine.log.lastSeq <= before) {
    if (Date.now() > deadline) throw new Error('the exchange was not logged');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return h.engine.log.list().at(-1)!;
}

function headerValues(entry: LogEntry, name: string): string[] {
  return entry.requestHeaders.filter((line) => line.name.toLowerCase() === name).map((line) => line.value);
}

function issuerFingerprintMatches(certificate: { raw: Buffer }, caPem: string): boolean {
  return new X509Certificate(certificate.raw).checkIssued(new X509Certificate(caPem));
}

describe('an intercepted name', () => {
  test("is decrypted with a leaf for the name from the engine's CA, forwarded to the real host and logged", async () => {
    const mark = proxy.engine.log.lastSeq;
    const upstreamMark = upstream.engine.log.lastSeq;
    const reply = await requestThrough(proxyPort, `https://${realName}:${upstreamPort}/wopibootstrapper`, proxy.ca);

    // The leaf verified against the proxy engine's CA for this very name (tls.connect checked the name).
    assert.ok(issuerFingerprintMatches(reply.peerCertificate, proxy.ca), "the leaf is signed by the proxy engine's CA");
    assert.ok(!issuerFingerprintMatches(reply.peerCertificate, upstream.ca), "not the real host's own certificate");
    assert.equal(reply.peerCertificate.subjectaltname, `DNS:${realName}`);

    // The real host's own challenge, untouched: nothing is rewritten in forward mode.
    assert.equal(reply.status, 401);
    assert.equal(
      reply.headers['www-authenticate'],
      `Bearer authorization_uri="${upstream.origin}/oauth/authorize",tokenIssuance_uri="${upstream.origin}/oauth/token",providerId="WopiMockHost"`,
    );
    const seenUpstream = await entryAfter(upstream, upstreamMark);
    assert.equal(seenUpstream.operation, 'Bootstrap', 'the real host answered it');
    assert.deepEqual(headerValues(seenUpstream, 'host'), [`${realName}:${upstreamPort}`], 'Host kept as the client sent it');
    assert.deepEqual(headerValues(seenUpstream, 'x-forwarded-for'), [], 'nothing added');

    const entry = await entryAfter(proxy, mark);
    assert.equal(entry.source, 'proxy');
    assert.equal(entry.operation, 'Bootstrap');
    assert.equal(entry.method, 'GET');
    assert.equal(entry.url, '/wopibootstrapper');
    assert.equal(entry.status, 401);
    assert.equal(entry.upstream, `https://${realName}:${upstreamPort}`);
    assert.equal(typeof entry.upstreamTtfbMs, 'number');
    assert.ok(entry.upstreamTtfbMs! >= 0 && entry.upstreamTtfbMs! <= entry.durationMs);
    // Spec-checked like every entry: the mock's challenge is clean.
    assert.deepEqual(specWarnings(entry), []);
  });

  test('answers several requests on one kept-alive tunnel, and reuses the cached leaf', async () => {
    const tunnel = await connectThrough(proxyPort, `${realName}:${upstreamPort}`);
    assert.equal(tunnel.statusLine, 'HTTP/1.1 200 Connection Established');
    tunnel.socket.resume();
    const secure = await tlsInside(tunnel.socket, realName, proxy.ca);
    const answers: string[] = [];
    secure.on('data', (chunk: Buffer) => answers.push(chunk.toString('latin1')));
    const request = `GET /wopibootstrapper HTTP/1.1\r\nHost: ${realName}:${upstreamPort}\r\n\r\n`;
    secure.write(request + request);
    const deadline = Date.now() + 3000;
    while ((answers.join('').match(/HTTP\/1\.1 401/g) ?? []).length < 2) {
      if (Date.now() > deadline) throw new Error(`two answers expected, got ${answers.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    secure.destroy();
    const url = `https://${realName}:${upstreamPort}/wopibootstrapper`;
    const [first, second] = [await requestThrough(proxyPort, url, proxy.ca), await requestThrough(proxyPort, url, proxy.ca)];
    assert.equal(first.peerCertificate.fingerprint256, second.peerCertificate.fingerprint256, 'one leaf per name, made once');
  });

  test('a ClientHello sent along with the CONNECT, before the 200, still reaches the TLS handshake', async () => {
    const secure = await tlsWithoutWaiting(proxyPort, `${realName}:${upstreamPort}`, realName, proxy.ca);
    assert.ok(issuerFingerprintMatches(secure.getPeerCertificate(), proxy.ca));
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      secure.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      secure.once('end', () => resolve(text));
      secure.write(`GET /wopibootstrapper HTTP/1.1\r\nHost: ${realName}:${upstreamPort}\r\nConnection: close\r\n\r\n`);
    });
    assert.match(answer, /^HTTP\/1\.1 401 /);
  });

  test('curl through the proxy verifies the leaf with --cacert and reaches the real host', async () => {
    const caFile = path.join(dir, 'proxy-ca.crt');
    await writeFile(caFile, proxy.ca);
    const mark = proxy.engine.log.lastSeq;
    const url = `https://${realName}:${upstreamPort}/wopibootstrapper`;
    const { stdout, stderr, error } = await new Promise<{ stdout: string; stderr: string; error: ExecFileException | null }>((resolve) =>
      execFile(
        'curl',
        ['-sS', '-x', `http://127.0.0.1:${proxyPort}`, '--cacert', caFile, '-o', '/dev/null', '-w', '%{http_code}', url],
        // No proxy variables from the environment: -x alone decides, and NO_PROXY must not bypass it.
        { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, timeout: 15_000 },
        (failure, out, err) => resolve({ stdout: out, stderr: err, error: failure }),
      ),
    );
    if (error?.code === 'ENOENT') assert.fail('curl is not installed; this test needs it (apt-get install curl, as .ci/run does)');
    assert.equal(error, null, `curl failed: ${stderr}`);
    assert.equal(stdout, '401');
    const entry = await entryAfter(proxy, mark);
    assert.deepEqual(
      [entry.operation, entry.status, entry.source, entry.upstream],
      ['Bootstrap', 401, 'proxy', `https://${realName}:${upstreamPort}`],
    );
    assert.match(headerValues(entry, 'user-agent')[0] ?? '', /^curl\//);
  });
});

describe('plain HTTP', () => {
  test('an absolute-form http:// request is passed on as it came, hop-by-hop headers aside, and not logged', async () => {
    const seen: Array<{ url: string; rawHeaders: string[] }> = [];
    const plain = createHttpServer((req, res) => {
      seen.push({ url: req.url ?? '', rawHeaders: req.rawHeaders });
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '5', 'X-Plain': 'yes' });
      res.end('plain');
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const port = (plain.address() as AddressInfo).port;
    try {
      const mark = proxy.engine.log.lastSeq;
      const before = proxy.engine.status().forwardProxy!.plainForwarded;
      const reply = await connectThrough(
        proxyPort,
        '',
        `GET http://127.0.0.1:${port}/a%2Fb?q=1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nProxy-Connection: keep-alive\r\nX-Kept: 1\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(reply.status, 200);
      assert.match(reply.head, /\r\nX-Plain: yes/);
      assert.equal(await readToEnd(reply), 'plain');
      assert.equal(seen.at(-1)?.url, '/a%2Fb?q=1', 'the target as sent, origin-form');
      const names = seen
        .at(-1)!
        .rawHeaders.filter((_, i) => i % 2 === 0)
        .map((name) => name.toLowerCase());
      assert.ok(names.includes('x-kept'));
      assert.ok(!names.includes('proxy-connection'), 'hop-by-hop headers stay on their own connection');
      assert.equal(proxy.engine.log.lastSeq, mark, 'not logged');
      assert.equal(proxy.engine.status().forwardProxy!.plainForwarded, before + 1);
    } finally {
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });
});

describe('a name that is not intercepted', () => {
  test("is tunnelled untouched: the client sees the real host's own certificate, and nothing is logged", async () => {
    const mark = proxy.engine.log.lastSeq;
    const before = proxy.engine.status().forwardProxy!;
    const reply = await requestThrough(proxyPort, `https://localhost:${upstreamPort}/wopibootstrapper`, upstream.ca);
    assert.equal(reply.status, 401);
    assert.ok(issuerFingerprintMatches(reply.peerCertificate, upstream.ca), "the real host's certificate, from its own CA");
    assert.ok(!issuerFingerprintMatches(reply.peerCertificate, proxy.ca), 'not one of ours');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(proxy.engine.log.lastSeq, mark, 'nothing decrypted, nothing logged');
    const after = proxy.engine.status().forwardProxy!;
    assert.equal(after.tunnelled, before.tunnelled + 1);
    assert.equal(after.intercepted, before.intercepted);
  });
});

describe('failures', () => {
  test('an intercepted host that refuses the connection gets 502 naming the cause, logged; the proxy keeps serving', async () => {
    const mark = proxy.engine.log.lastSeq;
    const failedBefore = proxy.engine.status().forwardProxy!.failed;
    const reply = await requestThrough(proxyPort, `https://down.example.test:${closedPort}/wopibootstrapper`, proxy.ca);
    const cause = `upstream https://down.example.test:${closedPort} refused the connection (ECONNREFUSED): is it running?`;
    assert.equal(reply.status, 502);
    assert.equal(reply.headers['x-wopi-servererror'], `forward proxy: ${cause}`);
    assert.equal(reply.text, `${cause}\n`);
    const entry = await entryAfter(proxy, mark);
    assert.equal(entry.status, 502);
    assert.equal(entry.source, 'proxy');
    assert.ok(entry.notes.includes(cause), JSON.stringify(entry.notes));
    assert.equal(proxy.engine.status().forwardProxy!.failed, failedBefore + 1);

    const again = await requestThrough(proxyPort, `https://${realName}:${upstreamPort}/wopibootstrapper`, proxy.ca);
    assert.equal(again.status, 401, 'still serving');
  });

  test('a tunnelled host that refuses gets 502 on the CONNECT itself', async () => {
    const reply = await connectThrough(proxyPort, `localhost:${closedPort}`);
    assert.equal(reply.status, 502);
    assert.match(
      reply.head,
      new RegExp(`\\r\\nX-WOPI-ServerError: forward proxy: upstream https://localhost:${closedPort} refused the connection`),
    );
    assert.match(await readToEnd(reply), /refused the connection \(ECONNREFUSED\)/);
  });

  const badConnects: Array<[string, RegExp]> = [
    ['no-port.example.test', /CONNECT needs host:port \(e\.g\. wopi\.example\.com:443\), not "no-port\.example\.test"/],
    ['wopi.example.test:0', /CONNECT port must be from 1 to 65535, not "wopi\.example\.test:0"/],
    ['wopi.example.test:70000', /CONNECT port must be from 1 to 65535/],
    ['/wopibootstrapper', /CONNECT needs host:port/],
  ];
  for (const [authority, message] of badConnects) {
    test(`a bad CONNECT target (${authority}) gets 400 saying why; the proxy keeps serving`, async () => {
      const reply = await connectThrough(proxyPort, authority);
      assert.equal(reply.statusLine, 'HTTP/1.1 400 Bad Request');
      assert.match(reply.head, /\r\nX-WOPI-ServerError: forward proxy: /);
      assert.match(await readToEnd(reply), message);
      const again = await requestThrough(proxyPort, `https://${realName}:${upstreamPort}/wopibootstrapper`, proxy.ca);
      assert.equal(again.status, 401);
    });
  }

  test('an origin-form request (not a proxy request) gets 400 naming what the proxy takes', async () => {
    const reply = await connectThrough(proxyPort, '', 'GET /wopibootstrapper HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(reply.status, 400);
    assert.match(await readToEnd(reply), /^this is the forward proxy: set it as the HTTP proxy/);
  });
});

describe('a slow host, without verification', () => {
  test('gets 504 after timeoutMs naming the cause; with --insecure-upstream every entry says TLS was not verified', async () => {
    // Never answers; its certificate (borrowed from the real host) names wopi.example.test.
    const silent = await startTinyUpstream(upstream, () => {});
    const insecureProxy = await startHarness({
      forwardProxy: {
        port: 0,
        intercept: [realName],
        resolve: [`${realName}:${silent.port}:127.0.0.1`, `${realName}:${upstreamPort}:127.0.0.1`],
        insecure: true,
        timeoutMs: 300,
      },
    });
    try {
      const port = insecureProxy.engine.status().forwardProxy!.port;
      const mark = insecureProxy.engine.log.lastSeq;
      const slow = await requestThrough(port, `https://${realName}:${silent.port}/wopi/files/f1`, insecureProxy.ca);
      const cause = `upstream https://${realName}:${silent.port} did not answer within 300 ms (timeoutMs)`;
      assert.equal(slow.status, 504);
      assert.equal(slow.headers['x-wopi-servererror'], `forward proxy: ${cause}`);
      const entry = await entryAfter(insecureProxy, mark);
      assert.equal(entry.operation, 'CheckFileInfo');
      assert.deepEqual(entry.notes, [insecureNote, cause]);

      // No upstreamCa, yet the real host's private CA is accepted: nothing is verified.
      const unverified = await requestThrough(port, `https://${realName}:${upstreamPort}/wopibootstrapper`, insecureProxy.ca);
      assert.equal(unverified.status, 401);
      assert.deepEqual((await entryAfter(insecureProxy, mark + 1)).notes, [insecureNote]);
      assert.equal(insecureProxy.engine.status().forwardProxy!.insecure, true);
    } finally {
      await insecureProxy.close();
      await silent.stop();
    }
  });

  test('a host whose certificate is not trusted gets 502 saying how to trust it', async () => {
    const strictProxy = await startHarness({
      forwardProxy: { port: 0, intercept: [realName], resolve: [`${realName}:${upstreamPort}:127.0.0.1`] },
    });
    try {
      const port = strictProxy.engine.status().forwardProxy!.port;
      const reply = await requestThrough(port, `https://${realName}:${upstreamPort}/wopibootstrapper`, strictProxy.ca);
      assert.equal(reply.status, 502);
      assert.match(
        String(reply.headers['x-wopi-servererror']),
        new RegExp(
          `^forward proxy: upstream https://${realName.replace(/\./g, '\\.')}:${upstreamPort} presented a certificate this proxy does not trust \\(.+\\); add its CA with --upstream-ca, or --insecure-upstream$`,
        ),
      );
    } finally {
      await strictProxy.close();
    }
  });
});

describe('status', () => {
  test('GET /api/status names the listener, the domains, the overrides and the counters', async () => {
    const status = (await proxy.admin('GET', '/api/status')).json<{ forwardProxy: Record<string, unknown> }>().forwardProxy;
    assert.equal(status['mode'], 'forward');
    assert.equal(status['port'], proxyPort);
    assert.equal(status['proxyUrl'], `http://localhost:${proxyPort}`);
    assert.deepEqual(status['intercept'], ['*.example.test']);
    assert.deepEqual(status['resolve'], [`${realName}:${upstreamPort}:127.0.0.1`, `down.example.test:${closedPort}:127.0.0.1`]);
    assert.equal(status['insecure'], false);
    for (const counter of ['intercepted', 'tunnelled', 'failed']) assert.equal(typeof status[counter], 'number', counter);
    assert.ok((status['intercepted'] as number) >= 1);
  });

  test("the phone's set-up page explains the Wi-Fi proxy setting and what refuses the proxy; without one it says nothing of it", async () => {
    const page = (await proxy.request('GET', '/setup')).text;
    assert.match(page, /<code id="proxy-host">localhost<\/code>, port <code id="proxy-port">(\d+)<\/code>/);
    assert.equal(page.match(/<code id="proxy-port">(\d+)<\/code>/)?.[1], String(proxyPort));
    assert.match(page, /Configure Proxy › Manual/);
    assert.match(page, /Android apps do not trust user-installed CAs by default/);
    assert.match(page, /An app that pins its server's certificate refuses the proxy/);
    const plain = (await upstream.request('GET', '/setup')).text;
    assert.doesNotMatch(plain, /forward-proxy|Wi-Fi network's HTTP proxy/);
  });

  test('the WOPI listener keeps serving the mock beside the forward proxy', async () => {
    const reply = await proxy.request('GET', '/wopibootstrapper');
    assert.equal(reply.status, 401);
    assert.equal(proxy.engine.log.list().at(-1)?.source, undefined, 'answered by the mock, not proxied');
  });
});

describe('fault rules on intercepted traffic', () => {
  const bootstrapUrl = () => `https://${realName}:${upstreamPort}/wopibootstrapper`;

  test('"before": a forced 503 with Retry-After is answered inside the tunnel, and the real host never hears of it', async () => {
    try {
      const id = (await addFault(proxy, { operation: 'Bootstrap', status: 503, retryAfter: 30, remaining: 1 })).id;
      const upstreamMark = upstream.engine.log.lastSeq;
      const mark = proxy.engine.log.lastSeq;
      const refused = await requestThrough(proxyPort, bootstrapUrl(), proxy.ca);
      assert.equal(refused.status, 503);
      assert.equal(refused.headers['retry-after'], '30');
      assert.match(String(refused.headers['x-wopi-servererror']), new RegExp(`^forced by fault rule ${id}: `));
      const entry = await entryAfter(proxy, mark);
      assert.deepEqual([entry.faultId, entry.source, entry.upstream], [id, 'proxy', `https://${realName}:${upstreamPort}`]);
      assert.equal(upstream.engine.log.lastSeq, upstreamMark, 'nothing was forwarded');

      const passed = await requestThrough(proxyPort, bootstrapUrl(), proxy.ca);
      assert.equal(passed.status, 401, 'the count ran out: the real host answers again');
    } finally {
      await proxy.admin('DELETE', '/api/faults');
    }
  });

  test('"mutate" patches the real host\'s JSON answer for the signed-in user the token names', async () => {
    try {
      const token = (await upstream.signIn('alice')).access_token;
      const id = (
        await addFault(proxy, {
          operation: 'Bootstrap',
          userId: 'alice',
          phase: 'mutate',
          patch: [{ op: 'replace', path: '/Bootstrap/UserFriendlyName', value: 'Patched' }],
        })
      ).id;
      const mark = proxy.engine.log.lastSeq;
      const reply = await requestThrough(proxyPort, bootstrapUrl(), proxy.ca, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(reply.status, 200);
      const body = JSON.parse(reply.text) as { Bootstrap: { UserId: string; UserFriendlyName: string; EcosystemUrl: string } };
      assert.equal(body.Bootstrap.UserFriendlyName, 'Patched');
      assert.equal(body.Bootstrap.UserId, 'alice');
      assert.ok(body.Bootstrap.EcosystemUrl.startsWith(`https://${realName}:${upstreamPort}/`), 'nothing else rewritten');
      assert.equal(reply.headers['content-length'], String(Buffer.byteLength(reply.text)));
      const entry = await entryAfter(proxy, mark);
      assert.equal(entry.faultId, id);
      assert.ok(
        entry.notes.some((note) => note.startsWith(`fault rule ${id}: patched the JSON answer`)),
        entry.notes.join('\n'),
      );
    } finally {
      await proxy.admin('DELETE', '/api/faults');
    }
  });
});
