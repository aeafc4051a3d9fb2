import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, browse, loggedEntry, startHarness, withoutQuery, type Harness } from '../../test-support/host-fixture.js';
import type { LogEntry } from '../log/entry.js';

/** "Expire now" per user and token kind: the next request sees the token as expired, not revoked. */

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

const logged = (match: (entry: LogEntry) => boolean) => loggedEntry(h, match);

test('expiring access tokens: Bootstrap says expired (not revoked), the refresh token still buys a working one', async () => {
  const tokens = await h.signIn('alice');
  const bob = await h.signIn('bob');
  h.advance(1000);
  const expired = await h.admin('POST', '/api/users/alice/expire', { kinds: ['access'] });
  assert.equal(expired.status, 200, expired.text);
  assert.deepEqual(expired.json().kinds, ['access']);
  assert.equal(expired.json().expiredAt, new Date(h.now()).toISOString());
  h.advance(1000);

  assert.equal((await h.request('GET', '/wopibootstrapper', { headers: bearer(tokens.access_token) })).status, 401);
  const note = (await logged((e) => e.operation === 'Bootstrap' && e.status === 401)).notes.join(' ');
  assert.match(note, /the access token expired: 'Expire now' at .* ended it before its exp \(expired, not revoked/);
  assert.doesNotMatch(note, /was revoked/);
  assert.equal(
    (await h.request('GET', '/wopibootstrapper', { headers: bearer(bob.access_token) })).status,
    200,
    "another user's tokens are untouched",
  );

  const renewed = await h.refresh(tokens.refresh_token);
  assert.equal(renewed.status, 200, renewed.text);
  assert.equal(
    (await h.request('GET', '/wopibootstrapper', { headers: bearer(renewed.json().access_token) })).status,
    200,
    'tokens issued later work',
  );
});

test('expiring refresh and WOPI tokens; every kind by default', async () => {
  const tokens = await h.signIn('alice');
  const { files } = await browse(h, tokens.access_token);
  const fileUrl = files[0]!.Url;
  h.advance(1000);
  assert.equal((await h.admin('POST', '/api/users/alice/expire', { kinds: ['wopi'] })).status, 200);
  h.advance(1000);
  assert.equal((await h.request('GET', fileUrl)).status, 401);
  assert.match(
    (await logged((e) => e.operation === 'CheckFileInfo' && e.status === 401)).notes.join(' '),
    /the wopi token expired: 'Expire now'/,
  );
  assert.equal((await h.request('GET', '/wopibootstrapper', { headers: bearer(tokens.access_token) })).status, 200, 'only WOPI tokens');

  const renewed = await h.request('POST', '/wopibootstrapper', {
    headers: {
      ...bearer(tokens.access_token),
      'X-WOPI-EcosystemOperation': 'GET_NEW_ACCESS_TOKEN',
      'X-WOPI-WopiSrc': withoutQuery(fileUrl),
    },
  });
  assert.equal(renewed.status, 200, 'GetNewAccessToken gives a working WOPI token again');

  assert.equal((await h.admin('POST', '/api/users/alice/expire')).status, 200);
  h.advance(1000);
  const refused = await h.refresh(tokens.refresh_token);
  assert.equal(refused.status, 400);
  assert.equal(refused.json().error, 'invalid_grant');
  assert.match(refused.json().error_description, /refresh token expired: 'Expire now'/);
});

test('bad requests: an unknown user is 404, unknown kinds are 400', async () => {
  assert.equal((await h.admin('POST', '/api/users/mallory/expire')).status, 404);
  const bad = await h.admin('POST', '/api/users/alice/expire', { kinds: ['code'] });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /kinds must be a non-empty list of access, refresh, wopi/);
});
