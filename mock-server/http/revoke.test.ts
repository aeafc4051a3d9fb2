import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, clientId, clientSecret, startHarness, type Harness } from '../../test-support/host-fixture.js';

/** RFC 7009 token revocation at POST /oauth/revoke, over real HTTPS. */

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

const revoke = (form: Record<string, string>, headers: Record<string, string> = {}) =>
  h.request('POST', '/oauth/revoke', { form, headers });
const bootstrap = (token: string) => h.request('GET', '/wopibootstrapper', { headers: bearer(token) });
test('revoking a refresh token ends every token of that sign-in, and only of that one', async () => {
  const first = await h.signIn('alice');
  const second = await h.signIn('alice');
  const answer = await revoke({ token: first.refresh_token, client_id: clientId, client_secret: clientSecret });
  assert.equal(answer.status, 200);
  assert.equal(answer.text, '');
  assert.equal(answer.header('cache-control'), 'no-store');
  assert.equal((await h.refresh(first.refresh_token)).json().error, 'invalid_grant');
  const refused = await bootstrap(first.access_token);
  assert.equal(refused.status, 401);
  assert.equal((await bootstrap(second.access_token)).status, 200, 'another sign-in of the same user is untouched');
  const entry = h.engine.log.list().findLast((e) => e.operation === 'Bootstrap' && e.status === 401)!;
  assert.match(entry.notes.join(' '), /the client revoked a token of the same sign-in at the revocation endpoint \(RFC 7009\)/);
});

test('revoking an access token (with its hint) ends the sign-in too', async () => {
  const tokens = await h.signIn('bob');
  assert.equal(
    (await revoke({ token: tokens.access_token, token_type_hint: 'access_token', client_id: clientId, client_secret: clientSecret }))
      .status,
    200,
  );
  assert.equal((await bootstrap(tokens.access_token)).status, 401);
  assert.equal((await h.refresh(tokens.refresh_token)).status, 400);
});

test('unknown and already revoked tokens get 200 as well; the log says nothing was revoked', async () => {
  const before = h.engine.log.lastSeq;
  assert.equal((await revoke({ token: 'not-a-token', client_id: clientId, client_secret: clientSecret })).status, 200);
  const tokens = await h.signIn('alice');
  await revoke({ token: tokens.refresh_token, client_id: clientId, client_secret: clientSecret });
  assert.equal((await revoke({ token: tokens.refresh_token, client_id: clientId, client_secret: clientSecret })).status, 200);
  let notes: string[][] = [];
  for (let i = 0; i < 50 && notes.length < 3; i++) {
    notes = h.engine.log
      .list({ afterSeq: before })
      .filter((e) => e.operation === 'Revoke')
      .map((e) => e.notes);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(
    notes.map((n) =>
      n.some((line) => line.startsWith('no live token'))
        ? 'nothing'
        : n.some((line) => line.startsWith('revoked the refresh token'))
          ? 'revoked'
          : n.join(),
    ),
    ['nothing', 'revoked', 'nothing'],
  );
});

test('only the client may revoke: a wrong secret is invalid_client, Basic auth works, a missing token is invalid_request', async () => {
  const tokens = await h.signIn('alice');
  const wrong = await revoke({ token: tokens.refresh_token, client_id: clientId, client_secret: 'nope' });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.json().error, 'invalid_client');
  assert.equal((await bootstrap(tokens.access_token)).status, 200, 'nothing was revoked');
  const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
  assert.equal((await revoke({ token: tokens.refresh_token }, { Authorization: basic })).status, 200);
  assert.equal((await bootstrap(tokens.access_token)).status, 401);
  const missing = await revoke({ client_id: clientId, client_secret: clientSecret });
  assert.equal(missing.status, 400);
  assert.equal(missing.json().error, 'invalid_request');
  assert.equal((await h.request('GET', '/oauth/revoke')).json().error, 'invalid_request');
});
