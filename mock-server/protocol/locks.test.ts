import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  activeLock,
  changeLockedFile,
  lock,
  lockIdProblem,
  lockLifetimeMs,
  putFile,
  refreshLock,
  unlock,
  unlockAndRelock,
  type Lock,
} from './locks.js';

const now = 1_800_000_000_000;
const held: Lock = { id: 'A', expiresAt: now + 1000 };

describe('lock decisions', () => {
  const cases: Array<[string, ReturnType<typeof lock>, ReturnType<typeof lock>]> = [
    ['Lock an unlocked file', lock(null, 'A', now), { ok: true, lock: { id: 'A', expiresAt: now + lockLifetimeMs } }],
    ['Lock again with the same id refreshes', lock(held, 'A', now), { ok: true, lock: { id: 'A', expiresAt: now + 30 * 60_000 } }],
    ['Lock with another id', lock(held, 'B', now), { ok: false, currentLock: 'A', reason: 'the file is locked with a different lock id' }],
    ['RefreshLock with the id', refreshLock(held, 'A', now), { ok: true, lock: { id: 'A', expiresAt: now + lockLifetimeMs } }],
    ['RefreshLock unlocked', refreshLock(null, 'A', now), { ok: false, currentLock: '', reason: 'the file is not locked' }],
    [
      'RefreshLock mismatch',
      refreshLock(held, 'B', now),
      { ok: false, currentLock: 'A', reason: 'the file is locked with a different lock id' },
    ],
    ['Unlock with the id', unlock(held, 'A'), { ok: true, lock: null }],
    ['Unlock unlocked (validator UnlockUnlockedFile)', unlock(null, 'A'), { ok: false, currentLock: '', reason: 'the file is not locked' }],
    ['Unlock mismatch', unlock(held, 'B'), { ok: false, currentLock: 'A', reason: 'the file is locked with a different lock id' }],
    ['UnlockAndRelock', unlockAndRelock(held, 'A', 'B', now), { ok: true, lock: { id: 'B', expiresAt: now + lockLifetimeMs } }],
    [
      'UnlockAndRelock with a wrong old lock',
      unlockAndRelock(held, 'X', 'B', now),
      { ok: false, currentLock: 'A', reason: 'the file is locked with a different lock id' },
    ],
    ['UnlockAndRelock unlocked', unlockAndRelock(null, 'A', 'B', now), { ok: false, currentLock: '', reason: 'the file is not locked' }],
    ['PutFile with the lock', putFile(held, 'A', 10), { ok: true, lock: held }],
    [
      'PutFile without the lock on a locked file',
      putFile(held, undefined, 0),
      { ok: false, currentLock: 'A', reason: 'the file is locked with a different lock id' },
    ],
    ['PutFile on an unlocked 0-byte file', putFile(null, undefined, 0), { ok: true, lock: null }],
    ['PutFile with a lock id on an unlocked 0-byte file', putFile(null, 'A', 0), { ok: true, lock: null }],
    [
      'PutFile on an unlocked non-empty file',
      putFile(null, 'A', 1),
      { ok: false, currentLock: '', reason: 'the file is not locked and is not empty' },
    ],
    ['Rename/Delete unlocked', changeLockedFile(null, undefined), { ok: true, lock: null }],
    ['Rename with the lock', changeLockedFile(held, 'A'), { ok: true, lock: held }],
    ['Delete of a locked file', changeLockedFile(held, undefined), { ok: false, currentLock: 'A', reason: 'the file is locked' }],
    [
      'Rename with a wrong lock',
      changeLockedFile(held, 'B'),
      { ok: false, currentLock: 'A', reason: 'the file is locked with a different lock id' },
    ],
  ];
  for (const [name, actual, expected] of cases) test(name, () => assert.deepEqual(actual, expected));
});

describe('lock ids and expiry', () => {
  test('ids of 1 to 1024 characters are accepted', () => {
    assert.equal(lockIdProblem('x'), null);
    assert.equal(lockIdProblem('x'.repeat(1024)), null);
    assert.equal(lockIdProblem('x'.repeat(1025)), 'is 1025 characters long; at most 1024 are supported');
    assert.equal(lockIdProblem(''), 'is empty');
  });

  test('a lock holds until, not at, its expiry', () => {
    assert.equal(activeLock(held, now + 999), held);
    assert.equal(activeLock(held, now + 1000), null);
    assert.equal(activeLock(undefined, now), null);
  });
});
