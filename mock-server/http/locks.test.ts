import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness, type Reply } from '../../test-support/host-fixture.js';
import { aliceRoot, fileInfo, newFile, override, putFile } from '../../test-support/file-fixture.js';

let h: Harness;
let root: string;

before(async () => {
  h = await startHarness();
  root = await aliceRoot(h);
});
after(async () => {
  await h.close();
});

const lock = (url: string, id: string) => override(h, url, 'LOCK', { 'x-wopi-lock': id });
const unlock = (url: string, id: string) => override(h, url, 'UNLOCK', { 'x-wopi-lock': id });
const refresh = (url: string, id: string) => override(h, url, 'REFRESH_LOCK', { 'x-wopi-lock': id });
const relock = (url: string, oldId: string, newId: string) => override(h, url, 'LOCK', { 'x-wopi-lock': newId, 'x-wopi-oldlock': oldId });
const getLock = (url: string) => override(h, url, 'GET_LOCK');

function assertConflict(reply: Reply, currentLock: string, reason: string): void {
  assert.equal(reply.status, 409, reply.text);
  assert.equal(reply.header('x-wopi-lock'), currentLock);
  assert.equal(reply.header('x-wopi-lockfailurereason'), reason);
}

describe('locks', () => {
  test('Lock, GetLock, RefreshLock, UnlockAndRelock, Unlock: the validator’s successful sequence', async () => {
    const { url } = await newFile(h, root, 'hello');
    const version = (await fileInfo(h, url)).Version;
    const locked = await lock(url, 'LockString');
    assert.equal(locked.status, 200);
    assert.equal(locked.header('x-wopi-itemversion'), version);
    assert.equal(locked.header('x-wopi-lock'), undefined, 'X-WOPI-Lock should not be sent on a 200 other than GetLock');
    assert.equal((await getLock(url)).header('x-wopi-lock'), 'LockString');
    assert.equal((await refresh(url, 'LockString')).status, 200);
    assert.equal((await relock(url, 'LockString', 'NewLockString')).status, 200);
    assert.equal((await getLock(url)).header('x-wopi-lock'), 'NewLockString');
    assertConflict(await unlock(url, 'LockString'), 'NewLockString', 'the file is locked with a different lock id');
    const unlocked = await unlock(url, 'NewLockString');
    assert.equal(unlocked.status, 200);
    assert.equal(unlocked.header('x-wopi-itemversion'), version);
    const after = await getLock(url);
    assert.equal(after.status, 200);
    assert.deepEqual(after.headers['x-wopi-lock'], ['']);
    assert.equal((await fileInfo(h, url)).Version, version, 'locks never change the version');
  });

  test('a second Lock with the same id refreshes; with another id it is a 409 carrying the current lock', async () => {
    const { url } = await newFile(h, root);
    assert.equal((await lock(url, 'A')).status, 200);
    assert.equal((await lock(url, 'A')).status, 200);
    assertConflict(await lock(url, 'B'), 'A', 'the file is locked with a different lock id');
    assertConflict(await refresh(url, 'B'), 'A', 'the file is locked with a different lock id');
    assertConflict(await relock(url, 'B', 'C'), 'A', 'the file is locked with a different lock id');
  });

  test('Unlock, RefreshLock and UnlockAndRelock on an unlocked file: 409 with X-WOPI-Lock ""', async () => {
    const { url } = await newFile(h, root);
    for (const reply of [await unlock(url, 'LockString'), await refresh(url, 'LockString'), await relock(url, 'LockString', 'New')]) {
      assert.deepEqual(reply.headers['x-wopi-lock'], ['']);
      assertConflict(reply, '', 'the file is not locked');
    }
  });

  test('lock ids: JSON-shaped and 1024 characters work, 1025 characters, empty or missing are a 400', async () => {
    const { url } = await newFile(h, root);
    const office = '{"S":"0136ad16-9725-43c3-9ea0-5e01d2dbc162","E":2,"M":"DE997C5AC4E6","P":"6058AF1E-A36F-4691-9003-B8E2C7F50937"}';
    assert.equal((await lock(url, office)).status, 200);
    assert.equal((await getLock(url)).header('x-wopi-lock'), office);
    assert.equal((await unlock(url, office)).status, 200);
    const long = '1234567890'.repeat(102) + '1234';
    assert.equal(long.length, 1024);
    assert.equal((await lock(url, long)).status, 200);
    assert.equal((await getLock(url)).header('x-wopi-lock'), long);
    assert.equal((await unlock(url, long)).status, 200);
    assert.equal((await lock(url, long + '5')).status, 400);
    assert.equal((await lock(url, '')).status, 400);
    assert.equal((await override(h, url, 'LOCK')).status, 400);
    assert.equal((await relock(url, '', 'New')).status, 400);
    assert.deepEqual((await getLock(url)).headers['x-wopi-lock'], ['']);
  });

  test('a lock expires 30 minutes after it was set or refreshed', async () => {
    const { url } = await newFile(h, root);
    assert.equal((await lock(url, 'L')).status, 200);
    h.advance(29 * 60_000);
    assert.equal((await refresh(url, 'L')).status, 200);
    h.advance(29 * 60_000);
    assert.equal((await getLock(url)).header('x-wopi-lock'), 'L', 'refreshed 29 minutes ago: still locked');
    h.advance(60_000);
    assert.deepEqual((await getLock(url)).headers['x-wopi-lock'], ['']);
    assertConflict(await unlock(url, 'L'), '', 'the file is not locked');
    // Another client may now lock it.
    assert.equal((await lock(url, 'M')).status, 200);
  });

  test('PutFile: with the lock id it saves and returns the new version; without or with another, 409 and nothing changes', async () => {
    const { url } = await newFile(h, root, 'v1');
    assert.equal((await lock(url, 'L')).status, 200);
    const before = await fileInfo(h, url);
    assertConflict(await putFile(h, url, 'wrong'), 'L', 'the file is locked with a different lock id');
    assertConflict(await putFile(h, url, 'wrong', 'X'), 'L', 'the file is locked with a different lock id');
    assert.equal((await h.request('GET', url.replace('?', '/contents?'))).text, 'v1');
    const saved = await putFile(h, url, 'v2', 'L');
    assert.equal(saved.status, 200);
    assert.equal(saved.header('x-wopi-itemversion'), String(Number(before.Version) + 1));
    const after = await fileInfo(h, url);
    assert.equal(after.Version, saved.header('x-wopi-itemversion'));
    assert.equal(after.Size, 2);
  });

  test('PutFile on an unlocked file: allowed while it is 0 bytes, then 409 with X-WOPI-Lock ""', async () => {
    const { url } = await newFile(h, root);
    assert.equal((await fileInfo(h, url)).Size, 0);
    assert.equal((await putFile(h, url, 'first content')).status, 200);
    assertConflict(await putFile(h, url, 'second'), '', 'the file is not locked and is not empty');
  });

  test('fault rules match lock and save operations by name', async () => {
    const { url } = await newFile(h, root, 'x');
    const added = await h.admin('POST', '/api/faults', { operation: 'Lock', status: 503, remaining: 1 });
    assert.equal(added.status, 201);
    assert.equal((await override(h, url, 'GET_LOCK')).status, 200, 'GetLock is another operation');
    assert.equal((await lock(url, 'L')).status, 503);
    assert.equal((await lock(url, 'L')).status, 200, 'the rule fired once and removed itself');
    assert.equal((await h.admin('POST', '/api/faults', { operation: 'PutFile', delayMs: 0, status: 500, remaining: 1 })).status, 201);
    assert.equal((await putFile(h, url, 'y', 'L')).status, 500);
    const [entry] = (await h.admin('GET', '/api/log?limit=1')).json().entries;
    assert.equal(entry.operation, 'PutFile');
    assert.ok(entry.faultId);
    assert.equal((await putFile(h, url, 'y', 'L')).status, 200);
  });

  test('lock operations on another user’s file or with a bad token are 404 / 401, and are logged by name', async () => {
    const { url } = await newFile(h, root);
    const bad = await override(h, url.replace(/access_token=[^&]+/, 'access_token=INVALID'), 'LOCK', { 'x-wopi-lock': 'L' });
    assert.equal(bad.status, 401);
    const entries = (await h.admin('GET', '/api/log?limit=1')).json().entries;
    assert.equal(entries[0].operation, 'Lock');
    assert.equal(entries[0].status, 401);
    const bob = (await h.signIn('bob')).access_token;
    const bobRoot = (
      await h.request('POST', '/wopibootstrapper', {
        headers: { authorization: `Bearer ${bob}`, 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' },
      })
    ).json();
    const bobToken = new URL(bobRoot.RootContainerInfo.ContainerPointer.Url).searchParams.get('access_token')!;
    const id = new URL(url).pathname.split('/').pop();
    assert.equal((await override(h, `/wopi/files/${id}?access_token=${bobToken}`, 'LOCK', { 'x-wopi-lock': 'L' })).status, 404);
  });
});
