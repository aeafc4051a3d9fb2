import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, clientId, clientSecret, startHarness, type Harness } from '../../test-support/host-fixture.js';
import type { Config } from '../state/config-schema.js';

/** oauth.refreshTokens: rotation, reuse of a rotated token, grace, omission and the sign-in's absolute lifetime. */

let h: Harness;
let defaults: Config;
before(async () => {
  h = await startHarness();
  defaults = (await h.admin('GET', '/api/config')).json();
});
after(() => h.close());
beforeEach(() => setPolicy({}));

async function setPolicy(policy: Partial<Config['oauth']['refreshTokens']>): Promise<void> {
  const reply = await h.admin('PUT', '/api/config', {
    ...defaults,
    oauth: { ...defaults.oauth, refreshTokens: { ...defaults.oauth.refreshTokens, ...policy } },
  });
  assert.equal(reply.status, 200, reply.text);
}

const refresh = async (token: string) => {
  const reply = await h.request('POST', '/oauth/token', {
    form: { grant_type: 'refresh_token', refresh_token: token, client_id: clientId, client_secret: clientSecret },
  });
  return {
    status: reply.status,
    body: reply.json<{ access_token?: string; refresh_token?: string; error?: string; error_description?: string }>(),
  };
};
const works = async (access: string) => (await h.request('GET', '/wopibootstrapper', { headers: bearer(access) })).status === 200;

describe('the default policy is the classic behaviour', () => {
  test('each refresh rotates, and the old refresh token keeps working', async () => {
    assert.deepEqual(defaults.oauth.refreshTokens, {
      rotate: true,
      reuse: 'allow',
      graceSeconds: 0,
      omitOnRefresh: false,
      absoluteLifetimeSeconds: 0,
    });
    const tokens = await h.signIn('alice');
    const first = await refresh(tokens.refresh_token);
    assert.equal(first.status, 200);
    assert.notEqual(first.body.refresh_token, tokens.refresh_token);
    h.advance(1000);
    const again = await refresh(tokens.refresh_token);
    assert.equal(again.status, 200, 'reuse: allow');
  });
});

describe('reuse of a rotated refresh token', () => {
  test('reject: invalid_grant naming the setting; the new token and the sign-in live on', async () => {
    await setPolicy({ reuse: 'reject' });
    const tokens = await h.signIn('alice');
    const next = await refresh(tokens.refresh_token);
    h.advance(1000);
    const reused = await refresh(tokens.refresh_token);
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error, 'invalid_grant');
    assert.match(reused.body.error_description!, /already used.*oauth\.refreshTokens\.reuse is reject/);
    assert.equal(await works(next.body.access_token!), true);
    assert.equal((await refresh(next.body.refresh_token!)).status, 200);
  });

  test('revokeFamily: every token descended from the sign-in dies', async () => {
    await setPolicy({ reuse: 'revokeFamily' });
    const tokens = await h.signIn('alice');
    const other = await h.signIn('alice');
    const next = await refresh(tokens.refresh_token);
    h.advance(1000);
    const reused = await refresh(tokens.refresh_token);
    assert.equal(reused.body.error, 'invalid_grant');
    assert.match(reused.body.error_description!, /every token of this sign-in is now revoked/);
    assert.equal(await works(next.body.access_token!), false);
    assert.equal((await refresh(next.body.refresh_token!)).status, 400);
    assert.equal(await works(other.access_token), true, 'another sign-in of the same user is untouched');
  });

  test('graceSeconds: a just-rotated token still works that long, then the policy applies', async () => {
    await setPolicy({ reuse: 'reject', graceSeconds: 30 });
    const tokens = await h.signIn('alice');
    await refresh(tokens.refresh_token);
    h.advance(10_000);
    assert.equal((await refresh(tokens.refresh_token)).status, 200);
    h.advance(25_000);
    assert.equal((await refresh(tokens.refresh_token)).body.error, 'invalid_grant');
  });
});

describe('what a refresh answers', () => {
  test('omitOnRefresh: no refresh_token, and the one the client has keeps working', async () => {
    await setPolicy({ omitOnRefresh: true, reuse: 'reject' });
    const tokens = await h.signIn('alice');
    const first = await refresh(tokens.refresh_token);
    assert.equal(first.status, 200);
    assert.equal('refresh_token' in first.body, false);
    h.advance(1000);
    assert.equal((await refresh(tokens.refresh_token)).status, 200);
  });

  test('rotate false: the same refresh token comes back', async () => {
    await setPolicy({ rotate: false, reuse: 'reject' });
    const tokens = await h.signIn('alice');
    const first = await refresh(tokens.refresh_token);
    assert.equal(first.body.refresh_token, tokens.refresh_token);
    assert.equal((await refresh(tokens.refresh_token)).status, 200);
  });

  test('absoluteLifetimeSeconds: no access token outlives the sign-in, and refresh stops at its end saying why', async () => {
    await setPolicy({ absoluteLifetimeSeconds: 600 });
    const tokens = await h.signIn('alice');
    h.advance(590_000);
    const late = await refresh(tokens.refresh_token);
    assert.equal(late.status, 200);
    const exp = (JSON.parse(Buffer.from(late.body.access_token!.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
    assert.equal(exp * 1000, h.now() + 10_000, 'capped at the end of the sign-in');
    h.advance(10_000);
    assert.equal(await works(late.body.access_token!), false, 'the access token ended with the sign-in');
    const over = await refresh(late.body.refresh_token!);
    assert.equal(over.body.error, 'invalid_grant');
    assert.match(over.body.error_description!, /absolute lifetime of 600 s/);
  });
});
