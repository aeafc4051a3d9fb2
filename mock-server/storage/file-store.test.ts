import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startHarness } from '../../test-support/host-fixture.js';
import { aliceRoot, fileInfo, getFile, newFile, override } from '../../test-support/file-fixture.js';
import { FileStore } from './file-store.js';

async function withDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-store-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('persistence', () => {
  test('content, versions, names, containers, locks and user info survive an engine restart', async () => {
    await withDir(async (dataDir) => {
      const first = await startHarness({ dataDir });
      let fileUrl: string;
      let version: string;
      try {
        const root = await aliceRoot(first);
        const folderUrl = (await override(first, root, 'CREATE_CHILD_CONTAINER', { 'x-wopi-relativetarget': 'Kept' })).json()
          .ContainerPointer.Url;
        fileUrl = (await newFile(first, folderUrl, 'saved bytes', 'Notes.docx')).url;
        assert.equal((await override(first, fileUrl, 'RENAME_FILE', { 'x-wopi-requestedname': 'Renamed notes' })).status, 200);
        assert.equal((await override(first, fileUrl, 'LOCK', { 'x-wopi-lock': 'KeptLock' })).status, 200);
        assert.equal((await override(first, fileUrl, 'PUT_USER_INFO', {}, 'kept info')).status, 200);
        version = (await fileInfo(first, fileUrl)).Version;
        // The new engine listens on another port: keep path and token, drop the origin.
        fileUrl = new URL(fileUrl).pathname + new URL(fileUrl).search;
      } finally {
        await first.close();
      }

      // Same data dir, same signing key: the old URLs and tokens still work.
      const second = await startHarness({ dataDir });
      fileUrl = second.origin + fileUrl;
      try {
        const info = await fileInfo(second, fileUrl);
        assert.equal(info.BaseFileName, 'Renamed notes.docx');
        assert.equal(info.Version, version);
        assert.equal(info.Size, 11);
        assert.equal(info.UserInfo, 'kept info');
        assert.equal((await getFile(second, fileUrl)).text, 'saved bytes');
        assert.equal((await override(second, fileUrl, 'GET_LOCK')).header('x-wopi-lock'), 'KeptLock');
        assert.equal((await override(second, fileUrl, 'LOCK', { 'x-wopi-lock': 'Other' })).status, 409);
        const ancestry = (await second.request('GET', fileUrl.replace('?', '/ancestry?'))).json().AncestorsWithRootFirst;
        assert.deepEqual(
          ancestry.map((a: { Name: string }) => a.Name),
          ['Documents', 'Kept'],
        );
      } finally {
        await second.close();
      }
    });
  });
});

describe('FileStore.open', () => {
  test('removes temp files a crash left and blobs nothing references; keeps the rest', async () => {
    await withDir(async (dataDir) => {
      const { store } = await FileStore.open(dataDir);
      await store.ensureRoot({ id: 'alice', friendlyName: 'Alice' });
      await store.flush();
      const blobs = path.join(dataDir, 'storage', 'blobs');
      const kept = (await readdir(blobs)).sort();
      assert.equal(kept.length, 3);
      await writeFile(path.join(blobs, '.incoming-abc'), 'half a file');
      await writeFile(path.join(blobs, 'orphanBlob123'), 'from a commit that never reached the index');
      await FileStore.open(dataDir);
      assert.deepEqual((await readdir(blobs)).sort(), kept);
    });
  });

  test('an index from before versioned blobs reads its content from blobs named by file id', async () => {
    await withDir(async (dataDir) => {
      const blobs = path.join(dataDir, 'storage', 'blobs');
      const { store: created } = await FileStore.open(dataDir);
      await created.ensureRoot({ id: 'alice', friendlyName: 'Alice' });
      await created.flush();
      const index = JSON.parse(await readFile(path.join(dataDir, 'storage', 'index.json'), 'utf8'));
      const file = Object.values<any>(index.resources).find((r) => r.kind === 'file');
      await writeFile(path.join(blobs, file.id), 'legacy content');
      delete file.blob;
      delete index.userInfo;
      await writeFile(path.join(dataDir, 'storage', 'index.json'), JSON.stringify(index));
      const { store } = await FileStore.open(dataDir);
      const opened = await store.openContent(file.id, 'alice');
      assert.ok(opened);
      let text = '';
      for await (const chunk of opened.stream) text += chunk;
      assert.equal(text, 'legacy content');
      assert.equal(store.userInfo('alice'), '');
    });
  });

  test('an unreadable index is kept aside, never overwritten, and reported', async () => {
    await withDir(async (dataDir) => {
      await FileStore.open(dataDir);
      await writeFile(path.join(dataDir, 'storage', 'index.json'), '{ not json');
      const { store, warnings } = await FileStore.open(dataDir);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /^storage index .*index\.json was unreadable; kept it at .*index\.json\.corrupt-/);
      assert.equal(store.owners().length, 0);
      const aside = (await readdir(path.join(dataDir, 'storage'))).filter((f) => f.startsWith('index.json.corrupt-'));
      assert.equal(await readFile(path.join(dataDir, 'storage', aside[0]!), 'utf8'), '{ not json');
    });
  });
});
