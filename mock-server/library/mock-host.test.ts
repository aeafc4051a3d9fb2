import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createVirtualClock, startMockHost, MockHostConfigError, MockHostScenarioError, SpecWarningsError, checkHost } from '../index.js';

/** The library API as a test suite uses it: everything through the package's entry, over real HTTPS. */

async function signIn(host: Awaited<ReturnType<typeof startMockHost>>, user = 'alice') {
  const { clientId, clientSecret, redirectUris } = host.config.get().oauth;
  const authorize = new URL(`${host.urls.wopiOrigin}/oauth/authorize`);
  authorize.search = new URLSearchParams({ client_id: clientId, redirect_uri: redirectUris[0]!, response_type: 'code' }).toString();
  const page = await host.fetch(authorize, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, redirect_uri: redirectUris[0]!, response_type: 'code', user }).toString(),
  });
  const code = new URL(page.headers.get('location')!).searchParams.get('code')!;
  const token = await host.fetch(`${host.urls.wopiOrigin}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUris[0]!,
      client_id: clientId,
      client_secret: clientSecret,
    }).toString(),
  });
  return ((await token.json()) as { access_token: string }).access_token;
}

describe('startMockHost', () => {
  test('starts on random ports with 127.0.0.1 and a temporary data dir it removes on stop', async () => {
    const host = await startMockHost();
    const dataDir = host.engine.status().dataDir;
    try {
      assert.match(host.urls.bootstrapper, /^https:\/\/127\.0\.0\.1:\d+\/wopibootstrapper$/);
      assert.match(host.urls.admin, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(host.caPem, /BEGIN CERTIFICATE/);
      const challenge = await host.fetch(host.urls.bootstrapper);
      assert.equal(challenge.status, 401);
      assert.match(challenge.headers.get('www-authenticate')!, /^Bearer authorization_uri="https:\/\/127\.0\.0\.1:\d+\/oauth\/authorize"/);
    } finally {
      await host.stop();
    }
    assert.equal(existsSync(dataDir), false);
    await host.stop(); // twice is fine
  });

  test('users, config, faults and the log, as a test drives them', async () => {
    await using host = await startMockHost({ users: [{ id: 'carol', signInName: 'carol@contoso.test' }] });
    assert.deepEqual(
      host.config.get().users.map((u) => u.id),
      ['carol'],
    );
    await host.users.add({ id: 'dave' });
    const token = await signIn(host, 'dave');
    const fault = await host.faults.add({ operation: 'Bootstrap', status: 503, remaining: 1 });
    const bent = await host.fetch(host.urls.bootstrapper, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(bent.status, 503);
    assert.equal(fault.hits(), 1);
    const ok = await host.fetch(host.urls.bootstrapper, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);

    const seen = await host.log.waitFor({ operation: 'Bootstrap', status: 200 });
    assert.equal(seen.entry.userId, 'dave');
    const bearer = seen.tokens[0]?.decoded;
    assert.equal(bearer?.ok && bearer.insight.kind, 'access');
    assert.deepEqual(seen.specWarnings, []);
    assert.equal(host.log.entries({ operation: 'Bootstrap', userId: 'dave' }).length, 2);

    await host.users.revoke('dave');
    assert.equal((await host.fetch(host.urls.bootstrapper, { headers: { Authorization: `Bearer ${token}` } })).status, 401);

    const changed = await host.config.set({ providerId: 'Contoso', tokenTtlSeconds: { oauthAccessToken: 120 } });
    assert.equal(changed.providerId, 'Contoso');
    assert.equal(changed.tokenTtlSeconds.oauthAccessToken, 120);
    assert.equal(changed.tokenTtlSeconds.refreshToken, host.config.get().tokenTtlSeconds.refreshToken, 'a patch merges');
    await assert.rejects(
      host.config.set({ providerId: 42 as never }),
      (e: Error) => e instanceof MockHostConfigError && /providerId/.test(e.message),
    );

    await host.reset();
    assert.equal(host.config.get().providerId, 'WopiMockHost');
    assert.equal(host.log.entries().length, 0);
  });

  test('waitFor waits for a request still to come, and names the filter when it does not', async () => {
    await using host = await startMockHost();
    const waiting = host.log.waitFor({ operation: 'CheckEcosystem' }, { timeoutMs: 5000 });
    const token = await signIn(host);
    const boot = (await (await host.fetch(host.urls.bootstrapper, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
      Bootstrap: { EcosystemUrl: string };
    };
    await host.fetch(boot.Bootstrap.EcosystemUrl);
    assert.equal((await waiting).operation, 'CheckEcosystem');
    await assert.rejects(
      host.log.waitFor({ operation: 'PutFile', url: /nothing/ }, { timeoutMs: 50 }),
      /no request matching \{operation="PutFile", url=\/nothing\/\} within 50 ms/,
    );
  });

  test('a virtual clock: tokens expire when the test says so', async () => {
    const clock = createVirtualClock();
    await using host = await startMockHost({ clock, config: { tokenTtlSeconds: { oauthAccessToken: 60 } } });
    const token = await signIn(host);
    assert.equal((await host.fetch(host.urls.bootstrapper, { headers: { Authorization: `Bearer ${token}` } })).status, 200);
    clock.advance(61_000);
    const expired = await host.fetch(host.urls.bootstrapper, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(expired.status, 401);
    assert.match((await host.log.waitFor({ status: 401, afterSeq: 2 })).entry.notes.join(' '), /expired/);
  });

  test('failOnSpecWarnings: stop() rejects listing every spec warning the traffic raised', async () => {
    const host = await startMockHost({ failOnSpecWarnings: true, config: { knownBugs: { challengeTrailingComma: true } } });
    await host.fetch(host.urls.bootstrapper);
    await assert.rejects(host.stop(), (e: Error) => e instanceof SpecWarningsError && /\[challenge-trailing-comma\]/.test(e.message));
  });

  test('users.expire: the next request sees the token as expired, not revoked', async () => {
    const clock = createVirtualClock();
    await using host = await startMockHost({ clock });
    const token = await signIn(host);
    clock.advance(1000);
    host.users.expire('alice', ['access']);
    clock.advance(1000);
    assert.equal((await host.fetch(host.urls.bootstrapper, { headers: { Authorization: `Bearer ${token}` } })).status, 401);
    const refused = await host.log.waitFor({ operation: 'Bootstrap', status: 401, where: (e) => e.userId === 'alice' });
    assert.match(refused.entry.notes.join(' '), /expired: 'Expire now'/);
    assert.throws(() => host.users.expire('nobody'), /no mock user "nobody"/);
  });

  test('applyScenario and removeScenario: the host under maintenance answers 503 until removed; errors say why', async () => {
    await using host = await startMockHost();
    const token = await signIn(host);
    const applied = await host.applyScenario('host-under-maintenance');
    assert.deepEqual(applied.faultIds, ['scenario-host-under-maintenance-1']);
    const refused = await host.fetch(host.urls.bootstrapper, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '120');
    assert.deepEqual(
      host
        .scenarios()
        .filter((s) => s.applied !== null)
        .map((s) => s.id),
      ['host-under-maintenance'],
    );
    await assert.rejects(
      host.applyScenario('host-under-maintenance'),
      (e: Error) => e instanceof MockHostScenarioError && e.status === 409 && /is applied already; remove it first/.test(e.message),
    );
    assert.deepEqual((await host.removeScenario('host-under-maintenance')).faultsRemoved, ['scenario-host-under-maintenance-1']);
    assert.equal((await host.fetch(host.urls.bootstrapper, { headers: { Authorization: `Bearer ${token}` } })).status, 200);
    await assert.rejects(host.removeScenario('no-such'), (e: Error) => e instanceof MockHostScenarioError && e.status === 404);
  });

  test('advanceClock: the virtual clock when one was given, else clockOffsetSeconds in whole seconds', async () => {
    const clock = createVirtualClock();
    await using virtual = await startMockHost({ clock, config: { tokenTtlSeconds: { oauthAccessToken: 60 } } });
    const token = await signIn(virtual);
    const start = clock.now();
    await virtual.advanceClock(61_000);
    assert.equal(clock.now(), start + 61_000);
    assert.equal((await virtual.fetch(virtual.urls.bootstrapper, { headers: { Authorization: `Bearer ${token}` } })).status, 401);

    await using wall = await startMockHost({ config: { tokenTtlSeconds: { oauthAccessToken: 60 } } });
    const wallToken = await signIn(wall);
    await wall.advanceClock(120_000);
    assert.equal(wall.config.get().clockOffsetSeconds, 120);
    assert.equal((await wall.fetch(wall.urls.bootstrapper, { headers: { Authorization: `Bearer ${wallToken}` } })).status, 401);
    await assert.rejects(wall.advanceClock(1500), /whole seconds/);
  });

  test('two hosts in one process share nothing', async () => {
    await using one = await startMockHost();
    await using two = await startMockHost({ config: { providerId: 'Second' } });
    assert.notEqual(one.urls.wopiOrigin, two.urls.wopiOrigin);
    assert.notEqual(one.caPem, two.caPem);
    assert.equal(one.config.get().providerId, 'WopiMockHost');
    const token = await signIn(one);
    assert.equal(
      (await two.fetch(two.urls.bootstrapper, { headers: { Authorization: `Bearer ${token}` } })).status,
      401,
      "one host's token means nothing to the other",
    );
    await one.faults.add({ operation: 'Bootstrap', status: 500 });
    assert.equal((await two.fetch(two.urls.bootstrapper)).status, 401, 'faults stay on their host');
    assert.equal(two.log.entries({ status: 500 }).length, 0);
    await one.users.revoke('alice');
    assert.equal(two.config.get().users.length, 2);
  });

  test('in front of a host of its own: config.proxy makes it a reverse proxy, and config.set turns it back into the mock', async () => {
    await using theirs = await startMockHost({ config: { providerId: 'TheirHost' } });
    await using watching = await startMockHost({
      config: { proxy: { reverse: { upstream: theirs.urls.wopiOrigin }, upstreamCa: theirs.caPem } },
    });
    const proxied = await watching.fetch(watching.urls.bootstrapper);
    assert.match(proxied.headers.get('www-authenticate') ?? '', /providerId="TheirHost"/, 'their host answered');
    assert.equal(watching.log.entries({ operation: 'Bootstrap' }).at(-1)?.entry.source, 'proxy');
    await watching.config.set({ proxy: { reverse: null } });
    const mocked = await watching.fetch(watching.urls.bootstrapper);
    assert.match(mocked.headers.get('www-authenticate') ?? '', /providerId="WopiMockHost"/, 'the mock answers again');
  });

  test('checkHost from the same package passes the mock', async () => {
    await using host = await startMockHost();
    const { clientId, clientSecret } = host.config.get().oauth;
    const { report } = await checkHost(host.urls.bootstrapper, {
      signIn: 'form',
      formFields: { user: 'alice' },
      client: { clientId, clientSecret, auth: 'post' },
      ca: host.caPem,
    });
    assert.equal(report.outcome, 'passed');
  });
});
