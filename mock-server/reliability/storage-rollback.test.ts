import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileStore, StorageWriteError } from '../storage/file-store.js';
import { eventually } from '../../test-support/wire.js';

/**
 * When the index cannot be saved, the store must not keep in memory what the disk refused: every
 * command whose change was in the failed save (or waiting for the next one) fails with
 * StorageWriteError and is undone, blobs only those changes used are removed, and the next save
 * that works writes none of them. The disk refuses for real: index.json is turned into a folder,
 * so the atomic rename over it fails (root ignores permissions; this it cannot get around).
 */

const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test('commands caught by a failed index save all fail, are undone in memory, and never reach the disk', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'wopi-rollback-'));
  dirs.push(dataDir);
  const { store } = await FileStore.open(dataDir, () => Date.parse('2026-01-01T00:00:00Z'));
  const root = await store.ensureRoot({ id: 'alice', friendlyName: 'Alice' });
  const [first, second, third] = store.children(root.id).files;
  assert.ok(first && second && third, 'the seeded documents');
  const indexFile = path.join(dataDir, 'storage', 'index.json');
  const blobsDir = path.join(dataDir, 'storage', 'blobs');
  await store.flush();
  const memoryBefore = JSON.stringify({
    children: store.children(root.id),
    userInfo: store.userInfo('alice'),
    lock: store.lockOf(store.getOwned('file', second.id, 'alice')!),
  });
  const diskBefore = await readFile(indexFile, 'utf8');
  const blobsBefore = (await readdir(blobsDir)).sort();
  const staged = await store.stage(Buffer.from('content of a copy'), Infinity);

  await rm(indexFile);
  await mkdir(path.join(indexFile, 'in-the-way'), { recursive: true });
  // All in one turn of the event loop: the first starts a write, the others wait for the next one.
  const results = await Promise.allSettled([
    store.commands.createFile(root.id, 'alice', { mode: 'suggested', name: 'copy.docx' }, staged),
    store.changeLock(second.id, 'alice', (_current, now) => ({ ok: true, lock: { id: 'L', expiresAt: now + 60_000 } })),
    store.commands.renameFile(third.id, 'alice', 'renamed', undefined),
    store.commands.createContainer(root.id, 'alice', { mode: 'suggested', name: 'New folder' }),
    store.setUserInfo('alice', 'info that never saved'),
  ]);
  for (const [i, result] of results.entries()) {
    assert.equal(result.status, 'rejected', `command ${i} succeeded: ${JSON.stringify(result)}`);
    const reason = result.reason;
    assert.ok(reason instanceof StorageWriteError, `command ${i}: ${String(reason)}`);
    assert.equal(reason.what, 'change');
  }
  assert.equal(
    JSON.stringify({
      children: store.children(root.id),
      userInfo: store.userInfo('alice'),
      lock: store.lockOf(store.getOwned('file', second.id, 'alice')!),
    }),
    memoryBefore,
    'memory still holds a refused change',
  );
  // The staged blob only the refused PutRelativeFile used is gone; every blob the index names is still there.
  assert.deepEqual(
    await eventually(
      async () => (await readdir(blobsDir)).sort(),
      (b) => b.length === blobsBefore.length,
    ),
    blobsBefore,
  );

  await rm(indexFile, { recursive: true });
  await writeFile(indexFile, diskBefore);
  const later = await store.commands.renameFile(first.id, 'alice', 'saved later', undefined);
  assert.equal(later.ok, true);
  await store.flush();
  const disk = JSON.parse(await readFile(indexFile, 'utf8'));
  const expected = JSON.parse(diskBefore);
  expected.resources[first.id] = {
    ...expected.resources[first.id],
    name: `saved later${path.extname(first.name)}`,
    version: expected.resources[first.id].version + 1,
  };
  assert.deepEqual(disk, expected, 'the next save holds that change and none of the refused ones');
});
