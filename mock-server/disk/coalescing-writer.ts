import { writeFileAtomic } from './atomic-file.js';

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
