import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';
import { aliceRoot, fileInfo, getFile, newFile, override, putFile } from '../../test-support/file-fixture.js';

/**
 * Many requests on one file at once, over real HTTPS: every change lands exactly once (no lost
 * update), readers only ever see whole versions (no torn file), and the index on disk ends up
 * describing exactly the blobs that are there.
 */

let h: Harness;
let root: string;

before(async () => {
  h = await startHarness();
  root = await aliceRoot(h);
});
after(async () => {
  await h.close();
});

const idOf = (url: string) => new URL(url).pathname.split('/').pop()!;

/** Distinct bodies of different sizes, some spanning many TCP chunks. */
const bodyFor = (i: number) => Buffer.from(`body ${i};`.repeat(1 + ((i * 7919) % 40) * 500));

async function diskIndex(): Promise<{
  resources: Record<string, { kind: string; blob?: string | null; size?: number; version?: number; lock?: { id: string } }>;
}> {
  await h.engine.files.flush();
  return JSON.parse(await readFile(path.join(h.dataDir, 'storage', 'index.json'), 'utf8'));
}

describe('concurrent requests on one file', () => {
  test('40 parallel PutFiles with the lock: 40 distinct versions, the last one’s bytes win, readers never see a torn file', async () => {
    const { url } = await newFile(h, root, 'initial');
    assert.equal((await override(h, url, 'LOCK', { 'x-wopi-lock': 'L' })).status, 200);
    const start = Number((await fileInfo(h, url)).Version);
    const writers = Array.from({ length: 40 }, (_, i) => putFile(h, url, bodyFor(i), 'L'));
    const readers = Array.from({ length: 20 }, () => getFile(h, url));
    const [written, read] = await Promise.all([Promise.all(writers), Promise.all(readers)]);

    const bodyByVersion = new Map<string, Buffer>([[String(start), Buffer.from('initial')]]);
    written.forEach((reply, i) => {
      assert.equal(reply.status, 200);
      bodyByVersion.set(reply.header('x-wopi-itemversion')!, bodyFor(i));
    });
    assert.deepEqual(
      [...bodyByVersion.keys()].map(Number).sort((a, b) => a - b),
      Array.from({ length: 41 }, (_, i) => start + i),
    );
    for (const reply of read) {
      assert.equal(reply.status, 200);
      const expected = bodyByVersion.get(reply.header('x-wopi-itemversion')!);
      assert.ok(expected, `GetFile answered an unknown version ${reply.header('x-wopi-itemversion')}`);
      assert.ok(reply.body.equals(expected), 'GetFile bytes match the version it announced');
    }

    const last = bodyByVersion.get(String(start + 40))!;
    assert.ok((await getFile(h, url)).body.equals(last));
    const info = await fileInfo(h, url);
    assert.equal(info.Version, String(start + 40));
    assert.equal(info.Size, last.length);

    const record = (await diskIndex()).resources[idOf(url)]!;
    assert.equal(record.version, start + 40);
    assert.equal(record.size, last.length);
    assert.ok((await readFile(path.join(h.dataDir, 'storage', 'blobs', record.blob!))).equals(last));
  });

  test('30 parallel Locks with different ids: exactly one wins, every other gets 409 naming the winner', async () => {
    const { url } = await newFile(h, root, 'x');
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => override(h, url, 'LOCK', { 'x-wopi-lock': `lock-${i}` })));
    const winners = replies.map((r, i) => (r.status === 200 ? `lock-${i}` : null)).filter((id) => id !== null);
    assert.equal(winners.length, 1);
    for (const reply of replies.filter((r) => r.status !== 200)) {
      assert.equal(reply.status, 409);
      assert.equal(reply.header('x-wopi-lock'), winners[0]);
    }
    assert.equal((await override(h, url, 'GET_LOCK')).header('x-wopi-lock'), winners[0]);
    assert.equal((await diskIndex()).resources[idOf(url)]!.lock?.id, winners[0]);
  });

  test('parallel unlocked PutFiles on a 0-byte file: exactly one lands, the rest are 409', async () => {
    const { url } = await newFile(h, root);
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => putFile(h, url, bodyFor(i))));
    const landed = replies.flatMap((r, i) => (r.status === 200 ? [i] : []));
    assert.equal(landed.length, 1);
    assert.deepEqual(new Set(replies.map((r) => r.status)), new Set([200, 409]));
    assert.ok((await getFile(h, url)).body.equals(bodyFor(landed[0]!)));
  });

  test('parallel CreateChildFile: one exact name is created once; suggested names are all distinct', async () => {
    const exact = await Promise.all(
      Array.from({ length: 15 }, () => override(h, root, 'CREATE_CHILD_FILE', { 'x-wopi-relativetarget': 'Race.docx' })),
    );
    assert.equal(exact.filter((r) => r.status === 200).length, 1);
    assert.equal(exact.filter((r) => r.status === 409).length, 14);
    const suggested = await Promise.all(
      Array.from({ length: 15 }, () => override(h, root, 'CREATE_CHILD_FILE', { 'x-wopi-suggestedtarget': 'Suggested.docx' })),
    );
    const names = suggested.map((r) => r.json().Name as string);
    assert.equal(new Set(names).size, 15);
    assert.ok(names.includes('Suggested.docx') && names.includes('Suggested (15).docx'));
  });

  test('afterwards the blob folder holds exactly the blobs the index references', async () => {
    const index = await diskIndex();
    const referenced = Object.values(index.resources).flatMap((r) => (r.kind === 'file' && r.blob ? [r.blob] : []));
    const onDisk = await readdir(path.join(h.dataDir, 'storage', 'blobs'));
    assert.deepEqual(onDisk.sort(), referenced.sort());
  });
});
