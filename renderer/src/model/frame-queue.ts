/** How a queue asks to run later; injected so the batching can be tested without a browser. */
export interface FrameScheduler {
  /** Runs `callback` before the next paint; returns a cancel function. */
  nextFrame(callback: () => void): () => void;
  /** Runs `callback` after `ms` even when no frame comes (a hidden tab paints nothing). */
  after(ms: number, callback: () => void): () => void;
}

export const browserScheduler: FrameScheduler = {
  nextFrame(callback) {
    const id = requestAnimationFrame(() => callback());
    return () => cancelAnimationFrame(id);
  },
  after(ms, callback) {
    const id = setTimeout(callback, ms);
    return () => clearTimeout(id);
  },
};

export interface FrameQueueOptions {
  /** At most this many items per flush; the rest wait for the next frame, so a backlog never blocks one. */
  maxPerFlush: number;
  /** Flush at the latest this long after the first queued item, frame or not. */
  floorMs: number;
  scheduler?: FrameScheduler;
}

/**
 * Collects items as they arrive and hands them on in one batch per animation frame, with a timer
 * as a floor for hidden tabs and large backlogs cut into slices (HTTP Toolkit's events store).
 * However fast events come, consumers see at most one update per frame.
 */
export class FrameQueue<T> {
  private queue: T[] = [];
  private head = 0;
  private cancels: Array<() => void> = [];
  private readonly scheduler: FrameScheduler;

  constructor(
    private readonly apply: (batch: T[]) => void,
    private readonly options: FrameQueueOptions,
  ) {
    this.scheduler = options.scheduler ?? browserScheduler;
  }

  get pending(): number {
    return this.queue.length - this.head;
  }

  push(items: readonly T[]): void {
    if (items.length === 0) return;
    for (const item of items) this.queue.push(item);
    this.schedule();
  }

  /** Drops everything not yet handed on. */
  discard(): void {
    this.queue = [];
    this.head = 0;
    this.cancelScheduled();
  }

  /** Hands on one slice now; used by the scheduled callbacks and by tests. */
  flush(): void {
    this.cancelScheduled();
    const end = Math.min(this.queue.length, this.head + this.options.maxPerFlush);
    const batch = this.queue.slice(this.head, end);
    this.head = end;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else {
      this.schedule();
    }
    if (batch.length > 0) this.apply(batch);
  }

  private schedule(): void {
    if (this.cancels.length > 0) return;
    this.cancels = [this.scheduler.nextFrame(() => this.flush()), this.scheduler.after(this.options.floorMs, () => this.flush())];
  }

  private cancelScheduled(): void {
    for (const cancel of this.cancels) cancel();
    this.cancels = [];
  }
}
