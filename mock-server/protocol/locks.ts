/**
 * WOPI lock rules as pure decisions over the lock a file holds now. Locks are opaque strings,
 * not owned by a user, and expire 30 minutes after they were set or last refreshed.
 */
// Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/concepts#lock

import { secondsToMs } from './time.js';

/** With SupportsExtendedLockLength, lock ids may be up to 1024 characters (256 otherwise). */
export const maxLockIdLength = 1024;
export const lockLifetimeMs = secondsToMs(30 * 60);

export interface Lock {
  id: string;
  /** Epoch milliseconds after which the lock no longer exists. */
  expiresAt: number;
}

/** Either the lock the file holds afterwards, or a conflict: 409 with the current lock ("" when unlocked). */
export type LockDecision = { ok: true; lock: Lock | null } | { ok: false; currentLock: string; reason: string };

/** The lock that still holds at `now`; an expired one is as good as none. */
export function activeLock(lock: Lock | null | undefined, now: number): Lock | null {
  return lock && lock.expiresAt > now ? lock : null;
}

/** Why a lock id from a request cannot be used, or null when it can. */
export function lockIdProblem(id: string): string | null {
  if (id === '') return 'is empty';
  if (id.length > maxLockIdLength) return `is ${id.length} characters long; at most ${maxLockIdLength} are supported`;
  return null;
}

const fresh = (id: string, now: number): Lock => ({ id, expiresAt: now + lockLifetimeMs });
const conflict = (current: Lock | null, reason: string): LockDecision => ({ ok: false, currentLock: current?.id ?? '', reason });
const mismatch = (current: Lock) => conflict(current, 'the file is locked with a different lock id');
const notLocked: LockDecision = { ok: false, currentLock: '', reason: 'the file is not locked' };

// Spec (Lock): locking with the lock the file already holds refreshes it.
export function lock(current: Lock | null, requested: string, now: number): LockDecision {
  if (current && current.id !== requested) return mismatch(current);
  return { ok: true, lock: fresh(requested, now) };
}

export function refreshLock(current: Lock | null, requested: string, now: number): LockDecision {
  if (!current) return notLocked;
  if (current.id !== requested) return mismatch(current);
  return { ok: true, lock: fresh(requested, now) };
}

// Spec (Unlock): on an unlocked file, 409 with X-WOPI-Lock set to the empty string.
export function unlock(current: Lock | null, requested: string): LockDecision {
  if (!current) return notLocked;
  if (current.id !== requested) return mismatch(current);
  return { ok: true, lock: null };
}

export function unlockAndRelock(current: Lock | null, oldLock: string, newLock: string, now: number): LockDecision {
  if (!current) return notLocked;
  if (current.id !== oldLock) return mismatch(current);
  return { ok: true, lock: fresh(newLock, now) };
}

/**
 * PutFile: a locked file takes content only with its lock id; an unlocked one only while it is
 * 0 bytes, which is how a file made by CreateChildFile gets its first content.
 */
// Spec (PutFile): "If the file is currently not locked, the host must check the current size of the
// file. If it is 0 bytes, the PutFile operation should proceed. If the file is not 0 bytes, … 409".
export function putFile(current: Lock | null, requested: string | undefined, size: number): LockDecision {
  if (current) return requested === current.id ? { ok: true, lock: current } : mismatch(current);
  if (size === 0) return { ok: true, lock: null };
  return { ok: false, currentLock: '', reason: 'the file is not locked and is not empty' };
}

/** RenameFile, DeleteFile, overwriting: allowed on an unlocked file, or with the lock it holds. */
export function changeLockedFile(current: Lock | null, requested: string | undefined): LockDecision {
  if (current && requested !== current.id)
    return conflict(current, requested === undefined ? 'the file is locked' : 'the file is locked with a different lock id');
  return { ok: true, lock: current };
}
