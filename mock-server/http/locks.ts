import type { Response } from 'express';
import * as locks from '../protocol/locks.js';
import { WopiHeader } from '../protocol/headers.js';
import type { FileRecord, StoreResult } from '../storage/file-store.js';
import type { Handler } from './call.js';
import type { HostContext } from './context.js';
import { requireResource } from './wopi-access.js';
import { requiredLockId, storeFailure } from './file-requests.js';

// Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/lock (and getlock,
// refreshlock, unlock, unlockandrelock). The rules themselves are in protocol/locks.ts.

/** 200 with the file's version, as mobile clients require on Lock and Unlock; or the conflict. */
function answer(res: Response, result: StoreResult<FileRecord>): void {
  if (!result.ok) throw storeFailure(res, result.failure);
  // Spec (mobile requirements): X-WOPI-ItemVersion on Lock, Unlock and PutFile responses.
  res.setHeader(WopiHeader.ItemVersion, String(result.value.version));
  res.status(200).end();
}

export function lockHandlers(context: HostContext) {
  const lock: Handler = async (req, res, call) => {
    const { user, record } = requireResource(call, context, 'file');
    const requested = requiredLockId(req);
    answer(res, await context.files.changeLock(record.id, user.id, (current, now) => locks.lock(current, requested, now)));
  };

  // Spec (GetLock): always answers X-WOPI-Lock, the empty string when the file is not locked.
  const getLock: Handler = (_req, res, call) => {
    const { record } = requireResource(call, context, 'file');
    res.setHeader(WopiHeader.Lock, context.files.lockOf(record)?.id ?? '');
    res.status(200).end();
  };

  const refreshLock: Handler = async (req, res, call) => {
    const { user, record } = requireResource(call, context, 'file');
    const requested = requiredLockId(req);
    answer(res, await context.files.changeLock(record.id, user.id, (current, now) => locks.refreshLock(current, requested, now)));
  };

  const unlock: Handler = async (req, res, call) => {
    const { user, record } = requireResource(call, context, 'file');
    const requested = requiredLockId(req);
    answer(res, await context.files.changeLock(record.id, user.id, (current) => locks.unlock(current, requested)));
  };

  const unlockAndRelock: Handler = async (req, res, call) => {
    const { user, record } = requireResource(call, context, 'file');
    const newLock = requiredLockId(req);
    const oldLock = requiredLockId(req, WopiHeader.OldLock);
    answer(
      res,
      await context.files.changeLock(record.id, user.id, (current, now) => locks.unlockAndRelock(current, oldLock, newLock, now)),
    );
  };

  return { lock, getLock, refreshLock, unlock, unlockAndRelock };
}
