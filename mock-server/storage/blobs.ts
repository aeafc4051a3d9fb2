import { randomBytes } from 'node:crypto';
import type { ReadStream } from 'node:fs';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { PersistError } from '../state/store.js';
import { syncDirectory } from '../disk/atomic-file.js';

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

/** Why a disk refuses a write, in words a tester can act on. */
const writeFailures: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EFBIG: 'a file would grow past what the disk or the process allows',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the data dir is on a read-only file system',
  EACCES: 'the data dir does not allow writing',
  EPERM: 'the data dir does not allow writing',
  ENOENT: 'the data dir has gone',
  ENOTDIR: 'the data dir has been replaced by a file',
  EIO: 'the disk reported an I/O error',
};

/**
 * A write to the data dir that failed: a full disk, a file too large, a read-only or missing
 * folder. The store undoes the change it was part of (file-store.ts); `reason` is safe to show a
 * WOPI client (it names no path), the message is for the admin and the log.
 */
export class StorageWriteError extends PersistError {
  readonly code: string;
  constructor(
    file: string,
    cause: unknown,
    readonly what: 'content' | 'change',
  ) {
    super(file, cause);
    this.code = String((cause as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error');
  }

  get reason(): string {
    return `${writeFailures[this.code] ?? 'the disk refused the write'} (${this.code})`;
  }
}

const tempPrefix = '.incoming-';

export class BlobStore {
  constructor(readonly dir: string) {}

  /**
   * Writes the stream to a new blob, failing with TooLargeError past `limit` bytes and with
   * StorageWriteError when the disk refuses; an error of the source (a client gone) passes as it is.
   */
  async stage(source: AsyncIterable<Uint8Array> | Uint8Array, limit: number): Promise<StagedBlob> {
    const name = newBlobName();
    const temp = path.join(this.dir, `${tempPrefix}${name}`);
    const disk = <T>(write: Promise<T>): Promise<T> =>
      write.catch((error: unknown) => {
        throw new StorageWriteError(temp, error, 'content');
      });
    const handle = await disk(open(temp, 'wx', 0o644));
    let size = 0;
    try {
      for await (const chunk of source instanceof Uint8Array ? [source] : source) {
        size += chunk.byteLength;
        if (size > limit) throw new TooLargeError(limit);
        // A write may take only part of the chunk (a disk filling up, a file-size limit reached):
        // write the rest until the disk either takes it or says why not, never leaving a short blob.
        for (let offset = 0; offset < chunk.byteLength;)
          offset += (await disk(handle.write(chunk, offset, chunk.byteLength - offset))).bytesWritten;
      }
      await disk(handle.sync());
      await disk(handle.close());
      await disk(rename(temp, this.path(name)));
      // The index that will point at this blob is fsynced with its folder; the blob's folder must be too.
      await disk(syncDirectory(this.dir));
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
