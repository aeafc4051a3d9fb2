import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as netConnect, createServer, type AddressInfo, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startHarness, type Harness, type Reply } from '../../test-support/host-fixture.js';
import { connectThrough, requestThrough, tlsInside } from '../../test-support/forward-proxy-client.js';
import { startTinyUpstream } from '../../test-support/proxy-fixture.js';
import type { CheckRunView, ProxyView } from '../admin/contract.js';
import type { ConfigIssue } from '../state/config-schema.js';

/**
 * The config's proxy section applied while the host runs, over real HTTPS: the WOPI listener
 * turns into a reverse proxy and back, the forward proxy's listener opens, takes new names in
 * place and closes, and what cannot run (a busy port, the host as its own upstream) is refused
 * before it is saved, with what runs left as it was. A second engine on port 0 is the upstream.
 */

const realName = 'wopi.example.test';
let host: Harness;
/** The reverse proxy's upstream, on localhost. */
let upstream: Harness;
/** The forward proxy's real host: its certificate names wopi.example.test, which a resolve override sends to loopback. */
let realHost: Harness;
let realHostPort: number;
let dir: string;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-live-proxy-'));
  upstream = await startHarness();
  realHost = await startHarness({ publicHost: realName });
  realHostPort = Number(new URL(realHost.origin).port);
  host = await startHarness();
});
after(async () => {
  await host?.close();
  await upstream?.close();
  await realHost?.close();
  await rm(dir, { recursive: true, force: true });
});

const reverseTo = (origin: string, extra: Record<string, unknown> = {}) => ({
  reverse: { upstream: origin },
  upstreamCa: upstream.ca,
  ...extra,
});

async function putProxy(h: Harness, section: unknown): Promise<Reply> {
  return h.admin('PUT', '/api/proxy', section);
}

async function proxyView(h: Harness): Promise<ProxyView> {
  return (await h.admin('GET', '/api/proxy')).json<ProxyView>();
}

function authorizationUriOf(reply: Reply): string | undefined {
  return /authorization_uri="([^"]+)"/.exec(reply.header('www-authenticate') ?? '')?.[1];
}

async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, undefined, resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

function refusedConnection(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

const issuedBy = (certificate: { raw: Buffer }, caPem: string) =>
  new X509Certificate(certificate.raw).checkIssued(new X509Certificate(caPem));

describe('the reverse proxy, set while the host runs', () => {
  test('PUT /api/proxy sends the WOPI listener to the upstream, and reverse: null brings the mock back', async () => {
    const mocked = await host.request('GET', '/wopibootstrapper');
    assert.equal(authorizationUriOf(mocked), `${host.origin}/oauth/authorize`, 'the mock answers before');

    const saved = await putProxy(host, reverseTo(upstream.origin));
    assert.equal(saved.status, 200, saved.text);
    const view = saved.json<ProxyView>();
    assert.equal(view.settings.reverse?.upstream, upstream.origin);
    assert.equal(view.reverse?.upstream, upstream.origin);
    assert.equal(view.forward, undefined);

    const upstreamBefore = upstream.engine.log.lastSeq;
    const proxied = await host.request('GET', '/wopibootstrapper');
    assert.equal(proxied.status, 401);
    // authorization_uri is the upstream's own (a browser URL, not rewritten); the token endpoint points back here.
    assert.equal(
      proxied.header('www-authenticate'),
      `Bearer authorization_uri="${upstream.origin}/oauth/authorize",tokenIssuance_uri="${host.origin}/oauth/token",providerId="WopiMockHost"`,
    );
    assert.equal(upstream.engine.log.lastSeq, upstreamBefore + 1, 'the upstream answered it');
    assert.equal(host.engine.log.list().at(-1)?.source, 'proxy');
    assert.equal(host.engine.status().proxy?.forwarded, 1);

    const back = await putProxy(host, { reverse: null });
    assert.equal(back.status, 200, back.text);
    assert.equal(back.json<ProxyView>().reverse, undefined);
    const mockedAgain = await host.request('GET', '/wopibootstrapper');
    assert.equal(authorizationUriOf(mockedAgain), `${host.origin}/oauth/authorize`);
    assert.equal(upstream.engine.log.lastSeq, upstreamBefore + 1, 'the upstream saw nothing more');
    assert.equal(host.engine.status().proxy, undefined);
  });

  test('an exchange under way when the mock comes back finishes on the upstream', async () => {
    const slow = await startTinyUpstream(upstream, (_req, res) => void setTimeout(() => res.end('{"from":"upstream"}'), 300));
    try {
      assert.equal((await putProxy(host, { reverse: { upstream: slow.origin }, upstreamCa: slow.ca })).status, 200);
      const pending = host.request('GET', '/wopi/files/whatever');
      while (slow.seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal((await putProxy(host, { reverse: null })).status, 200);
      const reply = await pending;
      assert.equal(reply.status, 200);
      assert.equal(reply.text, '{"from":"upstream"}');
    } finally {
      await putProxy(host, { reverse: null });
      await slow.stop();
    }
  });

  test('counts carry on while only the rewriting changes, and start again for another upstream', async () => {
    await putProxy(host, reverseTo(upstream.origin));
    await host.request('GET', '/wopibootstrapper');
    const rewriteAll = await putProxy(host, reverseTo(upstream.origin, { reverse: { upstream: upstream.origin, rewriteAll: true } }));
    assert.equal(rewriteAll.json<ProxyView>().reverse?.forwarded, 1);
    assert.equal(rewriteAll.json<ProxyView>().reverse?.rewriteAll, true);
    const challenge = await host.request('GET', '/wopibootstrapper');
    assert.equal(authorizationUriOf(challenge), `${host.origin}/oauth/authorize`, 'rewriteAll moves authorization_uri too');
    assert.equal((await proxyView(host)).reverse?.forwarded, 2);

    const other = await startTinyUpstream(upstream, (_req, res) => void res.end('{}'));
    try {
      const moved = await putProxy(host, { reverse: { upstream: other.origin }, upstreamCa: other.ca });
      assert.equal(moved.json<ProxyView>().reverse?.forwarded, 0);
    } finally {
      await putProxy(host, { reverse: null });
      await other.stop();
    }
  });

  test('the host as its own upstream, or an origin that is not https, is refused at the field; nothing changes', async () => {
    const configBefore = (await host.admin('GET', '/api/config')).text;
    const loop = await putProxy(host, { reverse: { upstream: host.origin } });
    assert.equal(loop.status, 400);
    const [issue] = loop.json<{ errors: ConfigIssue[] }>().errors;
    assert.equal(issue?.path, '$.proxy.reverse.upstream');
    assert.match(issue?.message ?? '', /this host's own WOPI listener: every request would be forwarded to itself/);

    const plain = await putProxy(host, { reverse: { upstream: 'http://wopi.example.test' } });
    assert.equal(plain.status, 400);
    assert.deepEqual(
      plain.json<{ errors: ConfigIssue[] }>().errors.map((e) => e.path),
      ['$.proxy.reverse.upstream'],
    );
    assert.equal((await host.admin('GET', '/api/config')).text, configBefore, 'the config is as it was');
    assert.equal(
      authorizationUriOf(await host.request('GET', '/wopibootstrapper')),
      `${host.origin}/oauth/authorize`,
      'the mock still answers',
    );
  });

  test('"Check this mock" behind the reverse proxy trusts the upstream CA too, and passes through the proxy', async () => {
    await putProxy(host, reverseTo(upstream.origin));
    try {
      const started = await host.admin('POST', '/api/checks', { target: 'self' });
      assert.equal(started.status, 202, started.text);
      const { id } = started.json<CheckRunView>();
      let view = started.json<CheckRunView>();
      for (let i = 0; i < 300 && view.state === 'running'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        view = (await host.admin('GET', `/api/checks/${id}`)).json<CheckRunView>();
      }
      assert.equal(view.state, 'done');
      assert.equal(view.report?.outcome, 'passed', JSON.stringify(view.report?.summary));
      assert.ok(
        upstream.engine.log.list().some((entry) => entry.operation === 'Authorize'),
        "the sign-in page on the upstream's origin was reached",
      );
    } finally {
      await putProxy(host, { reverse: null });
    }
  });

  test('POST /api/reset puts the mock defaults back and keeps the proxy settings running', async () => {
    await putProxy(host, reverseTo(upstream.origin));
    try {
      await host.admin('PUT', '/api/config', { ...(await host.admin('GET', '/api/config')).json<object>(), providerId: 'Changed' });
      const reset = await host.admin('POST', '/api/reset');
      assert.equal(reset.status, 200);
      const config = reset.json<{ config: { providerId: string; proxy: { reverse: { upstream: string } | null } } }>().config;
      assert.equal(config.providerId, 'WopiMockHost');
      assert.equal(config.proxy.reverse?.upstream, upstream.origin);
      assert.equal(host.engine.status().proxy?.upstream, upstream.origin);
    } finally {
      await putProxy(host, { reverse: null });
    }
  });
});

describe('the forward proxy, set while the host runs', () => {
  const forward = (extra: Record<string, unknown> = {}) => ({
    forward: { port: 0, intercept: [], resolve: [`${realName}:${realHostPort}:127.0.0.1`], ...extra },
    upstreamCa: realHost.ca,
  });

  test('opens on port 0, takes intercepted names in place on the same port with its counts, and closes', async () => {
    const opened = await putProxy(host, forward());
    assert.equal(opened.status, 200, opened.text);
    const warnings = opened.json<ProxyView>();
    const port = warnings.forward!.port;
    assert.ok(port > 0, 'bound to a port of its own');
    assert.deepEqual((await host.admin('GET', '/api/status')).json<{ warnings: ConfigIssue[] }>().warnings, [
      {
        path: '$.proxy.forward.intercept',
        message: 'no domain is intercepted: every CONNECT is tunnelled undecrypted, so nothing the phone sends is logged',
      },
    ]);

    // Nothing intercepted: the tunnel shows the real host's own certificate.
    const tunnelled = await connectThrough(port, `${realName}:${realHostPort}`);
    assert.equal(tunnelled.status, 200);
    tunnelled.socket.resume();
    const direct = await tlsInside(tunnelled.socket, realName, realHost.ca);
    assert.ok(issuedBy(direct.getPeerCertificate(), realHost.ca), "the real host's certificate");
    direct.destroy();

    const changed = await putProxy(host, forward({ intercept: [realName.toUpperCase()] }));
    assert.equal(changed.status, 200, changed.text);
    const view = changed.json<ProxyView>();
    assert.equal(view.forward?.port, port, 'the same listener');
    assert.deepEqual(view.settings.forward?.intercept, [realName], 'stored lowercased');
    assert.equal(view.forward?.tunnelled, 1, 'counts carry on');

    const mark = host.engine.log.lastSeq;
    const reply = await requestThrough(port, `https://${realName}:${realHostPort}/wopibootstrapper`, host.ca);
    assert.equal(reply.status, 401);
    assert.ok(issuedBy(reply.peerCertificate, host.ca), "now decrypted with a leaf from this host's CA");
    while (host.engine.log.lastSeq === mark) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(host.engine.log.list().at(-1)?.source, 'proxy');

    const closed = await putProxy(host, { forward: null });
    assert.equal(closed.json<ProxyView>().forward, undefined);
    assert.equal(await refusedConnection(port), 'ECONNREFUSED');
  });

  test('a busy port is refused at $.proxy.forward.port and the running forward proxy keeps serving; a free one moves it', async () => {
    const running = (await putProxy(host, forward())).json<ProxyView>().forward!.port;
    const busy = await occupiedPort();
    try {
      const refused = await putProxy(host, forward({ port: busy.port }));
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.json<{ errors: ConfigIssue[] }>().errors, [
        {
          path: '$.proxy.forward.port',
          message: `port ${busy.port} is already in use on 127.0.0.1; choose another (0 picks any free port)`,
        },
      ]);
      assert.equal((await proxyView(host)).forward?.port, running);
      assert.equal((await proxyView(host)).settings.forward?.port, 0, 'the saved settings are as they were');
      assert.equal((await connectThrough(running, `${realName}:${realHostPort}`)).status, 200, 'still serving');

      await closeServer(busy.server);
      const moved = await putProxy(host, forward({ port: busy.port }));
      assert.equal(moved.status, 200, moved.text);
      assert.equal(moved.json<ProxyView>().forward?.port, busy.port);
      assert.equal(await refusedConnection(running), 'ECONNREFUSED', 'the old listener is closed');
    } finally {
      await closeServer(busy.server).catch(() => {});
      await putProxy(host, { forward: null });
    }
  });
});

describe('proxy settings across a restart', () => {
  test('saved settings come back; a saved forward port taken meanwhile is a startup warning and the rest runs', async () => {
    const dataDir = path.join(dir, 'restart');
    const first = await startHarness({ dataDir, proxyTo: { upstream: upstream.origin, ca: upstream.ca } });
    const busy = await occupiedPort();
    await closeServer(busy.server);
    assert.equal(
      (await putProxy(first, { ...reverseTo(upstream.origin), forward: { port: busy.port, intercept: [realName] } })).status,
      200,
    );
    await first.close();

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(busy.port, undefined, resolve));
    const second = await startHarness({ dataDir });
    try {
      const status = second.engine.status();
      assert.equal(status.proxy?.upstream, upstream.origin, 'the reverse proxy runs again');
      assert.equal(status.forwardProxy, undefined);
      assert.deepEqual(second.engine.startupWarnings, [
        `the saved forward proxy is not running: port ${busy.port} is already in use on 127.0.0.1; choose another (0 picks any free port). ` +
          'Change it on the Proxy screen, or save it again once that is fixed',
      ]);
      assert.equal((await proxyView(second)).settings.forward?.port, busy.port, 'the settings are kept');
      const config = (await second.admin('GET', '/api/config')).json<Record<string, unknown>>();
      const unrelated = await second.admin('PUT', '/api/config', { ...config, providerId: 'StillSaves' });
      assert.equal(unrelated.status, 200, 'a change elsewhere is not held up by the stopped forward proxy');
      const stillTaken = await putProxy(second, (await proxyView(second)).settings);
      assert.equal(stillTaken.status, 400, 'saving the section again tries the port again');
      assert.equal(stillTaken.json<{ errors: ConfigIssue[] }>().errors[0]?.path, '$.proxy.forward.port');

      await closeServer(taken);
      const again = await putProxy(second, (await proxyView(second)).settings);
      assert.equal(again.status, 200, again.text);
      assert.equal(again.json<ProxyView>().forward?.port, busy.port, 'saved again, it runs');
    } finally {
      await closeServer(taken).catch(() => {});
      await second.close();
    }

    const third = await startHarness({ dataDir, noProxy: true });
    try {
      assert.equal(third.engine.status().proxy, undefined);
      assert.equal(third.engine.status().forwardProxy, undefined);
      assert.equal((await proxyView(third)).settings.reverse, null, '--no-proxy empties the saved section');
      assert.equal(authorizationUriOf(await third.request('GET', '/wopibootstrapper')), `${third.origin}/oauth/authorize`);
    } finally {
      await third.close();
    }
  });

  test('proxy options given at start must run: a busy forward port is a listen error, and nothing is left behind', async () => {
    const busy = await occupiedPort();
    try {
      await assert.rejects(startHarness({ forwardProxy: { port: busy.port, intercept: [realName] } }), {
        message: `the forward proxy port ${busy.port} on 127.0.0.1 is already in use; choose another with --forward-port (0 picks any free port)`,
      });
    } finally {
      await closeServer(busy.server);
    }
  });
});
