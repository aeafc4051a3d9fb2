import type { ActivityStatus } from '../protocol/activities.js';
import type { FileChange, FileStore } from '../storage/file-store.js';

/** One activity a client sent with AddActivities, and what the host answered. */
export interface ReceivedActivity {
  receivedAt: string;
  /** Who sent it (the WOPI token's user). */
  userId: string;
  id: string;
  type: string;
  status: ActivityStatus;
  message: string;
  /** The activity exactly as sent. */
  activity: Record<string, unknown>;
}

/**
 * What clients told the host with AddActivities, per file, so a tester can see it (admin API
 * `GET /api/files/:id/activities`). In memory and bounded: the newest `perFile` entries of at most
 * `maxFiles` files; a deleted file's entries go with it.
 */
export class ReceivedActivities {
  private readonly byFile = new Map<string, ReceivedActivity[]>();

  constructor(
    readonly perFile = 100,
    readonly maxFiles = 1000,
  ) {}

  add(fileId: string, entries: readonly ReceivedActivity[]): void {
    const kept = this.byFile.get(fileId) ?? [];
    // Re-inserting moves the file to the end of the Map's order: the first key is the least recently used.
    this.byFile.delete(fileId);
    kept.push(...entries);
    if (kept.length > this.perFile) kept.splice(0, kept.length - this.perFile);
    this.byFile.set(fileId, kept);
    if (this.byFile.size > this.maxFiles) this.byFile.delete(this.byFile.keys().next().value as string);
  }

  /** Oldest first. */
  list(fileId: string): ReceivedActivity[] {
    return [...(this.byFile.get(fileId) ?? [])];
  }

  forget(fileId: string): void {
    this.byFile.delete(fileId);
  }
}

const perEngine = new WeakMap<FileStore, ReceivedActivities>();

/**
 * The activities kept for one engine. The WOPI origin and the admin API reach them through the
 * engine's one file store, which both already hold, so nothing else has to be wired through.
 */
export function receivedActivitiesOf(files: FileStore): ReceivedActivities {
  let activities = perEngine.get(files);
  if (!activities) {
    const created = new ReceivedActivities();
    files.on('changed', (change: FileChange) => {
      if (change.kind === 'file' && change.change === 'deleted') created.forget(change.id);
    });
    perEngine.set(files, (activities = created));
  }
  return activities;
}
