import { EventEmitter } from 'node:events';
import type { LogEntry } from './entry.js';

export interface RequestLogEvents {
  /** New entries, batched per tick so a burst costs one emission, not one per request. */
  entries: [entries: LogEntry[]];
  cleared: [];
}

export const defaultLogCapacity = 5000;

/**
 * A capped ring of the latest requests. Adding is O(1) and allocation-free beyond the entry;
 * listeners are told on the next tick, and nothing is queued while nobody listens.
 */
export class RequestLog extends EventEmitter<RequestLogEvents> {
  private readonly ring: Array<LogEntry | undefined>;
  private next = 0;
  private count = 0;
  private seqCounter = 0;
  private pending: LogEntry[] = [];
  private flushScheduled = false;

  constructor(readonly capacity = defaultLogCapacity) {
    super();
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('log capacity must be a positive integer');
    this.ring = new Array<LogEntry | undefined>(capacity);
  }

  nextSeq(): number {
    return ++this.seqCounter;
  }

  get size(): number {
    return this.count;
  }

  get lastSeq(): number {
    return this.seqCounter;
  }

  add(entry: LogEntry): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    if (this.listenerCount('entries') === 0) return;
    this.pending.push(entry);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Entries oldest first, optionally only those after `afterSeq`, at most `limit` (the newest). */
  list(options: { afterSeq?: number; limit?: number } = {}): LogEntry[] {
    const out: LogEntry[] = [];
    const start = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const entry = this.ring[(start + i) % this.capacity]!;
      if (options.afterSeq === undefined || entry.seq > options.afterSeq) out.push(entry);
    }
    return options.limit !== undefined && out.length > options.limit ? out.slice(out.length - options.limit) : out;
  }

  find(seq: number): LogEntry | undefined {
    return this.list({ afterSeq: seq - 1 }).find((e) => e.seq === seq);
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.count = 0;
    this.pending = [];
    this.emit('cleared');
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) this.emit('entries', batch);
  }
}
