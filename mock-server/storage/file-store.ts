import { randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CoalescingWriter, keepAside, readIfExists, writeFileAtomic } from '../state/atomic-file.js';
import { isPlausibleResourceId, type ResourceKind } from '../protocol/wopi-src.js';
import { createSeedDocuments } from './seed-documents.js';

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
  /** Bumped on every change of content or metadata; never reused for a file. */
  version: number;
  lastModifiedTime: string;
}

export type ResourceRecord = ContainerRecord | FileRecord;
type RecordOf<K extends ResourceKind> = Extract<ResourceRecord, { kind: K }>;

interface StorageIndex {
  schemaVersion: 1;
  /** Root container id of each user id. */
  roots: Record<string, string>;
  resources: Record<string, ResourceRecord>;
}

export interface FileStoreOpen {
  store: FileStore;
  warnings: string[];
}

/**
 * The users' containers and files, on disk under `<dataDir>/storage`: one JSON index for the
 * tree and metadata, one blob per file named by its id (ids are ours, so never a path).
 */
export class FileStore {
  private readonly creatingRoots = new Map<string, Promise<ContainerRecord>>();

  private constructor(
    private readonly root: string,
    private readonly index: StorageIndex,
    private readonly writer: CoalescingWriter,
    private readonly clock: () => number,
  ) {}

  static async open(dataDir: string, clock: () => number = Date.now): Promise<FileStoreOpen> {
    const root = path.join(dataDir, 'storage');
    await mkdir(path.join(root, 'blobs'), { recursive: true });
    const indexFile = path.join(root, 'index.json');
    const warnings: string[] = [];
    let index: StorageIndex = { schemaVersion: 1, roots: {}, resources: {} };
    const text = await readIfExists(indexFile);
    if (text !== undefined) {
      const parsed = parseIndex(text);
      if (parsed) index = parsed;
      else warnings.push(`storage index ${indexFile} was unreadable; kept it at ${await keepAside(indexFile)} and started an empty tree (file contents stay in ${path.join(root, 'blobs')})`);
    }
    return { store: new FileStore(root, index, new CoalescingWriter(indexFile), clock), warnings };
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
    const now = new Date(this.clock()).toISOString();
    const container: ContainerRecord = { kind: 'container', id: newId(), name: 'Documents', parentId: null, ownerId: user.id, createdAt: now };
    const files: FileRecord[] = [];
    for (const document of createSeedDocuments({ friendlyName: user.friendlyName || user.id })) {
      const file: FileRecord = { kind: 'file', id: newId(), name: document.name, parentId: container.id, ownerId: user.id, size: document.content.byteLength, version: 1, lastModifiedTime: now };
      await writeFileAtomic(this.blobPath(file.id), document.content);
      files.push(file);
    }
    this.index.resources[container.id] = container;
    for (const file of files) this.index.resources[file.id] = file;
    this.index.roots[user.id] = container.id;
    await this.save();
    return container;
  }

  rootOf(userId: string): ContainerRecord | undefined {
    const id = this.index.roots[userId];
    const record = id === undefined ? undefined : this.index.resources[id];
    return record?.kind === 'container' ? record : undefined;
  }

  /** The resource if it exists, is of that kind and belongs to the user; otherwise undefined (404). */
  getOwned<K extends ResourceKind>(kind: K, id: string, userId: string): RecordOf<K> | undefined {
    if (!isPlausibleResourceId(id) || !Object.hasOwn(this.index.resources, id)) return undefined;
    const record = this.index.resources[id];
    return record && record.kind === kind && record.ownerId === userId ? (record as RecordOf<K>) : undefined;
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

  openContent(file: FileRecord): ReadStream {
    return createReadStream(this.blobPath(file.id));
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  private blobPath(id: string): string {
    return path.join(this.root, 'blobs', id);
  }

  private save(): Promise<void> {
    return this.writer.save(() => JSON.stringify(this.index) + '\n');
  }
}

function newId(): string {
  return randomBytes(12).toString('base64url');
}

function parseIndex(text: string): StorageIndex | null {
  try {
    const raw = JSON.parse(text) as Partial<StorageIndex>;
    if (raw.schemaVersion !== 1 || typeof raw.roots !== 'object' || typeof raw.resources !== 'object' || raw.roots === null || raw.resources === null) return null;
    return raw as StorageIndex;
  } catch {
    return null;
  }
}
