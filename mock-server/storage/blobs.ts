import { randomBytes } from 'node:crypto';
import type { ReadStream } from 'node:fs';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';

/**
 * File contents, one immutable blob per version under `storage/blobs`. A new version is written
 * to a temp file, fsynced and renamed to a fresh name before the index points at it, and the old
 * blob is removed only once the index no longer does, so no reader ever sees a torn file and a
 * crash at any instant leaves the index pointing at complete content.
 */

/** A blob written and synced, not yet referenced by the index. */
export interface StagedBlob {
  name: string;
  size: number;
}

/** Raised when content is larger than the configured limit; nothing is kept. */
export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the content is larger than the ${limit}-byte limit (maxFileSizeBytes)`);
  }
}

const tempPrefix = '.incoming-';

export class BlobStore {
  constructor(readonly dir: string) {}

  /** Writes the stream to a new blob, failing with TooLargeError past `limit` bytes. */
  async stage(source: AsyncIterable<Uint8Array> | Uint8Array, limit: number): Promise<StagedBlob> {
    const name = newBlobName();
    const temp = path.join(this.dir, `${tempPrefix}${name}`);
    const handle = await open(temp, 'wx', 0o644);
    let size = 0;
    try {
      for await (const chunk of source instanceof Uint8Array ? [source] : source) {
        size += chunk.byteLength;
        if (size > limit) throw new TooLargeError(limit);
        await handle.write(chunk);
      }
      await handle.sync();
      await handle.close();
      await rename(temp, this.path(name));
      return { name, size };
    } catch (error) {
      await handle.close().catch(() => {});
      await unlink(temp).catch(() => {});
      throw error;
    }
  }

  /**
   * Opens a blob for reading. The descriptor is opened before this resolves, so the blob being
   * replaced and removed afterwards does not affect the read. Undefined when it is already gone.
   */
  async open(name: string | null): Promise<ReadStream | Readable | undefined> {
    if (name === null) return Readable.from([]);
    try {
      return (await open(this.path(name), 'r')).createReadStream();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async remove(names: Iterable<string | null>): Promise<void> {
    for (const name of names) if (name !== null) await unlink(this.path(name)).catch(() => {});
  }

  /** Removes blobs nothing references and temp files a crash left behind; returns how many. */
  async collectGarbage(referenced: ReadonlySet<string>): Promise<number> {
    let removed = 0;
    for (const entry of await readdir(this.dir)) {
      if (entry.startsWith(tempPrefix) || (isBlobName(entry) && !referenced.has(entry))) {
        await unlink(path.join(this.dir, entry)).catch(() => {});
        removed++;
      }
    }
    return removed;
  }

  path(name: string): string {
    return path.join(this.dir, name);
  }
}

function newBlobName(): string {
  return randomBytes(16).toString('base64url');
}

/** Our blob names (and, from before versioned blobs, file ids): base64url, never a path. */
function isBlobName(entry: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(entry);
}
