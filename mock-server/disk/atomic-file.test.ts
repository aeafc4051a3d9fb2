import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { keepAside, readIfExists, removeStaleTemporaries, writeFileAtomic } from './atomic-file.js';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'atomic-file-'));
  dirs.push(dir);
  return dir;
}

/** Data writeFileAtomic accepts at run time (FileHandle.writeFile takes iterables) though its type does not say so. */
function asData(chunks: AsyncIterable<string>): string {
  return chunks as unknown as string;
}

/** Chunks that stop after the first one until `release` is called, to hold a write half-way. */
function heldChunks(first: string, rest: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const startedWriting = new Promise<void>((resolve) => (started = resolve));
  async function* chunks() {
    yield first;
    started();
    await released;
    yield rest;
  }
  return { data: asData(chunks()), startedWriting, release };
}

const temporaryName = /^\.target\.txt\.\d+\.[0-9a-f]{16}\.tmp$/;

describe('writeFileAtomic', () => {
  test('writes the content, creating the folder, and replaces an earlier file whole', async () => {
    const target = path.join(await tempDir(), 'nested', 'target.txt');
    await writeFileAtomic(target, 'first');
    assert.equal(await readFile(target, 'utf8'), 'first');
    await writeFileAtomic(target, new TextEncoder().encode('second'));
    assert.equal(await readFile(target, 'utf8'), 'second');
    assert.deepEqual(await readdir(path.dirname(target)), ['target.txt']);
  });

  test(
    'gives the file exactly the mode asked for, whatever the umask, also when it replaces a file of another mode',
    { skip: process.platform === 'win32' },
    async () => {
      const dir = await tempDir();
      const previous = process.umask(0o077);
      try {
        await writeFileAtomic(path.join(dir, 'public.txt'), 'x', 0o644);
        await writeFileAtomic(path.join(dir, 'default.txt'), 'x');
        await writeFile(path.join(dir, 'secret.key'), 'old', { mode: 0o666 });
        await writeFileAtomic(path.join(dir, 'secret.key'), 'new', 0o600);
      } finally {
        process.umask(previous);
      }
      const modeOf = async (name: string) => (await stat(path.join(dir, name))).mode & 0o777;
      assert.equal(await modeOf('public.txt'), 0o644);
      assert.equal(await modeOf('default.txt'), 0o644);
      assert.equal(await modeOf('secret.key'), 0o600);
    },
  );

  test('a write that fails half-way leaves the old content and no temporary file', async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'target.txt');
    await writeFile(target, 'old content');
    async function* failing() {
      yield 'new content, first half';
      await Promise.resolve();
      throw new Error('disk went away');
    }
    await assert.rejects(writeFileAtomic(target, asData(failing())), /disk went away/);
    assert.equal(await readFile(target, 'utf8'), 'old content');
    assert.deepEqual(await readdir(dir), ['target.txt']);
  });

  test('a write that cannot be renamed into place leaves no temporary file', async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'target.txt');
    await mkdir(path.join(target, 'inside'), { recursive: true });
    await assert.rejects(writeFileAtomic(target, 'content'));
    assert.deepEqual(await readdir(dir), ['target.txt']);
    assert.deepEqual(await readdir(target), ['inside']);
  });

  test('nothing of a write in progress is visible at the target; its temporary file is one removeStaleTemporaries knows', async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'target.txt');
    await writeFile(target, 'old');
    const held = heldChunks('new ', 'content');
    const writing = writeFileAtomic(target, held.data);
    await held.startedWriting;
    assert.equal(await readFile(target, 'utf8'), 'old');
    const temporaries = (await readdir(dir)).filter((name) => name !== 'target.txt');
    assert.equal(temporaries.length, 1);
    assert.match(temporaries[0]!, temporaryName);
    held.release();
    await writing;
    assert.equal(await readFile(target, 'utf8'), 'new content');
    assert.deepEqual(await readdir(dir), ['target.txt']);
  });

  test('concurrent writes of one file each get a temporary file of their own, and the file ends up whole', async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'target.txt');
    const held = Array.from({ length: 20 }, (_, i) => heldChunks(`writer ${i} `.repeat(50), 'done'));
    const writes = held.map((h) => writeFileAtomic(target, h.data));
    await Promise.all(held.map((h) => h.startedWriting));
    const temporaries = (await readdir(dir)).filter((name) => name !== 'target.txt');
    assert.equal(temporaries.length, held.length, 'one temporary file per writer');
    for (const name of temporaries) assert.match(name, temporaryName);
    held.forEach((h) => h.release());
    await Promise.all(writes);
    const text = await readFile(target, 'utf8');
    assert.ok(
      held.some((_, i) => text === `writer ${i} `.repeat(50) + 'done'),
      `the file holds exactly one writer's content: ${text.slice(0, 40)}…`,
    );
    assert.deepEqual(await readdir(dir), ['target.txt']);
  });
});

describe('removeStaleTemporaries', () => {
  test('removes what a killed write left beside the file, and nothing else', async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'target.txt');
    const left = ['.target.txt.123.0123456789abcdef.tmp', '.target.txt.45.k2j3h4.tmp'];
    const kept = ['target.txt', '.target.txt.notes', '.other.txt.123.abc.tmp', 'target.txt.corrupt-2026-01-01T00-00-00-000Z'];
    for (const name of [...left, ...kept]) await writeFile(path.join(dir, name), name);
    assert.deepEqual((await removeStaleTemporaries(target)).sort(), left.sort());
    assert.deepEqual((await readdir(dir)).sort(), kept.sort());
    assert.deepEqual(await removeStaleTemporaries(path.join(dir, 'missing', 'file')), []);
  });
});

describe('keepAside', () => {
  test('moves the file to a name of its own, never over one kept aside earlier at the same instant', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'state.json');
    const now = new Date('2026-01-01T12:34:56.789Z');
    const kept: string[] = [];
    for (const content of ['first', 'second', 'third']) {
      await writeFile(file, content);
      kept.push(await keepAside(file, now));
    }
    const base = `${file}.corrupt-2026-01-01T12-34-56-789Z`;
    assert.deepEqual(kept, [base, `${base}-2`, `${base}-3`]);
    assert.deepEqual(await Promise.all(kept.map((k) => readFile(k, 'utf8'))), ['first', 'second', 'third']);
    assert.equal(await readIfExists(file), undefined);
  });
});
