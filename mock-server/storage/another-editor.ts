import { randomBytes } from 'node:crypto';
import { lockLifetimeMs } from '../protocol/locks.js';
import type { FileStore } from './file-store.js';
import type { FileRecord } from './records.js';
import type { AnotherEditorAction } from './another-editor-actions.js';

/**
 * Another device acting on a file while the client works on it: it takes (or refreshes) the lock
 * with an id of its own, or saves a new version. What happens between a client's GetLock and its
 * PutFile in real life, on demand: the client's next PutFile then gets the protocol's 409 with the
 * other lock, or sees the version move.
 */

export { anotherEditorActions, isAnotherEditorAction, type AnotherEditorAction } from './another-editor-actions.js';

export interface AnotherEditorResult {
  fileId: string;
  action: AnotherEditorAction;
  /** The lock now on the file, if any. */
  lock: { id: string; expiresAt: string } | null;
  version: string;
}

export type AnotherEditorOutcome = { ok: true; value: AnotherEditorResult } | { ok: false; status: 404 | 409; message: string };

/** The lock id another editor uses unless one is given. */
export function anotherEditorLockId(): string {
  return `another-editor-${randomBytes(4).toString('hex')}`;
}

export async function actAsAnotherEditor(
  files: FileStore,
  fileId: string,
  action: AnotherEditorAction,
  options: { lockId?: string; content?: Uint8Array } = {},
): Promise<AnotherEditorOutcome> {
  const file = files.getOwned('file', fileId, null);
  if (!file) return { ok: false, status: 404, message: `no file ${fileId}` };
  const current = files.lockOf(file);
  let record: FileRecord;
  if (action === 'write') {
    // Whatever lock is on the file is taken to be that editor's; an unlocked file it locks, saves and unlocks, as Office does.
    const lockId = current?.id ?? anotherEditorLockId();
    if (!current)
      await files.changeLock(fileId, null, (_now, now) => ({ ok: true, lock: { id: lockId, expiresAt: now + lockLifetimeMs } }));
    const staged = await files.stage(
      options.content ?? Buffer.from(`Changed by another editor at ${new Date().toISOString()}\n`),
      Infinity,
    );
    const result = await files.commands.writeContent(fileId, null, staged, lockId);
    if (!current) await files.changeLock(fileId, null, () => ({ ok: true, lock: null }));
    if (!result.ok) return { ok: false, status: 409, message: `the file could not be written: ${result.failure.kind}` };
    record = files.getOwned('file', fileId, null) ?? result.value;
  } else {
    if (action === 'refreshLock' && current === null)
      return { ok: false, status: 409, message: 'the file is not locked: there is no lock to refresh' };
    const id = action === 'refreshLock' ? current!.id : (options.lockId ?? anotherEditorLockId());
    const result = await files.changeLock(fileId, null, (_current, now) => ({ ok: true, lock: { id, expiresAt: now + lockLifetimeMs } }));
    if (!result.ok) return { ok: false, status: 404, message: `no file ${fileId}` };
    record = result.value;
  }
  const lock = files.lockOf(record);
  return {
    ok: true,
    value: {
      fileId,
      action,
      lock: lock ? { id: lock.id, expiresAt: new Date(lock.expiresAt).toISOString() } : null,
      version: String(record.version),
    },
  };
}
