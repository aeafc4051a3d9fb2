import { randomBytes } from 'node:crypto';
import type { Lock } from '../protocol/locks.js';
import type { ResourceKind } from '../protocol/wopi-src.js';

/** The shapes the storage index holds, and the answers its commands give. */

export interface ContainerRecord {
  kind: 'container';
  id: string;
  name: string;
  parentId: string | null;
  ownerId: string;
  createdAt: string;
}

export interface FileRecord {
  kind: 'file';
  id: string;
  name: string;
  parentId: string;
  ownerId: string;
  size: number;
  /** Bumped on every change of content or name, never on a lock; never reused for a file. */
  version: number;
  lastModifiedTime: string;
  /** The blob holding the content; null for an empty file. */
  blob: string | null;
  /** As last set; it may have expired since (see activeLock). */
  lock?: Lock;
}

export type ResourceRecord = ContainerRecord | FileRecord;

export interface StorageIndex {
  schemaVersion: 1;
  /** Root container id of each user id. */
  roots: Record<string, string>;
  resources: Record<string, ResourceRecord>;
  /** PutUserInfo's string per user id. */
  userInfo: Record<string, string>;
}

/** How a create names the new item (the WOPI specific and suggested modes). */
export type NameTarget = { mode: 'suggested'; name: string } | { mode: 'exact'; name: string; overwrite: boolean };

export type StoreFailure =
  | { kind: 'not-found'; detail: string }
  | { kind: 'lock-conflict'; currentLock: string; reason: string }
  /** An item of that name exists; `validName` is free. */
  | { kind: 'name-conflict'; name: string; validName: string }
  | { kind: 'invalid-name'; name: string; reason: string; validName: string }
  | { kind: 'not-empty'; detail: string }
  | { kind: 'root'; detail: string };

export type StoreResult<T> = { ok: true; value: T } | { ok: false; failure: StoreFailure };

/** A new resource id: 16 URL-safe characters, never reused. */
export function newId(): string {
  return randomBytes(12).toString('base64url');
}

export function missing(kind: ResourceKind, id: string): { ok: false; failure: { kind: 'not-found'; detail: string } } {
  return { ok: false, failure: { kind: 'not-found', detail: `no ${kind} ${id}` } };
}

export type ChangeKind = 'created' | 'updated' | 'renamed' | 'deleted' | 'locked' | 'unlocked';

/** What the admin stream tells the UI after a change to someone's tree. */
export interface FileChange {
  userId: string;
  kind: 'file' | 'container';
  id: string;
  change: ChangeKind;
}

export function parseIndex(text: string): StorageIndex | null {
  try {
    const raw = JSON.parse(text) as Partial<StorageIndex>;
    if (
      raw.schemaVersion !== 1 ||
      typeof raw.roots !== 'object' ||
      typeof raw.resources !== 'object' ||
      raw.roots === null ||
      raw.resources === null
    )
      return null;
    for (const record of Object.values(raw.resources)) {
      // Before versioned blobs a file's content lived in a blob named by the file id.
      if (record.kind === 'file' && record.blob === undefined) record.blob = record.id;
    }
    return { schemaVersion: 1, roots: raw.roots, resources: raw.resources, userInfo: raw.userInfo ?? {} };
  } catch {
    return null;
  }
}
