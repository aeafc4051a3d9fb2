import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, browse, loggedEntry, startHarness, withoutQuery, type Harness } from '../../test-support/host-fixture.js';
import type { Config } from '../state/config-schema.js';
import type { LogEntry } from '../log/entry.js';

/** clockOffsetSeconds moves the host's "now": token times, AccessTokenExpiry, expiry and Date follow; the log stays on real time. */

let h: Harness;
let defaults: Config;
const hour = 3600;

before(async () => {
  h = await startHarness();
  defaults = (await h.admin('GET', '/api/config')).json();
});
after(() => h.close());

const logged = (match: (entry: LogEntry) => boolean) => loggedEntry(h, match);

function claims(token: string): { iat: number; exp: number } {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { iat: number; exp: number };
}

test('an offset shifts iat/exp, AccessTokenExpiry and Date, and every answer says so in the log', async () => {
  const put = await h.admin('PUT', '/api/config', { ...defaults, clockOffsetSeconds: hour });
  assert.equal(put.status, 200, put.text);
  try {
    const tokens = await h.signIn('alice');
    const now = h.now() / 1000;
    assert.equal(claims(tokens.access_token).iat, now + hour);
    assert.equal(claims(tokens.access_token).exp, now + hour + defaults.tokenTtlSeconds.oauthAccessToken);
    assert.equal(tokens.expires_in, defaults.tokenTtlSeconds.oauthAccessToken, 'expires_in is a duration: no shift');

    const boot = await h.request('GET', '/wopibootstrapper', { headers: bearer(tokens.access_token) });
    assert.equal(boot.status, 200, 'the host accepts its own shifted tokens');
    assert.equal(boot.header('date'), new Date(h.now() + hour * 1000).toUTCString());

    const { files } = await browse(h, tokens.access_token);
    const renewed = await h.request('POST', '/wopibootstrapper', {
      headers: {
        ...bearer(tokens.access_token),
        'X-WOPI-EcosystemOperation': 'GET_NEW_ACCESS_TOKEN',
        'X-WOPI-WopiSrc': withoutQuery(files[0]!.Url),
      },
    });
    assert.equal(renewed.status, 200, renewed.text);
    assert.equal(renewed.json().AccessTokenInfo.AccessTokenExpiry, h.now() + (hour + defaults.tokenTtlSeconds.wopiAccessToken) * 1000);

    const entry = await logged((e) => e.operation === 'GetNewAccessToken' && e.status === 200);
    assert.equal(entry.time, new Date(h.now()).toISOString(), 'the log keeps real time');
    assert.ok(
      entry.notes.some((n) => n.startsWith('host clock +3600 s (clockOffsetSeconds)')),
      entry.notes.join('; '),
    );
  } finally {
    await h.admin('PUT', '/api/config', defaults);
  }
});

test('tokens issued before the clock moved back past their iat still work until their exp; moved forward past exp they expire', async () => {
  const tokens = await h.signIn('alice');
  await h.admin('PUT', '/api/config', { ...defaults, clockOffsetSeconds: defaults.tokenTtlSeconds.oauthAccessToken + 1 });
  try {
    const expired = await h.request('GET', '/wopibootstrapper', { headers: bearer(tokens.access_token) });
    assert.equal(expired.status, 401);
    assert.match((await logged((e) => e.operation === 'Bootstrap' && e.status === 401)).notes.join(' '), /expired/);
  } finally {
    await h.admin('PUT', '/api/config', defaults);
  }
  const again = await h.request('GET', '/wopibootstrapper', { headers: bearer(tokens.access_token) });
  assert.equal(again.status, 200, 'back on the wall clock, the token is valid again');
});

test('the offset is validated', async () => {
  const bad = await h.admin('PUT', '/api/config', { ...defaults, clockOffsetSeconds: 1.5 });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /clockOffsetSeconds.*whole number of seconds/);
});
