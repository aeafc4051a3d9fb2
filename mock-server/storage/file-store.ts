import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import path from 'node:path';
import { keepAside, readIfExists, removeStaleTemporaries } from '../disk/atomic-file.js';
import { CoalescingWriter } from '../disk/coalescing-writer.js';
import { isPlausibleResourceId, type ResourceKind } from '../protocol/wopi-src.js';
import { activeLock, type Lock, type LockDecision } from '../protocol/locks.js';
import { createSeedDocuments } from './seed/index.js';
import { BlobStore, StorageWriteError, type StagedBlob } from './blobs.js';
import {
  missing,
  newId,
  parseIndex,
  type ChangeKind,
  type ContainerRecord,
  type FileChange,
  type FileRecord,
  type ResourceRecord,
  type StorageIndex,
  type StoreResult,
} from './records.js';
import { TreeCommands, type RecordChanges, type RecordOf, type TreeHost } from './tree-commands.js';

export type { ContainerRecord, FileChange, FileRecord, NameTarget, ResourceRecord, StoreFailure, StoreResult } from './records.js';
export { StorageWriteError, TooLargeError, type StagedBlob } from './blobs.js';

export interface FileStoreOpen {
  store: FileStore;
  warnings: string[];
}

/**
 * The users' containers and files, on disk under `<dataDir>/storage`: one JSON index for the
 * tree, metadata and locks, one immutable blob per file version (see blobs.ts).
 *
 * Every command checks and changes the in-memory index in one synchronous step, so commands on
 * the same file or container can never interleave (Node runs one at a time): no lost update.
 * Request bodies are staged as blobs before that step and the index is saved after it, so a slow
 * upload or a slow disk never holds anyone else up. A command resolves once its change is on disk.
 */
export class FileStore extends EventEmitter<{ changed: [change: FileChange] }> {
  private readonly creatingRoots = new Map<string, Promise<ContainerRecord>>();
  /** The mutating commands of the WOPI surface and the admin API. */
  readonly commands: TreeCommands;
  private readonly writer: CoalescingWriter;

  private constructor(
    private readonly index: StorageIndex,
    indexFile: string,
    /** The index as the disk holds it: what memory returns to when a save fails. */
    private lastSaved: string,
    readonly blobs: BlobStore,
    readonly clock: () => number,
  ) {
    super();
    this.commands = new TreeCommands(this.treeHost());
    this.writer = new CoalescingWriter(indexFile, 0o644, {
      written: (text) => (this.lastSaved = text),
      failed: () => this.restoreLastSaved(),
    });
  }

  static async open(dataDir: string, clock: () => number = Date.now): Promise<FileStoreOpen> {
    const root = path.join(dataDir, 'storage');
    const blobs = new BlobStore(path.join(root, 'blobs'));
    await mkdir(blobs.dir, { recursive: true });
    const indexFile = path.join(root, 'index.json');
    // What a SIGKILL in the middle of an index save leaves; blobs have their own (collectGarbage).
    await removeStaleTemporaries(indexFile);
    const warnings: string[] = [];
    let index: StorageIndex = { schemaVersion: 1, roots: {}, resources: {}, userInfo: {} };
    const text = await readIfExists(indexFile);
    const parsed = text === undefined ? null : parseIndex(text);
    if (parsed) {
      index = parsed;
      // Only with a readable index do we know which blobs are garbage.
      await blobs.collectGarbage(referencedBlobs(index));
    } else if (text !== undefined) {
      warnings.push(
        `storage index ${indexFile} was unreadable; kept it at ${await keepAside(indexFile)} and started an empty tree (file contents stay in ${blobs.dir})`,
      );
    }
    return { store: new FileStore(index, indexFile, parsed ? text! : serializeIndex(index), blobs, clock), warnings };
  }

  /**
   * The user's root container, created and seeded with sample documents on first use. Callers
   * that arrive while it is being created share that creation, so a user never gets two roots.
   */
  ensureRoot(user: { id: string; friendlyName: string }): Promise<ContainerRecord> {
    const existing = this.rootOf(user.id);
    if (existing) return Promise.resolve(existing);
    let creating = this.creatingRoots.get(user.id);
    if (!creating) {
      creating = this.createRoot(user).finally(() => this.creatingRoots.delete(user.id));
      this.creatingRoots.set(user.id, creating);
    }
    return creating;
  }

  private async createRoot(user: { id: string; friendlyName: string }): Promise<ContainerRecord> {
    const now = this.now();
    const container: ContainerRecord = {
      kind: 'container',
      id: newId(),
      name: 'Documents',
      parentId: null,
      ownerId: user.id,
      createdAt: now,
    };
    const files: FileRecord[] = [];
    for (const document of createSeedDocuments({ friendlyName: user.friendlyName || user.id })) {
      const blob = await this.blobs.stage(document.content, Infinity);
      files.push({
        kind: 'file',
        id: newId(),
        name: document.name,
        parentId: container.id,
        ownerId: user.id,
        size: blob.size,
        version: 1,
        lastModifiedTime: now,
        blob: blob.name,
      });
    }
    this.index.resources[container.id] = container;
    for (const file of files) this.index.resources[file.id] = file;
    this.index.roots[user.id] = container.id;
    this.announce(container, 'created');
    await this.save();
    return container;
  }

  rootOf(userId: string): ContainerRecord | undefined {
    const id = this.index.roots[userId];
    const record = id === undefined ? undefined : this.index.resources[id];
    return record?.kind === 'container' ? record : undefined;
  }

  /** The resource if it exists, is of that kind and belongs to the user (any user when null); otherwise undefined (404). */
  getOwned<K extends ResourceKind>(kind: K, id: string, userId: string | null): RecordOf<K> | undefined {
    if (!isPlausibleResourceId(id) || !Object.hasOwn(this.index.resources, id)) return undefined;
    const record = this.index.resources[id];
    return record && record.kind === kind && (userId === null || record.ownerId === userId) ? (record as RecordOf<K>) : undefined;
  }

  children(containerId: string): { containers: ContainerRecord[]; files: FileRecord[] } {
    const containers: ContainerRecord[] = [];
    const files: FileRecord[] = [];
    for (const record of Object.values(this.index.resources)) {
      if (record.parentId !== containerId) continue;
      if (record.kind === 'container') containers.push(record);
      else files.push(record);
    }
    const byName = (a: ResourceRecord, b: ResourceRecord) => a.name.localeCompare(b.name);
    return { containers: containers.sort(byName), files: files.sort(byName) };
  }

  /** Containers above the resource, root first (the resource itself excluded). */
  ancestors(record: ResourceRecord): ContainerRecord[] {
    const chain: ContainerRecord[] = [];
    let parentId = record.parentId;
    while (parentId !== null) {
      const parent = this.index.resources[parentId];
      if (!parent || parent.kind !== 'container' || chain.length > 1000) break;
      chain.unshift(parent);
      parentId = parent.parentId;
    }
    return chain;
  }

  /** Files and containers of every user. */
  get resourceCount(): number {
    return Object.keys(this.index.resources).length;
  }

  /** The user ids that have a tree, in creation order. */
  owners(): string[] {
    return Object.keys(this.index.roots);
  }

  /** The lock that holds on the file now; expired locks count as none. */
  lockOf(file: FileRecord): Lock | null {
    return activeLock(file.lock, this.clock());
  }

  userInfo(userId: string): string {
    return this.index.userInfo[userId] ?? '';
  }

  /**
   * The file's current content with the record it belongs to, so size and version always match
   * the bytes. A version replaced between lookup and open is retried with the newer one.
   */
  async openContent(fileId: string, userId: string | null): Promise<{ record: FileRecord; stream: Readable } | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const live = this.getOwned('file', fileId, userId);
      if (!live) return undefined;
      // Copied before waiting: the live record may move on to a newer version meanwhile.
      const record = { ...live };
      const stream = await this.blobs.open(record.blob);
      if (stream) return { record, stream };
    }
    throw new Error(`the content of file ${fileId} kept changing while it was being opened`);
  }

  /** Receives content into a blob that no file uses yet; see BlobStore.stage. */
  stage(source: AsyncIterable<Uint8Array> | Uint8Array, limit: number): Promise<StagedBlob> {
    return this.blobs.stage(source, limit);
  }

  discard(staged: StagedBlob): Promise<void> {
    return this.blobs.remove([staged.name]);
  }

  /** Applies a lock decision (protocol/locks.ts) to the file's current lock. */
  async changeLock(
    fileId: string,
    userId: string | null,
    decide: (current: Lock | null, now: number) => LockDecision,
  ): Promise<StoreResult<FileRecord>> {
    const file = this.getOwned('file', fileId, userId);
    if (!file) return missing('file', fileId);
    const current = this.lockOf(file);
    const decision = decide(current, this.clock());
    if (!decision.ok) return { ok: false, failure: { kind: 'lock-conflict', currentLock: decision.currentLock, reason: decision.reason } };
    if (decision.lock) file.lock = decision.lock;
    else delete file.lock;
    // A refresh keeps the id but moves the expiry: watchers (the Files screen) must hear of it too.
    const changed = (current?.id ?? null) !== (decision.lock?.id ?? null) || current?.expiresAt !== decision.lock?.expiresAt;
    if (changed) this.announce(file, decision.lock ? 'locked' : 'unlocked');
    const snapshot = { ...file };
    await this.commit([]);
    return { ok: true, value: snapshot };
  }

  async setUserInfo(userId: string, text: string): Promise<void> {
    this.index.userInfo[userId] = text;
    await this.commit([]);
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** The one way TreeCommands reaches the index: lookups, plus the only changes it may make. */
  private treeHost(): TreeHost {
    const index = this.index;
    return {
      getOwned: (kind, id, userId) => this.getOwned(kind, id, userId),
      entriesIn: (containerId) => Object.values(index.resources).filter((record) => record.parentId === containerId),
      lockOf: (file) => this.lockOf(file),
      now: () => this.now(),
      insert: (record) => void (index.resources[record.id] = record),
      update: <R extends ResourceRecord>(record: R, changes: RecordChanges<R>) => void Object.assign(record, changes),
      remove: (record) => void delete index.resources[record.id],
      announce: (record, change) => this.announce(record, change),
      commit: (unreferenced) => this.commit(unreferenced),
      discard: (staged) => this.discard(staged),
    };
  }

  /** An ISO timestamp from the injected clock. */
  private now(): string {
    return new Date(this.clock()).toISOString();
  }

  /** Saves the index, then removes the blobs it no longer references. */
  private async commit(unreferenced: Array<string | null>): Promise<void> {
    await this.save();
    await this.blobs.remove(unreferenced);
  }

  private announce(record: ResourceRecord, change: ChangeKind): void {
    if (this.listenerCount('changed') > 0) this.emit('changed', { userId: record.ownerId, kind: record.kind, id: record.id, change });
  }

  private async save(): Promise<void> {
    try {
      await this.writer.save(() => serializeIndex(this.index));
    } catch (error) {
      throw new StorageWriteError(this.writer.path, error, 'change');
    }
  }

  /**
   * A save failed (a full disk, say): every change since the last save that reached the disk is
   * undone, and the commands that made them fail (the writer rejects them all), so memory, disk
   * and the answers clients got agree. Blobs only the undone changes used are removed.
   */
  private restoreLastSaved(): void {
    const saved = parseIndex(this.lastSaved);
    if (!saved) return;
    const before = referencedBlobs(this.index);
    this.index.roots = saved.roots;
    this.index.resources = saved.resources;
    this.index.userInfo = saved.userInfo;
    const after = referencedBlobs(this.index);
    void this.blobs.remove([...before].filter((blob) => !after.has(blob)));
  }
}

function serializeIndex(index: StorageIndex): string {
  return JSON.stringify(index) + '\n';
}

function referencedBlobs(index: StorageIndex): Set<string> {
  return new Set(Object.values(index.resources).flatMap((r) => (r.kind === 'file' && r.blob !== null ? [r.blob] : [])));
}
