import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { bearer, clientId, clientSecret, redirectUri, startHarness, tokenOf, type Harness } from '../../test-support/host-fixture.js';
import { openStream } from '../../test-support/stream-fixture.js';

let h: Harness;
let defaults: any;
before(async () => {
  h = await startHarness();
  defaults = (await h.admin('GET', '/api/config')).json();
});
after(async () => {
  await h.close();
});

const listTokens = async (userId: string) => {
  const reply = await h.admin('GET', `/api/users/${encodeURIComponent(userId)}/tokens`);
  assert.equal(reply.status, 200, reply.text);
  return { tokens: reply.json().tokens as any[], text: reply.text };
};
const withoutJti = (tokens: any[]) => tokens.map(({ jti: _jti, ...rest }) => rest);
const jwtPayload = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));

describe('GET /api/users/:id/tokens', () => {
  test('the real OAuth flow lists the code, access and refresh tokens, then each WOPI token, newest first; no token string leaks', async () => {
    await h.admin('POST', '/api/users/bob/revoke');
    const t0 = h.now();
    const { access_token, refresh_token } = await h.signIn('bob');
    const afterSignIn = await listTokens('bob');
    assert.deepEqual(withoutJti(afterSignIn.tokens), [
      { kind: 'refresh', issuedAt: t0, expiresAt: t0 + 2_592_000_000, clientId, scope: null, redeemedAt: null },
      { kind: 'access', issuedAt: t0, expiresAt: t0 + 3_600_000, clientId, scope: null, redeemedAt: null },
      { kind: 'code', issuedAt: t0, expiresAt: t0 + 600_000, clientId, scope: null, redeemedAt: t0 },
    ]);
    assert.deepEqual(
      afterSignIn.tokens.slice(0, 2).map((t) => t.jti),
      [jwtPayload(refresh_token).jti, jwtPayload(access_token).jti],
    );

    h.advance(1000);
    const boot = await h.request('GET', '/wopibootstrapper', { headers: bearer(access_token) });
    assert.equal(boot.status, 200);
    const ecosystemToken = tokenOf(boot.json().Bootstrap.EcosystemUrl);
    const root = await h.request('POST', '/wopibootstrapper', {
      headers: { ...bearer(access_token), 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' },
    });
    const rootToken = tokenOf(root.json().RootContainerInfo.ContainerPointer.Url);
    const rootId = decodeURIComponent(new URL(root.json().RootContainerInfo.ContainerPointer.Url).pathname.split('/').pop()!);

    const listed = await listTokens('bob');
    assert.deepEqual(withoutJti(listed.tokens.slice(0, 2)), [
      {
        kind: 'wopi',
        issuedAt: t0 + 1000,
        expiresAt: t0 + 1000 + 36_000_000,
        clientId: null,
        scope: `container:${rootId}`,
        redeemedAt: null,
      },
      // The ecosystem token of the GET_ROOT_CONTAINER answer is the one Bootstrap minted this second: listed once.
      { kind: 'wopi', issuedAt: t0 + 1000, expiresAt: t0 + 1000 + 36_000_000, clientId: null, scope: 'ecosystem', redeemedAt: null },
    ]);
    assert.equal(listed.tokens.length, 5);
    assert.deepEqual(
      listed.tokens.slice(0, 2).map((t) => t.jti),
      [jwtPayload(rootToken).jti, jwtPayload(ecosystemToken).jti],
    );
    for (const secret of [access_token, refresh_token, ecosystemToken, rootToken]) {
      for (const part of secret.split('.').slice(1)) assert.ok(!listed.text.includes(part), 'a token part leaked into the listing');
    }
    assert.ok(!listed.text.includes('eyJ'), 'no JWT text in the listing');
  });

  test('expired tokens drop out when their time comes (frozen clock)', async () => {
    await h.admin('POST', '/api/users/alice/revoke');
    const start = h.now();
    await h.signIn('alice');
    h.advance(600_000 - 1);
    assert.deepEqual(
      (await listTokens('alice')).tokens.map((t) => t.kind),
      ['refresh', 'access', 'code'],
    );
    h.advance(1);
    assert.deepEqual(
      (await listTokens('alice')).tokens.map((t) => t.kind),
      ['refresh', 'access'],
    );
    h.advance(3_600_000 - 600_000);
    assert.deepEqual(
      (await listTokens('alice')).tokens.map((t) => [t.kind, t.expiresAt]),
      [['refresh', start + 2_592_000_000]],
    );
  });

  test('revoke empties the list and the stream says so; refreshing afterwards lists the new tokens', async () => {
    const { refresh_token } = await h.signIn('alice');
    assert.ok((await listTokens('alice')).tokens.length >= 3);
    const stream = await openStream(h.engine.urls.adminUrl, h.engine.urls.adminToken);
    try {
      assert.equal((await h.admin('POST', '/api/users/alice/revoke')).status, 200);
      assert.deepEqual((await listTokens('alice')).tokens, []);
      assert.deepEqual((await stream.next((e) => e.event === 'tokens', 1000)).data, { userId: 'alice' });
      // The revoked refresh token no longer works, and issues nothing.
      const refused = await h.request('POST', '/oauth/token', {
        form: { grant_type: 'refresh_token', refresh_token, client_id: clientId, client_secret: clientSecret },
      });
      assert.equal(refused.status, 400);
      assert.deepEqual((await listTokens('alice')).tokens, []);
      await h.signIn('alice');
      assert.deepEqual(
        (await listTokens('alice')).tokens.map((t) => t.kind),
        ['refresh', 'access', 'code'],
      );
    } finally {
      stream.close();
    }
  });

  test('a burst of token requests is a handful of tokens events, not one per request', async () => {
    await h.admin('POST', '/api/users/bob/revoke');
    const { refresh_token } = await h.signIn('bob');
    const stream = await openStream(h.engine.urls.adminUrl, h.engine.urls.adminToken);
    try {
      const started = performance.now();
      const refreshes = [];
      for (let i = 0; i < 100; i++)
        refreshes.push(
          h.request('POST', '/oauth/token', {
            form: { grant_type: 'refresh_token', refresh_token, client_id: clientId, client_secret: clientSecret },
          }),
        );
      assert.deepEqual([...new Set((await Promise.all(refreshes)).map((r) => r.status))], [200]);
      const elapsed = performance.now() - started;
      await sleep(300);
      const events = stream.events.filter((e) => e.event === 'tokens' && e.data.userId === 'bob');
      assert.ok(events.length >= 1, 'at least one tokens event');
      assert.ok(events.length <= Math.ceil((elapsed + 300) / 250) + 1, `${events.length} tokens events in ${Math.round(elapsed + 300)} ms`);
      assert.equal((await listTokens('bob')).tokens.filter((t) => t.kind === 'access').length, 101);
    } finally {
      stream.close();
    }
  });

  test("unknown users are 404; a deleted user's tokens are gone, and a re-added id starts empty", async () => {
    const unknown = await h.admin('GET', '/api/users/nobody/tokens');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.json(), { errors: [{ path: '$', message: 'no mock user with id "nobody"' }] });
    assert.equal((await h.admin('GET', '/api/users/alice/tokens', undefined, { token: null })).status, 401);

    await h.signIn('alice');
    const withoutAlice = { ...defaults, users: defaults.users.filter((u: { id: string }) => u.id !== 'alice') };
    try {
      assert.equal((await h.admin('PUT', '/api/config', withoutAlice)).status, 200);
      assert.equal((await h.admin('GET', '/api/users/alice/tokens')).status, 404);
    } finally {
      assert.equal((await h.admin('PUT', '/api/config', defaults)).status, 200);
    }
    assert.deepEqual((await listTokens('alice')).tokens, []);
  });

  test('a code that is issued but not redeemed is listed with redeemedAt null', async () => {
    await h.admin('POST', '/api/users/bob/revoke');
    const authorized = await h.request('POST', '/oauth/authorize', {
      form: { client_id: clientId, redirect_uri: redirectUri, response_type: 'code', user: 'bob' },
    });
    assert.equal(authorized.status, 302);
    assert.deepEqual(withoutJti((await listTokens('bob')).tokens), [
      { kind: 'code', issuedAt: h.now(), expiresAt: h.now() + 600_000, clientId, scope: null, redeemedAt: null },
    ]);
  });
});
