import type { ResourceKind } from '../protocol/wopi-src.js';
import { changeLockedFile, putFile, type Lock } from '../protocol/locks.js';
import { legalizeName, nameKey, nameProblem, renamedFileName, uniqueName } from '../protocol/file-names.js';
import type { StagedBlob } from './blobs.js';
import {
  missing,
  newId,
  type ChangeKind,
  type ContainerRecord,
  type FileRecord,
  type NameTarget,
  type ResourceRecord,
  type StoreFailure,
  type StoreResult,
} from './records.js';

export type RecordOf<K extends ResourceKind> = Extract<ResourceRecord, { kind: K }>;

/** What a command may change of a record: everything but what it is, whose it is and its id. */
export type RecordChanges<R extends ResourceRecord> = Partial<Omit<R, 'kind' | 'id' | 'ownerId'>>;

/**
 * What TreeCommands needs of the store that holds the tree (FileStore): lookups, the clock, and
 * the only ways to change the index. Every change a command makes goes through `insert`,
 * `update` or `remove`, and reaches the disk with `commit`.
 */
export interface TreeHost {
  /** The resource if it exists, is of that kind and belongs to the user (any user when null). */
  getOwned<K extends ResourceKind>(kind: K, id: string, userId: string | null): RecordOf<K> | undefined;
  /** The files and containers directly in the container, in no particular order. */
  entriesIn(containerId: string): ResourceRecord[];
  /** The lock that holds on the file now; expired locks count as none. */
  lockOf(file: FileRecord): Lock | null;
  /** An ISO timestamp from the host's clock. */
  now(): string;
  /** Adds a new record to the index. */
  insert(record: ResourceRecord): void;
  /** Changes fields of a record in the index, in place: the record stays the one lookups return. */
  update<R extends ResourceRecord>(record: R, changes: RecordChanges<R>): void;
  /** Takes a record out of the index. */
  remove(record: ResourceRecord): void;
  /** Tells listeners about a change (the admin stream). */
  announce(record: ResourceRecord, change: ChangeKind): void;
  /** Saves the index, then removes the blobs it no longer references. */
  commit(unreferenced: Array<string | null>): Promise<void>;
  /** Removes a staged blob no record uses. */
  discard(staged: StagedBlob): Promise<void>;
}

type Refusal = { ok: false; failure: StoreFailure };
type Placement = { ok: true; name: string; existing?: FileRecord } | Refusal;

/**
 * The commands that change the tree: content, names, creation and deletion. Each one decides and
 * applies its change in a single synchronous step on the in-memory index (see FileStore), then
 * waits for the index to reach the disk. Staged blobs a command does not keep are removed.
 * `userId` null is the admin API, which may act on anyone's tree.
 */
export class TreeCommands {
  constructor(private readonly host: TreeHost) {}

  /** PutFile: new content for an existing file, under the lock rules. */
  async writeContent(
    fileId: string,
    userId: string | null,
    staged: StagedBlob,
    requestedLock: string | undefined,
  ): Promise<StoreResult<FileRecord>> {
    const file = this.host.getOwned('file', fileId, userId);
    if (!file) return this.drop(staged, missing('file', fileId));
    const decision = putFile(this.host.lockOf(file), requestedLock, file.size);
    if (!decision.ok)
      return this.drop(staged, {
        ok: false,
        failure: { kind: 'lock-conflict', currentLock: decision.currentLock, reason: decision.reason },
      });
    const old = file.blob;
    this.host.update(file, this.newContent(file, staged));
    this.host.announce(file, 'updated');
    return this.committed({ ...file }, [old]);
  }

  /**
   * PutRelativeFile, CreateChildFile (no content: a 0-byte file) and admin uploads. In exact mode
   * with overwrite, an existing unlocked file of that name takes the content and keeps its id.
   */
  async createFile(
    parentId: string,
    userId: string | null,
    target: NameTarget,
    staged: StagedBlob | null,
  ): Promise<StoreResult<{ file: FileRecord; replaced: boolean }>> {
    const parent = this.host.getOwned('container', parentId, userId);
    if (!parent) return this.drop(staged, missing('container', parentId));
    const placed = this.place(parent, target, 'file');
    if (!placed.ok) return this.drop(staged, placed);
    const existing = placed.existing;
    if (existing) {
      const decision = changeLockedFile(this.host.lockOf(existing), undefined);
      if (!decision.ok)
        return this.drop(staged, {
          ok: false,
          failure: { kind: 'lock-conflict', currentLock: decision.currentLock, reason: `"${existing.name}" exists and is locked` },
        });
      const old = existing.blob;
      this.host.update(existing, { name: placed.name, ...this.newContent(existing, staged) });
      this.host.announce(existing, 'updated');
      return this.committed({ file: { ...existing }, replaced: true }, [old]);
    }
    const file: FileRecord = {
      kind: 'file',
      id: newId(),
      name: placed.name,
      parentId: parent.id,
      ownerId: parent.ownerId,
      size: staged?.size ?? 0,
      version: 1,
      lastModifiedTime: this.host.now(),
      blob: staged?.name ?? null,
    };
    this.host.insert(file);
    this.host.announce(file, 'created');
    return this.committed({ file: { ...file }, replaced: false }, []);
  }

  /** CreateChildContainer. An existing item of the exact name is always a conflict. */
  async createContainer(parentId: string, userId: string | null, target: NameTarget): Promise<StoreResult<ContainerRecord>> {
    const parent = this.host.getOwned('container', parentId, userId);
    if (!parent) return missing('container', parentId);
    const placed = this.place(parent, target.mode === 'exact' ? { ...target, overwrite: false } : target, 'container');
    if (!placed.ok) return placed;
    const container: ContainerRecord = {
      kind: 'container',
      id: newId(),
      name: placed.name,
      parentId: parent.id,
      ownerId: parent.ownerId,
      createdAt: this.host.now(),
    };
    this.host.insert(container);
    this.host.announce(container, 'created');
    return this.committed({ ...container }, []);
  }

  /**
   * RenameFile: the requested name comes without extension and the file keeps its own. A name
   * the host cannot use is repaired, and a taken one made unique, as the spec asks.
   */
  // Spec (RenameFile): "the host should try to generate a different name based on the requested name".
  async renameFile(
    fileId: string,
    userId: string | null,
    requestedBase: string,
    requestedLock: string | undefined,
  ): Promise<StoreResult<FileRecord>> {
    const file = this.host.getOwned('file', fileId, userId);
    if (!file) return missing('file', fileId);
    const decision = changeLockedFile(this.host.lockOf(file), requestedLock);
    if (!decision.ok) return { ok: false, failure: { kind: 'lock-conflict', currentLock: decision.currentLock, reason: decision.reason } };
    if (requestedBase.trim() === '')
      return { ok: false, failure: { kind: 'invalid-name', name: requestedBase, reason: 'the requested name is empty', validName: '' } };
    this.host.update(file, {
      name: uniqueName(legalizeName(renamedFileName(requestedBase, file.name)), this.takenIn(file.parentId, file.id)),
      version: file.version + 1,
      lastModifiedTime: this.host.now(),
    });
    this.host.announce(file, 'renamed');
    return this.committed({ ...file }, []);
  }

  async renameContainer(containerId: string, userId: string | null, requested: string): Promise<StoreResult<ContainerRecord>> {
    const container = this.host.getOwned('container', containerId, userId);
    if (!container) return missing('container', containerId);
    if (requested.trim() === '')
      return { ok: false, failure: { kind: 'invalid-name', name: requested, reason: 'the requested name is empty', validName: '' } };
    const legal = legalizeName(requested);
    this.host.update(container, {
      name: container.parentId === null ? legal : uniqueName(legal, this.takenIn(container.parentId, container.id)),
    });
    this.host.announce(container, 'renamed');
    return this.committed({ ...container }, []);
  }

  /** DeleteFile refuses a locked file; the admin API may `force` it. */
  async deleteFile(fileId: string, userId: string | null, options: { force?: boolean } = {}): Promise<StoreResult<FileRecord>> {
    const file = this.host.getOwned('file', fileId, userId);
    if (!file) return missing('file', fileId);
    const decision = changeLockedFile(options.force ? null : this.host.lockOf(file), undefined);
    if (!decision.ok) return { ok: false, failure: { kind: 'lock-conflict', currentLock: decision.currentLock, reason: decision.reason } };
    this.host.remove(file);
    this.host.announce(file, 'deleted');
    return this.committed(file, [file.blob]);
  }

  // Spec (DeleteContainer): "409 Conflict – Container has child files/containers".
  async deleteContainer(containerId: string, userId: string | null): Promise<StoreResult<ContainerRecord>> {
    const container = this.host.getOwned('container', containerId, userId);
    if (!container) return missing('container', containerId);
    if (container.parentId === null) return { ok: false, failure: { kind: 'root', detail: 'a root container cannot be deleted' } };
    const entries = this.host.entriesIn(container.id);
    if (entries.length > 0) {
      const files = entries.filter((entry) => entry.kind === 'file').length;
      return {
        ok: false,
        failure: { kind: 'not-empty', detail: `the container holds ${files} file(s) and ${entries.length - files} container(s)` },
      };
    }
    this.host.remove(container);
    this.host.announce(container, 'deleted');
    return this.committed(container, []);
  }

  /** Works out the name a new item gets in `parent`, or why it cannot be created. */
  private place(parent: ContainerRecord, target: NameTarget, kind: ResourceKind): Placement {
    const taken = this.takenIn(parent.id);
    if (target.mode === 'suggested') return { ok: true, name: uniqueName(legalizeName(target.name), taken) };
    const problem = nameProblem(target.name);
    if (problem)
      return {
        ok: false,
        failure: { kind: 'invalid-name', name: target.name, reason: problem, validName: uniqueName(legalizeName(target.name), taken) },
      };
    const existing = this.childNamed(parent.id, target.name);
    if (!existing) return { ok: true, name: target.name };
    if (target.overwrite && kind === 'file' && existing.kind === 'file') return { ok: true, name: target.name, existing };
    return { ok: false, failure: { kind: 'name-conflict', name: target.name, validName: uniqueName(target.name, taken) } };
  }

  /** Files and containers share one namespace per container, compared case-insensitively. */
  private childNamed(parentId: string, name: string, exceptId?: string): ResourceRecord | undefined {
    const key = nameKey(name);
    return this.host.entriesIn(parentId).find((r) => r.id !== exceptId && nameKey(r.name) === key);
  }

  private takenIn(parentId: string, exceptId?: string): (candidate: string) => boolean {
    const keys = new Set(
      this.host
        .entriesIn(parentId)
        .filter((r) => r.id !== exceptId)
        .map((r) => nameKey(r.name)),
    );
    return (candidate) => keys.has(nameKey(candidate));
  }

  /** The fields a file changes when it takes new content (none for an empty file). */
  private newContent(file: FileRecord, staged: StagedBlob | null): RecordChanges<FileRecord> {
    return { blob: staged?.name ?? null, size: staged?.size ?? 0, version: file.version + 1, lastModifiedTime: this.host.now() };
  }

  /**
   * Waits for the change to reach the disk. `value` is a copy taken when the change was made:
   * by the time the disk answers, later commands may have changed the live record again.
   */
  private async committed<T>(value: T, unreferenced: Array<string | null>): Promise<{ ok: true; value: T }> {
    await this.host.commit(unreferenced);
    return { ok: true, value };
  }

  private async drop(staged: StagedBlob | null, result: Refusal): Promise<Refusal> {
    if (staged) await this.host.discard(staged);
    return result;
  }
}
