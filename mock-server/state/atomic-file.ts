import { open, rename, mkdir, unlink, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file so that a crash at any instant leaves either the old or the new content:
 * temp file in the same folder, fsync, rename over the target, fsync the folder.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const dir = path.dirname(target);
  await mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dir);
}

/** Makes a rename or a new entry in the folder durable (power loss, not only a killed process). */
export async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; the rename is still atomic there.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Removes the temporary files writeFileAtomic leaves beside `target` when the process dies in the
 * middle of a write (SIGKILL, power loss); returns their names. For start-up, before anything
 * writes `target` again.
 */
export async function removeStaleTemporaries(target: string): Promise<string[]> {
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}.`;
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const stale = entries.filter((entry) => entry.startsWith(prefix) && /^\d+\.[a-z0-9]*\.tmp$/.test(entry.slice(prefix.length)));
  for (const entry of stale) await unlink(path.join(dir, entry)).catch(() => {});
  return stale;
}

/** Moves an unreadable file out of the way without ever deleting it; returns where it went. */
export async function keepAside(file: string, now = new Date()): Promise<string> {
  const aside = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  await rename(file, aside);
  return aside;
}

/** Reads a file as text, or undefined when it does not exist. Other errors propagate. */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export interface CoalescingWriterHooks {
  /** Hears the text of each write that reached the disk, before anyone waiting on it does. */
  written?(text: string): void;
  /**
   * Hears of a failed write before anyone waiting on it does. With this hook the saves scheduled
   * meanwhile fail too: their snapshot held the failed changes, which the hook is there to undo.
   */
  failed?(error: unknown): void;
}

/**
 * Serialises saves of one file: at most one write in flight and one pending, the pending one
 * always carrying the latest snapshot, so bursts of changes cost two writes, not one each.
 */
export class CoalescingWriter {
  private inFlight: Promise<void> | null = null;
  private pending: (() => string) | null = null;
  private waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];

  constructor(
    readonly path: string,
    private readonly mode = 0o644,
    private readonly hooks: CoalescingWriterHooks = {},
  ) {}

  /** Schedules a write of the snapshot `serialize()` returns when the write starts. */
  save(serialize: () => string): Promise<void> {
    this.pending = serialize;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.inFlight) this.inFlight = this.drain();
    return done;
  }

  /** Resolves once everything scheduled so far is on disk. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const serialize = this.pending;
      const waiters = this.waiters;
      this.pending = null;
      this.waiters = [];
      let text: string;
      try {
        text = serialize();
        await writeFileAtomic(this.path, text, this.mode);
      } catch (error) {
        if (this.hooks.failed) {
          waiters.push(...this.waiters.splice(0));
          this.pending = null;
          this.hooks.failed(error);
        }
        waiters.forEach((w) => w.reject(error));
        continue;
      }
      this.hooks.written?.(text);
      waiters.forEach((w) => w.resolve());
    }
    this.inFlight = null;
  }
}
