import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';
import { aliceRoot, fileInfo, getFile, newFile, override, putFile } from '../../test-support/file-fixture.js';

/** Another editor (POST /api/files/:id/another-editor) acting between the client's calls, over real HTTPS. */

let h: Harness;
let root: string;
before(async () => {
  h = await startHarness();
  root = await aliceRoot(h);
});
after(() => h.close());

const fileIdOf = (url: string) => decodeURIComponent(new URL(url).pathname.split('/').pop()!);
const act = (url: string, body: Record<string, unknown>) =>
  h.admin('POST', `/api/files/${encodeURIComponent(fileIdOf(url))}/another-editor`, body);

test("another editor takes the lock: the client's next PutFile gets 409 with the other lock", async () => {
  const file = await newFile(h, root, 'v1');
  assert.equal((await override(h, file.url, 'LOCK', { 'x-wopi-lock': 'client-lock' })).status, 200);
  const taken = await act(file.url, { action: 'lock' });
  assert.equal(taken.status, 200, taken.text);
  const other = taken.json().lock.id as string;
  assert.match(other, /^another-editor-[0-9a-f]{8}$/);
  const put = await putFile(h, file.url, 'v2', 'client-lock');
  assert.equal(put.status, 409);
  assert.equal(put.header('x-wopi-lock'), other);
  const getLock = await override(h, file.url, 'GET_LOCK');
  assert.equal(getLock.header('x-wopi-lock'), other);
});

test('another editor refreshes its lock with the id it chose, or says there is none', async () => {
  const file = await newFile(h, root, 'v1');
  assert.equal((await act(file.url, { action: 'refreshLock' })).status, 409);
  assert.equal((await act(file.url, { action: 'lock', lockId: 'tablet' })).json().lock.id, 'tablet');
  h.advance(20 * 60 * 1000);
  const refreshed = await act(file.url, { action: 'refreshLock' });
  assert.equal(refreshed.json().lock.id, 'tablet');
  assert.equal(refreshed.json().lock.expiresAt, new Date(h.now() + 30 * 60 * 1000).toISOString());
});

test('another editor writes a new version: the version moves and the content is theirs', async () => {
  const file = await newFile(h, root, 'mine');
  const before = (await fileInfo(h, file.url))['Version'] as string;
  const written = await act(file.url, { action: 'write', content: 'theirs' });
  assert.equal(written.status, 200, written.text);
  assert.notEqual(written.json().version, before);
  assert.equal((await fileInfo(h, file.url))['Version'], written.json().version);
  assert.equal((await getFile(h, file.url)).text, 'theirs');
});

test('bad requests say what is wrong', async () => {
  const file = await newFile(h, root);
  assert.match((await act(file.url, { action: 'dance' })).text, /action must be one of lock, refreshLock, write/);
  assert.equal((await act(file.url, { action: 'lock', lockId: '' })).status, 400);
  assert.equal((await h.admin('POST', '/api/files/nope/another-editor', { action: 'lock' })).status, 404);
});
