import { randomBytes } from 'node:crypto';
import type { ResourceKind } from '../protocol/wopi-src.js';
import { changeLockedFile, putFile } from '../protocol/locks.js';
import { legalizeName, nameKey, nameProblem, renamedFileName, uniqueName } from '../protocol/file-names.js';
import type { StagedBlob } from './blobs.js';
import type { FileStore } from './file-store.js';
import type { ContainerRecord, FileRecord, NameTarget, ResourceRecord, StorageIndex, StoreFailure, StoreResult } from './records.js';

export function newId(): string {
  return randomBytes(12).toString('base64url');
}

export function missing(kind: ResourceKind, id: string): { ok: false; failure: { kind: 'not-found'; detail: string } } {
  return { ok: false, failure: { kind: 'not-found', detail: `no ${kind} ${id}` } };
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
  constructor(
    private readonly store: FileStore,
    private readonly index: StorageIndex,
  ) {}

  /** PutFile: new content for an existing file, under the lock rules. */
  async writeContent(
    fileId: string,
    userId: string | null,
    staged: StagedBlob,
    requestedLock: string | undefined,
  ): Promise<StoreResult<FileRecord>> {
    const file = this.store.getOwned('file', fileId, userId);
    if (!file) return this.drop(staged, missing('file', fileId));
    const decision = putFile(this.store.lockOf(file), requestedLock, file.size);
    if (!decision.ok)
      return this.drop(staged, {
        ok: false,
        failure: { kind: 'lock-conflict', currentLock: decision.currentLock, reason: decision.reason },
      });
    const old = file.blob;
    this.replaceContent(file, staged);
    this.store.announce(file, 'updated');
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
    const parent = this.store.getOwned('container', parentId, userId);
    if (!parent) return this.drop(staged, missing('container', parentId));
    const placed = this.place(parent, target, 'file');
    if (!placed.ok) return this.drop(staged, placed);
    const existing = placed.existing;
    if (existing) {
      const decision = changeLockedFile(this.store.lockOf(existing), undefined);
      if (!decision.ok)
        return this.drop(staged, {
          ok: false,
          failure: { kind: 'lock-conflict', currentLock: decision.currentLock, reason: `"${existing.name}" exists and is locked` },
        });
      const old = existing.blob;
      existing.name = placed.name;
      this.replaceContent(existing, staged);
      this.store.announce(existing, 'updated');
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
      lastModifiedTime: this.store.now(),
      blob: staged?.name ?? null,
    };
    this.index.resources[file.id] = file;
    this.store.announce(file, 'created');
    return this.committed({ file: { ...file }, replaced: false }, []);
  }

  /** CreateChildContainer. An existing item of the exact name is always a conflict. */
  async createContainer(parentId: string, userId: string | null, target: NameTarget): Promise<StoreResult<ContainerRecord>> {
    const parent = this.store.getOwned('container', parentId, userId);
    if (!parent) return missing('container', parentId);
    const placed = this.place(parent, target.mode === 'exact' ? { ...target, overwrite: false } : target, 'container');
    if (!placed.ok) return placed;
    const container: ContainerRecord = {
      kind: 'container',
      id: newId(),
      name: placed.name,
      parentId: parent.id,
      ownerId: parent.ownerId,
      createdAt: this.store.now(),
    };
    this.index.resources[container.id] = container;
    this.store.announce(container, 'created');
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
    const file = this.store.getOwned('file', fileId, userId);
    if (!file) return missing('file', fileId);
    const decision = changeLockedFile(this.store.lockOf(file), requestedLock);
    if (!decision.ok) return { ok: false, failure: { kind: 'lock-conflict', currentLock: decision.currentLock, reason: decision.reason } };
    if (requestedBase.trim() === '')
      return { ok: false, failure: { kind: 'invalid-name', name: requestedBase, reason: 'the requested name is empty', validName: '' } };
    file.name = uniqueName(legalizeName(renamedFileName(requestedBase, file.name)), this.takenIn(file.parentId, file.id));
    file.version++;
    file.lastModifiedTime = this.store.now();
    this.store.announce(file, 'renamed');
    return this.committed({ ...file }, []);
  }

  async renameContainer(containerId: string, userId: string | null, requested: string): Promise<StoreResult<ContainerRecord>> {
    const container = this.store.getOwned('container', containerId, userId);
    if (!container) return missing('container', containerId);
    if (requested.trim() === '')
      return { ok: false, failure: { kind: 'invalid-name', name: requested, reason: 'the requested name is empty', validName: '' } };
    const legal = legalizeName(requested);
    container.name = container.parentId === null ? legal : uniqueName(legal, this.takenIn(container.parentId, container.id));
    this.store.announce(container, 'renamed');
    return this.committed({ ...container }, []);
  }

  /** DeleteFile refuses a locked file; the admin API may `force` it. */
  async deleteFile(fileId: string, userId: string | null, options: { force?: boolean } = {}): Promise<StoreResult<FileRecord>> {
    const file = this.store.getOwned('file', fileId, userId);
    if (!file) return missing('file', fileId);
    const decision = changeLockedFile(options.force ? null : this.store.lockOf(file), undefined);
    if (!decision.ok) return { ok: false, failure: { kind: 'lock-conflict', currentLock: decision.currentLock, reason: decision.reason } };
    delete this.index.resources[file.id];
    this.store.announce(file, 'deleted');
    return this.committed(file, [file.blob]);
  }

  // Spec (DeleteContainer): "409 Conflict – Container has child files/containers".
  async deleteContainer(containerId: string, userId: string | null): Promise<StoreResult<ContainerRecord>> {
    const container = this.store.getOwned('container', containerId, userId);
    if (!container) return missing('container', containerId);
    if (container.parentId === null) return { ok: false, failure: { kind: 'root', detail: 'a root container cannot be deleted' } };
    const { containers, files } = this.store.children(container.id);
    if (containers.length + files.length > 0)
      return {
        ok: false,
        failure: { kind: 'not-empty', detail: `the container holds ${files.length} file(s) and ${containers.length} container(s)` },
      };
    delete this.index.resources[container.id];
    this.store.announce(container, 'deleted');
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
    return Object.values(this.index.resources).find((r) => r.parentId === parentId && r.id !== exceptId && nameKey(r.name) === key);
  }

  private takenIn(parentId: string, exceptId?: string): (candidate: string) => boolean {
    const keys = new Set(
      Object.values(this.index.resources)
        .filter((r) => r.parentId === parentId && r.id !== exceptId)
        .map((r) => nameKey(r.name)),
    );
    return (candidate) => keys.has(nameKey(candidate));
  }

  private replaceContent(file: FileRecord, staged: StagedBlob | null): void {
    file.blob = staged?.name ?? null;
    file.size = staged?.size ?? 0;
    file.version++;
    file.lastModifiedTime = this.store.now();
  }

  /**
   * Waits for the change to reach the disk. `value` is a copy taken when the change was made:
   * by the time the disk answers, later commands may have changed the live record again.
   */
  private async committed<T>(value: T, unreferenced: Array<string | null>): Promise<{ ok: true; value: T }> {
    await this.store.commit(unreferenced);
    return { ok: true, value };
  }

  private async drop(staged: StagedBlob | null, result: Refusal): Promise<Refusal> {
    if (staged) await this.store.discard(staged);
    return result;
  }
}
