import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileStore } from '../storage/file-store.js';
import { ReceivedActivities, receivedActivitiesOf, type ReceivedActivity } from './received-activities.js';

const entry = (id: string): ReceivedActivity => ({
  receivedAt: '2026-01-01T00:00:00.000Z',
  userId: 'alice',
  id,
  type: 'comment',
  status: 0,
  message: '',
  activity: { Id: id },
});

test('keeps the newest entries per file, oldest first', () => {
  const kept = new ReceivedActivities(3, 10);
  kept.add('f1', [entry('a'), entry('b')]);
  kept.add('f1', [entry('c'), entry('d')]);
  kept.add('f2', [entry('x')]);
  assert.deepEqual(
    kept.list('f1').map((e) => e.id),
    ['b', 'c', 'd'],
  );
  assert.deepEqual(
    kept.list('f2').map((e) => e.id),
    ['x'],
  );
  assert.deepEqual(kept.list('unknown'), []);
  kept.forget('f1');
  assert.deepEqual(kept.list('f1'), []);
});

test('past maxFiles the file written to least recently goes', () => {
  const kept = new ReceivedActivities(5, 2);
  kept.add('f1', [entry('1')]);
  kept.add('f2', [entry('2')]);
  kept.add('f1', [entry('1b')]);
  kept.add('f3', [entry('3')]);
  assert.deepEqual([kept.list('f1').length, kept.list('f2').length, kept.list('f3').length], [2, 0, 1]);
});

test('one store per engine, found through its file store, which forgets deleted files', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-activities-'));
  try {
    const { store: files } = await FileStore.open(dir);
    const { store: other } = await FileStore.open(dir);
    assert.equal(receivedActivitiesOf(files), receivedActivitiesOf(files));
    assert.notEqual(receivedActivitiesOf(files), receivedActivitiesOf(other));
    const root = await files.ensureRoot({ id: 'alice', friendlyName: 'Alice' });
    const created = await files.commands.createFile(root.id, 'alice', { mode: 'exact', name: 'a.docx', overwrite: false }, null);
    assert.ok(created.ok);
    receivedActivitiesOf(files).add(created.value.file.id, [entry('a')]);
    assert.equal((await files.commands.deleteFile(created.value.file.id, 'alice')).ok, true);
    assert.deepEqual(receivedActivitiesOf(files).list(created.value.file.id), []);
    await files.flush();
    await other.flush();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
