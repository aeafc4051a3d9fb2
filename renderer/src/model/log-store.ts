import type { LogSummary } from '../../../mock-server/log/entry.ts';
import type { OperationName } from '../../../mock-server/protocol/operations.ts';
import { createStore } from '../api/store.js';

/** How many entries the UI keeps at least, whatever the engine's ring holds. */
export const minimumUiCapacity = 50_000;

/**
 * The log as the UI holds it: entry summaries in `seq` order, capped, appended in batches (at most one per
 * frame, see FrameQueue) and read through a version counter, so React re-renders once per batch
 * rather than once per request. Entries that fall out of the cap leave from the front.
 */
export class LogStore {
  private items: LogSummary[] = [];
  /** Index of the oldest kept entry in `items`; the front is trimmed lazily, not per batch. */
  private start = 0;
  private knownOperations = new Set<OperationName>();
  private knownUsers = new Set<string>();
  private facets: { operations: OperationName[]; users: string[] } = { operations: [], users: [] };

  /** The version, bumped on every change: what components re-render on (`useStore(logStore.changes)`). */
  readonly changes = createStore(0);
  /** Bumped on every clear, so derived views know to start over. */
  epoch = 0;
  /** The newest `seq` ever seen (kept across clears: the engine never reuses one). */
  lastSeq = 0;
  /** Entries evicted by the cap since the last clear. */
  evicted = 0;
  /** The latest `time` ever seen (ISO strings of one clock compare as text). */
  private newestTime = '';

  constructor(public capacity = minimumUiCapacity) {}

  get size(): number {
    return this.items.length - this.start;
  }

  /** The i-th kept entry, oldest first. */
  at(index: number): LogSummary | undefined {
    return this.items[this.start + index];
  }

  get oldestSeq(): number {
    return this.at(0)?.seq ?? this.lastSeq + 1;
  }

  /** Position of the first kept entry with `seq` greater than the given one (binary search). */
  indexAfter(seq: number): number {
    let low = this.start;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.items[mid]!.seq <= seq) low = mid + 1;
      else high = mid;
    }
    return low - this.start;
  }

  find(seq: number): LogSummary | undefined {
    const index = this.indexAfter(seq - 1);
    const entry = this.at(index);
    return entry?.seq === seq ? entry : undefined;
  }

  /** Operations and users seen so far, sorted, for the filter menus; a new array only when one appears. */
  get facetLists(): { operations: OperationName[]; users: string[] } {
    return this.facets;
  }

  /** Adds a batch; entries already seen (replays, history overlapping the stream) are skipped. */
  append(batch: readonly LogSummary[]): void {
    let added = 0;
    let newFacet = false;
    for (const entry of batch) {
      if (entry.seq <= this.lastSeq) {
        if (!this.isFromRestartedEngine(entry)) continue;
        // A restarted engine numbers from 1 again: what this store holds belongs to the old run.
        this.clear(0);
        this.lastSeq = 0;
        added = 0;
      }
      if (entry.time > this.newestTime) this.newestTime = entry.time;
      this.items.push(entry);
      this.lastSeq = entry.seq;
      added++;
      if (!this.knownOperations.has(entry.operation)) {
        this.knownOperations.add(entry.operation);
        newFacet = true;
      }
      if (entry.userId !== null && !this.knownUsers.has(entry.userId)) {
        this.knownUsers.add(entry.userId);
        newFacet = true;
      }
    }
    if (added === 0) return;
    const excess = this.size - this.capacity;
    if (excess > 0) {
      this.start += excess;
      this.evicted += excess;
      // Compact once the dead front is as large as the live part: amortised O(1) per entry.
      if (this.start >= this.capacity) {
        this.items = this.items.slice(this.start);
        this.start = 0;
      }
    }
    if (newFacet) this.facets = { operations: [...this.knownOperations].sort(), users: [...this.knownUsers].sort() };
    this.changed();
  }

  /**
   * An old `seq` with a time later than anything seen is not a replay but a new run of the engine
   * (its numbering starts at 1 again); a replayed entry has the time it had the first time.
   */
  private isFromRestartedEngine(entry: LogSummary): boolean {
    if (entry.time <= this.newestTime) return false;
    const held = this.find(entry.seq);
    return held === undefined || held.time !== entry.time;
  }

  /** Empties the log, as the engine did; `lastSeq` is where the engine's numbering stands. */
  clear(lastSeq = this.lastSeq): void {
    this.items = [];
    this.start = 0;
    this.evicted = 0;
    this.lastSeq = Math.max(this.lastSeq, lastSeq);
    this.knownOperations.clear();
    this.knownUsers.clear();
    this.facets = { operations: [], users: [] };
    this.epoch++;
    this.changed();
  }

  get version(): number {
    return this.changes.get();
  }

  subscribe = this.changes.subscribe;
  getVersion = this.changes.get;

  private changed(): void {
    this.changes.set((version) => version + 1);
  }
}
