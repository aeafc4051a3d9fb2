import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  bearer,
  browse,
  clientId,
  clientSecret,
  loggedEntry,
  redirectUri,
  startHarness,
  type Harness,
} from '../../test-support/host-fixture.js';

/**
 * Revocations survive a restart: an engine started again on the same data dir still refuses a
 * revoked sign-in's refresh token, a replayed code and a token expired with "Expire now". The
 * state file (schema version 2) keeps them only while they can matter, and a version 1 file loads.
 */

const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-restart-'));
  dirs.push(dir);
  return dir;
}

/** Stops the engine (which saves everything pending) and starts another on the same data dir, at the same time. */
async function restart(h: Harness): Promise<Harness> {
  const at = h.now();
  await h.close();
  return startHarness({ dataDir: h.dataDir, startAt: at });
}

const redeem = (h: Harness, code: string) =>
  h.request('POST', '/oauth/token', {
    form: { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, client_secret: clientSecret },
  });

async function codeFor(h: Harness, userId: string): Promise<string> {
  const authorized = await h.request('POST', '/oauth/authorize', {
    form: { client_id: clientId, redirect_uri: redirectUri, response_type: 'code', user: userId },
  });
  assert.equal(authorized.status, 302);
  return new URL(authorized.header('location')!).searchParams.get('code')!;
}

const stateFile = async (h: Harness) => JSON.parse(await readFile(path.join(h.dataDir, 'state.json'), 'utf8'));

test('a revoked sign-in stays revoked: its refresh and access tokens are refused after a restart', async () => {
  let h = await startHarness({ dataDir: await dataDir() });
  try {
    const revoked = await h.signIn('alice');
    const kept = await h.signIn('alice');
    const answer = await h.request('POST', '/oauth/revoke', {
      form: { token: revoked.refresh_token, client_id: clientId, client_secret: clientSecret },
    });
    assert.equal(answer.status, 200);
    h = await restart(h);

    const refused = await h.refresh(revoked.refresh_token);
    assert.equal(refused.status, 400);
    assert.equal(refused.json().error, 'invalid_grant');
    assert.equal(
      refused.json().error_description,
      'the refresh token was revoked: the client revoked a token of the same sign-in at the revocation endpoint (RFC 7009)',
    );
    assert.equal((await h.request('GET', '/wopibootstrapper', { headers: bearer(revoked.access_token) })).status, 401);
    assert.equal((await h.request('GET', '/wopibootstrapper', { headers: bearer(kept.access_token) })).status, 200);
    assert.equal((await h.refresh(kept.refresh_token)).status, 200, 'another sign-in still refreshes');
  } finally {
    await h.close();
  }
});

test('a family revoked for reuse, and a rotated refresh token under reuse: reject, stay so after a restart', async () => {
  let h = await startHarness({ dataDir: await dataDir() });
  try {
    const policy = (reuse: string) => h.admin('PUT', '/api/config', { oauth: { refreshTokens: { reuse } } });
    assert.equal((await policy('revokeFamily')).status, 200);
    const family = await h.signIn('alice');
    const next = (await h.refresh(family.refresh_token)).json();
    assert.equal((await h.refresh(family.refresh_token)).json().error, 'invalid_grant', 'the reuse revokes the family');
    assert.equal((await policy('reject')).status, 200);
    const rotated = await h.signIn('bob');
    assert.equal((await h.refresh(rotated.refresh_token)).status, 200);
    h = await restart(h);

    const familyRefused = await h.refresh(next.refresh_token);
    assert.equal(familyRefused.json().error, 'invalid_grant');
    assert.match(familyRefused.json().error_description, /a rotated refresh token of the same sign-in was presented again/);
    const reused = await h.refresh(rotated.refresh_token);
    assert.equal(reused.json().error, 'invalid_grant');
    assert.match(
      reused.json().error_description,
      /^the refresh token was already used: a refresh at .* replaced it \(oauth\.refreshTokens\.reuse is reject\)$/,
    );
  } finally {
    await h.close();
  }
});

test('a code redeemed before the restart is refused as replayed after it, and revokes what it bought', async () => {
  let h = await startHarness({ dataDir: await dataDir() });
  try {
    const code = await codeFor(h, 'bob');
    const first = await redeem(h, code);
    assert.equal(first.status, 200);
    h = await restart(h);

    const replayed = await redeem(h, code);
    assert.equal(replayed.status, 400);
    assert.deepEqual(replayed.json(), {
      error: 'invalid_grant',
      error_description: 'the code was already used; the tokens issued for it are revoked (RFC 6749 section 4.1.2)',
    });
    assert.equal((await h.request('GET', '/wopibootstrapper', { headers: bearer(first.json().access_token) })).status, 401);
    h = await restart(h);
    assert.equal(
      (await h.refresh(first.json().refresh_token)).json().error_description,
      'the refresh token was revoked: the authorization code it was issued for was redeemed a second time (RFC 6749 section 4.1.2)',
      'the revocation the replay caused survives a restart too',
    );
  } finally {
    await h.close();
  }
});

test('a WOPI token expired with "Expire now" is still expired, not revoked, after a restart', async () => {
  let h = await startHarness({ dataDir: await dataDir() });
  try {
    const tokens = await h.signIn('alice');
    const { files } = await browse(h, tokens.access_token);
    // The restarted engine listens on another port: the client keeps the path and its token.
    const fileUrl = new URL(files[0]!.Url);
    h.advance(1000);
    assert.equal((await h.admin('POST', '/api/users/alice/expire', { kinds: ['wopi'] })).status, 200);
    h.advance(1000);
    h = await restart(h);

    assert.equal((await h.request('GET', fileUrl.pathname + fileUrl.search)).status, 401);
    const note = (await loggedEntry(h, (e) => e.operation === 'CheckFileInfo' && e.status === 401)).notes.join(' ');
    assert.match(note, /the wopi token expired: 'Expire now' at .* ended it before its exp \(expired, not revoked/);
    assert.equal((await h.request('GET', '/wopibootstrapper', { headers: bearer(tokens.access_token) })).status, 200, 'only WOPI tokens');
  } finally {
    await h.close();
  }
});

test('the file keeps entries only while they matter: a redeemed code is dropped once it would have expired', async () => {
  const h = await startHarness({ dataDir: await dataDir() });
  try {
    await h.signIn('alice');
    await h.engine.store.flush();
    const saved = (await stateFile(h)).tokens;
    assert.equal(saved.usedCodes.length, 1);
    assert.equal(saved.usedCodes[0].expiresAt, h.now() + 600_000, 'a code lives tokenTtlSeconds.authorizationCode (600 s)');
    h.advance(600_000);
    // Any save writes the ledger as it stands now.
    assert.equal((await h.admin('PUT', '/api/config', { providerId: 'Later' })).status, 200);
    assert.deepEqual((await stateFile(h)).tokens.usedCodes, []);
  } finally {
    await h.close();
  }
});

test('a schema version 1 state file loads: its config and epochs are kept, and it is saved again as version 2', async () => {
  const dir = await dataDir();
  await writeFile(
    path.join(dir, 'state.json'),
    JSON.stringify({ schemaVersion: 1, config: { providerId: 'FromVersionOne' }, userEpochs: { alice: 'epoch-from-v1', bob: 'bob-v1' } }),
  );
  const h = await startHarness({ dataDir: dir });
  try {
    assert.deepEqual(h.engine.startupWarnings, []);
    assert.equal((await h.admin('GET', '/api/config')).json().providerId, 'FromVersionOne');
    const saved = await stateFile(h);
    assert.equal(saved.schemaVersion, 2);
    assert.deepEqual(saved.userEpochs, { alice: 'epoch-from-v1', bob: 'bob-v1' });
    assert.deepEqual(saved.tokens, { usedCodes: [], revokedGrants: [], rotatedRefreshTokens: [], expiredNow: [] });
    assert.deepEqual(saved.scenarios, { saved: [], applied: [] });
  } finally {
    await h.close();
  }
});

test('a version 2 file with a broken token section is kept aside, like any unreadable state', async () => {
  const dir = await dataDir();
  await writeFile(
    path.join(dir, 'state.json'),
    JSON.stringify({
      schemaVersion: 2,
      config: {},
      userEpochs: {},
      tokens: { usedCodes: [{ jti: 'x' }], revokedGrants: [], rotatedRefreshTokens: [], expiredNow: [] },
      scenarios: { saved: [], applied: [] },
    }),
  );
  const h = await startHarness({ dataDir: dir });
  try {
    assert.equal(h.engine.startupWarnings.length, 1);
    assert.match(h.engine.startupWarnings[0]!, /could not be read \(tokens is invalid: \$\.tokens\.usedCodes\[0\]\.expiresAt: /);
  } finally {
    await h.close();
  }
});
