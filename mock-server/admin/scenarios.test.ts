import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bearer, browse, clientId, loggedEntry, redirectUri, startHarness, type Harness } from '../../test-support/host-fixture.js';
import { aliceRoot, newFile, override, putFile } from '../../test-support/file-fixture.js';
import { openStream } from '../../test-support/stream-fixture.js';

/**
 * Scenarios over the admin API and real HTTPS: the three built-in ones do what they say and
 * removing them puts back what was there; the user's own are validated, saved and deleted; what is
 * saved and applied survives a restart; the stream says when scenarios change.
 */

let h: Harness;
let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'wopi-scenarios-'));
  h = await startHarness({ dataDir });
});
after(async () => {
  await h.close();
  await rm(dataDir, { recursive: true, force: true });
});
// Each test starts from no scenario applied and none of the user's own saved.
afterEach(async () => {
  for (const s of (await h.admin('GET', '/api/scenarios')).json().scenarios) {
    if (s.applied) assert.equal((await h.admin('POST', `/api/scenarios/${s.id}/remove`)).status, 200);
    if (!s.builtIn) assert.equal((await h.admin('DELETE', `/api/scenarios/${s.id}`)).status, 204);
  }
});

const scenario = async (id: string) => (await h.admin('GET', `/api/scenarios/${id}`)).json();
const apply = (id: string) => h.admin('POST', `/api/scenarios/${id}/apply`);
const remove = (id: string) => h.admin('POST', `/api/scenarios/${id}/remove`);
const signInPage = () =>
  h.request('GET', `/oauth/authorize?client_id=${clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code`);

test('GET /api/scenarios lists the three built-in scenarios, what each does, none applied', async () => {
  const list = await h.admin('GET', '/api/scenarios');
  assert.equal(list.status, 200);
  assert.deepEqual(
    list
      .json()
      .scenarios.map((s: { id: string; builtIn: boolean; applied: unknown; effects: string[] }) => [s.id, s.builtIn, s.applied, s.effects]),
    [
      [
        'signed-out-overnight',
        true,
        null,
        [
          'Sets oauth.refreshTokens.reuse to "reject"',
          'Expires the OAuth access, refresh and WOPI tokens of every user (once, when applied)',
        ],
      ],
      [
        'host-under-maintenance',
        true,
        null,
        [
          'Adds a fault rule: answer 503 with Retry-After 120 on every operation except Authorize, Token, CaCertificate, CaMobileConfig, DeviceSetup, until removed',
        ],
      ],
      ['another-device-is-editing', true, null, ['Another editor takes the lock on every file of every user']],
    ],
  );
});

describe('host under maintenance', () => {
  test('every WOPI request answers 503 with Retry-After: 120 while the sign-in page answers 200; removing it ends that', async () => {
    const { access_token } = await h.signIn('alice');
    const applied = await apply('host-under-maintenance');
    assert.equal(applied.status, 200, applied.text);
    assert.deepEqual(applied.json().faultIds, ['scenario-host-under-maintenance-1']);
    assert.deepEqual(
      (await h.admin('GET', '/api/faults')).json().faults.map((f: { id: string }) => f.id),
      ['scenario-host-under-maintenance-1'],
    );

    const refused = await h.request('GET', '/wopibootstrapper', { headers: bearer(access_token) });
    assert.equal(refused.status, 503);
    assert.equal(refused.header('retry-after'), '120');
    const entry = await loggedEntry(h, (e) => e.operation === 'Bootstrap' && e.status === 503);
    assert.equal(entry.faultId, 'scenario-host-under-maintenance-1');
    assert.match(entry.notes.join(' '), /fault rule scenario-host-under-maintenance-1: Answer 503 with Retry-After 120/);
    assert.equal((await signInPage()).status, 200, 'signing in still works');
    assert.equal((await h.request('GET', '/setup')).status, 200, 'so does the set-up page');
    assert.equal((await apply('host-under-maintenance')).status, 409, 'applied once only');

    const removed = await remove('host-under-maintenance');
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(removed.json().faultsRemoved, ['scenario-host-under-maintenance-1']);
    assert.deepEqual(removed.json().faultsGone, []);
    assert.equal((await h.request('GET', '/wopibootstrapper', { headers: bearer(access_token) })).status, 200);
    assert.deepEqual((await h.admin('GET', '/api/faults')).json().faults, []);
    assert.equal((await scenario('host-under-maintenance')).applied, null);
    assert.equal((await remove('host-under-maintenance')).status, 409, 'not applied any more');
  });
});

describe('signed out overnight', () => {
  test('OAuth and WOPI tokens expire and the refresh is refused with invalid_grant; removing it puts reuse back, not the tokens', async () => {
    const tokens = await h.signIn('alice');
    const { files } = await browse(h, tokens.access_token);
    h.advance(1000);
    const applied = await apply('signed-out-overnight');
    assert.equal(applied.status, 200, applied.text);
    assert.deepEqual(applied.json().configChanged, ['oauth.refreshTokens.reuse']);
    assert.equal(applied.json().oneShot.length, 1);
    assert.match(
      applied.json().oneShot[0],
      /^Expires the OAuth access, refresh and WOPI tokens of every user at .*: they stay expired \(the client gets new ones by signing in or refreshing\)$/,
    );
    h.advance(1000);

    assert.equal((await h.request('GET', '/wopibootstrapper', { headers: bearer(tokens.access_token) })).status, 401);
    assert.match(
      (await loggedEntry(h, (e) => e.operation === 'Bootstrap' && e.status === 401)).notes.join(' '),
      /the access token expired: 'Expire now'/,
    );
    assert.equal((await h.request('GET', files[0]!.Url)).status, 401, 'the WOPI token too');
    const refused = await h.refresh(tokens.refresh_token);
    assert.equal(refused.status, 400);
    assert.equal(refused.json().error, 'invalid_grant');
    assert.match(refused.json().error_description, /^the refresh token expired: 'Expire now'/);
    assert.equal((await h.admin('GET', '/api/config')).json().oauth.refreshTokens.reuse, 'reject');
    const again = await h.signIn('alice');
    assert.equal(
      (await h.request('GET', '/wopibootstrapper', { headers: bearer(again.access_token) })).status,
      200,
      'signing in again works',
    );

    const removed = await remove('signed-out-overnight');
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(removed.json().restored, ['oauth.refreshTokens.reuse']);
    assert.deepEqual(removed.json().notUndone, applied.json().oneShot);
    assert.equal((await h.admin('GET', '/api/config')).json().oauth.refreshTokens.reuse, 'allow');
    assert.equal((await h.refresh(tokens.refresh_token)).status, 400, 'expired tokens stay expired');
  });
});

describe('another device is editing', () => {
  test("the client's PutFile with its own lock gets 409 with the other lock; removing it gives the client its lock back", async () => {
    const root = await aliceRoot(h);
    const file = await newFile(h, root, 'v1');
    assert.equal((await override(h, file.url, 'LOCK', { 'x-wopi-lock': 'client-lock' })).status, 200);
    const applied = await apply('another-device-is-editing');
    assert.equal(applied.status, 200, applied.text);
    const fileId = decodeURIComponent(new URL(file.url).pathname.split('/').pop()!);
    const taken = applied.json().locks.find((l: { fileId: string }) => l.fileId === fileId);
    assert.match(taken.lockId, /^another-editor-[0-9a-f]{8}$/);
    const trees = (await h.admin('GET', '/api/files')).json().users;
    const everyFile = trees.flatMap((t: { root: { files: unknown[] } }) => t.root.files).length;
    assert.equal(applied.json().locks.length, everyFile, 'every file of every user');

    const put = await putFile(h, file.url, 'v2', 'client-lock');
    assert.equal(put.status, 409);
    assert.equal(put.header('x-wopi-lock'), taken.lockId);

    const removed = await remove('another-device-is-editing');
    assert.equal(removed.status, 200, removed.text);
    assert.ok(removed.json().locksRestored.includes(fileId));
    assert.equal((await override(h, file.url, 'GET_LOCK')).header('x-wopi-lock'), 'client-lock');
    assert.equal((await putFile(h, file.url, 'v2', 'client-lock')).status, 200);
  });
});

describe("the user's own scenarios", () => {
  const own = {
    title: 'Throttled host',
    description: 'CheckFileInfo asks to back off, GetFile is slow.',
    config: { wopi: { requestedCallThrottling: 'Major' } },
    faults: [{ operation: 'GetFile', delayMs: 50 }],
  };

  test('saved with PUT (201, then 200), listed after the built-in ones, applied and removed: a field that was absent is absent again', async () => {
    const created = await h.admin('PUT', '/api/scenarios/throttled', own);
    assert.equal(created.status, 201, created.text);
    assert.equal(created.header('location'), '/api/scenarios/throttled');
    assert.deepEqual(created.json().effects, [
      'Sets wopi.requestedCallThrottling to "Major"',
      'Adds a fault rule: delay 50 ms on GetFile, until removed',
    ]);
    assert.equal((await h.admin('PUT', '/api/scenarios/throttled', { ...own, title: 'Throttled' })).status, 200);
    const ids = (await h.admin('GET', '/api/scenarios')).json().scenarios.map((s: { id: string }) => s.id);
    assert.deepEqual(ids.slice(3), ['throttled']);
    assert.equal((await scenario('throttled')).title, 'Throttled');

    assert.equal('requestedCallThrottling' in (await h.admin('GET', '/api/config')).json().wopi, false);
    assert.equal((await apply('throttled')).status, 200);
    const config = (await h.admin('GET', '/api/config')).json();
    assert.equal(config.wopi.requestedCallThrottling, 'Major');
    assert.deepEqual(config.faults, [{ operation: 'GetFile', delayMs: 50, id: 'scenario-throttled-1' }]);
    const removed = await remove('throttled');
    assert.deepEqual(removed.json().restored, ['wopi.requestedCallThrottling']);
    assert.deepEqual((await h.admin('GET', '/api/config')).json().wopi, {});
  });

  test('a field changed since the scenario set it is left as it is now, and the answer says so; a fault already gone is reported', async () => {
    await h.admin('PUT', '/api/scenarios/throttled', own);
    await apply('throttled');
    const config = (await h.admin('GET', '/api/config')).json();
    await h.admin('PUT', '/api/config', { ...config, wopi: { requestedCallThrottling: 'Minor' }, faults: [] });
    const removed = await remove('throttled');
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(removed.json().restored, []);
    assert.deepEqual(removed.json().keptAsChanged, ['wopi.requestedCallThrottling']);
    assert.deepEqual(removed.json().faultsGone, ['scenario-throttled-1']);
    assert.equal((await h.admin('GET', '/api/config')).json().wopi.requestedCallThrottling, 'Minor');
    await h.admin('PUT', '/api/config', { ...config, wopi: {}, faults: [] });
  });

  test('invalid scenarios are refused with 400 and the JSON path of each problem; nothing is saved', async () => {
    const bad = await h.admin('PUT', '/api/scenarios/broken', { title: '', faults: [{ operation: 'GetFile' }], colour: 'red' });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.json().errors.map((e: { path: string }) => e.path),
      ['$.title', '$.faults[0]', '$'],
    );
    assert.equal(bad.json().errors[2].message, 'unknown field: colour');
    const badConfig = await h.admin('PUT', '/api/scenarios/broken', {
      title: 'Broken',
      config: { oauth: { refreshTokens: { reuse: 'sometimes' } }, tokenTtlSeconds: { wopiAccessToken: 0 } },
    });
    assert.equal(badConfig.status, 400);
    assert.deepEqual(
      badConfig.json().errors.map((e: { path: string }) => e.path),
      ['$.config.tokenTtlSeconds.wopiAccessToken', '$.config.oauth.refreshTokens.reuse'],
    );
    const withFaultsInConfig = await h.admin('PUT', '/api/scenarios/broken', { title: 'Broken', config: { faults: [] } });
    assert.deepEqual(withFaultsInConfig.json().errors, [
      { path: '$.config.faults', message: 'faults go in the scenario\u2019s own faults list' },
    ]);
    assert.deepEqual((await h.admin('PUT', '/api/scenarios/Not%20an%20id', { title: 'x', actions: [] })).json().errors[0].path, '$.id');
    assert.deepEqual((await h.admin('PUT', '/api/scenarios/other', { ...own, id: 'mismatch' })).json().errors, [
      { path: '$.id', message: 'must be "other", the id in the URL, or left out' },
    ]);
    assert.equal((await h.admin('GET', '/api/scenarios/broken')).status, 404);
  });

  test('built-in scenarios cannot be replaced or deleted (409 saying why); an applied scenario must be removed before it is deleted', async () => {
    const replaced = await h.admin('PUT', '/api/scenarios/host-under-maintenance', own);
    assert.equal(replaced.status, 409);
    assert.match(replaced.json().errors[0].message, /is a built-in scenario and cannot be replaced; save yours under another id/);
    const deleted = await h.admin('DELETE', '/api/scenarios/signed-out-overnight');
    assert.equal(deleted.status, 409);
    assert.equal(deleted.json().errors[0].message, '"signed-out-overnight" is a built-in scenario; it cannot be deleted');
    assert.equal((await h.admin('DELETE', '/api/scenarios/nothing-here')).status, 404);
    assert.equal((await apply('nothing-here')).status, 404);

    await h.admin('PUT', '/api/scenarios/throttled', own);
    await apply('throttled');
    assert.equal(
      (await h.admin('DELETE', '/api/scenarios/throttled')).json().errors[0].message,
      'scenario "throttled" is applied; remove it before deleting it',
    );
    await remove('throttled');
    assert.equal((await h.admin('DELETE', '/api/scenarios/throttled')).status, 204);
    assert.equal((await h.admin('GET', '/api/scenarios/throttled')).status, 404);
  });

  test('an action naming a user or file that does not exist is refused before anything changes', async () => {
    await h.admin('PUT', '/api/scenarios/ghost', {
      title: 'Ghost',
      config: { providerId: 'Ghost' },
      actions: [{ kind: 'expireTokens', userId: 'mallory', kinds: ['wopi'] }],
    });
    const refused = await apply('ghost');
    assert.equal(refused.status, 409);
    assert.deepEqual(refused.json().errors, [{ path: '$.actions[0].userId', message: 'no mock user "mallory"' }]);
    assert.equal((await h.admin('GET', '/api/config')).json().providerId, 'WopiMockHost');
    assert.equal((await scenario('ghost')).applied, null);
  });
});

test('the stream sends the whole list when a scenario is applied or removed', async () => {
  const stream = await openStream(h.engine.urls.adminUrl, h.engine.urls.adminToken);
  try {
    await apply('host-under-maintenance');
    const event = await stream.next((e) => e.event === 'scenarios', 2000);
    const maintenance = event.data.scenarios.find((s: { id: string }) => s.id === 'host-under-maintenance');
    assert.deepEqual(maintenance.applied.faultIds, ['scenario-host-under-maintenance-1']);
    await remove('host-under-maintenance');
    const after = await stream.next((e) => e.event === 'scenarios', 2000);
    assert.equal(after.data.scenarios.find((s: { id: string }) => s.id === 'host-under-maintenance').applied, null);
  } finally {
    stream.close();
  }
});

test('saved and applied scenarios survive a restart, and removing one afterwards still puts back what it changed', async () => {
  await h.admin('PUT', '/api/scenarios/renamed', { title: 'Renamed host', config: { providerId: 'Renamed' } });
  assert.equal((await apply('renamed')).status, 200);
  await apply('host-under-maintenance');
  const at = h.now();
  await h.close();
  h = await startHarness({ dataDir, startAt: at });

  const listed = (await h.admin('GET', '/api/scenarios')).json().scenarios;
  assert.deepEqual(
    listed.filter((s: { applied: unknown }) => s.applied !== null).map((s: { id: string }) => s.id),
    ['host-under-maintenance', 'renamed'],
  );
  assert.equal((await h.admin('GET', '/api/config')).json().providerId, 'Renamed');
  const removed = await remove('renamed');
  assert.deepEqual(removed.json().restored, ['providerId']);
  assert.equal((await h.admin('GET', '/api/config')).json().providerId, 'WopiMockHost');
  assert.equal((await remove('host-under-maintenance')).json().faultsRemoved[0], 'scenario-host-under-maintenance-1');
});

test('POST /api/reset puts the defaults back and leaves no scenario applied', async () => {
  await apply('signed-out-overnight');
  assert.equal((await h.admin('POST', '/api/reset')).status, 200);
  assert.equal((await scenario('signed-out-overnight')).applied, null);
  assert.equal((await h.admin('GET', '/api/config')).json().oauth.refreshTokens.reuse, 'allow');
});
