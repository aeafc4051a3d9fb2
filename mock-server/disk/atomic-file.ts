import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readFile, readdir, rename, rm, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * Durable files in the data dir: every write lands whole or not at all, and nothing the host
 * cannot read is ever deleted. The state store, the storage index, the token-signing key and
 * the TLS keys and certificates all go through here.
 */

/** `.<name>.<pid>.<random>.tmp` beside the target; removeStaleTemporaries recognises exactly these. */
const TEMPORARY_SUFFIX = /^\d+\.[a-z0-9]*\.tmp$/;

/**
 * Writes a file so that a crash at any instant leaves either the old or the new content:
 * temp file in the same folder, fsync, rename over the target, fsync the folder. The file ends
 * up with exactly `mode` (the umask does not apply), so a private key is 0600 whatever the
 * umask. A failed write leaves no temp file and the target as it was.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const dir = path.dirname(target);
  await mkdir(dir, { recursive: true });
  const { handle, temp } = await createTemporary(target, mode);
  try {
    try {
      // open()'s mode is filtered by the umask; chmod makes it exact.
      await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
  await syncDirectory(dir);
}

/** A new temp file beside `target`, opened exclusively: two writers never share one, even within a process. */
async function createTemporary(target: string, mode: number): Promise<{ handle: FileHandle; temp: string }> {
  const prefix = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.`);
  for (;;) {
    const temp = `${prefix}${randomBytes(8).toString('hex')}.tmp`;
    try {
      return { handle: await open(temp, 'wx', mode), temp };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
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
  const stale = entries.filter((entry) => entry.startsWith(prefix) && TEMPORARY_SUFFIX.test(entry.slice(prefix.length)));
  for (const entry of stale) await unlink(path.join(dir, entry)).catch(() => {});
  return stale;
}

/**
 * Moves an unreadable file out of the way without ever deleting it; returns where it went:
 * `<file>.corrupt-<time>`, or `…-2`, `…-3` when an earlier one of the same instant is there,
 * so nothing kept aside before is overwritten.
 */
export async function keepAside(file: string, now = new Date()): Promise<string> {
  const base = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  for (let attempt = 1; ; attempt++) {
    const candidate = attempt === 1 ? base : `${base}-${attempt}`;
    if (!(await pathExists(candidate))) {
      await rename(file, candidate);
      return candidate;
    }
  }
}

async function pathExists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
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
