import type { LogSummary } from '../../../mock-server/log/entry.ts';
import type { LogStore } from './log-store.ts';

export const statusClasses = ['2xx', '3xx', '4xx', '5xx', 'none'] as const;
export type StatusClass = (typeof statusClasses)[number];

/** `none`: the connection closed before any status was sent (a dropped connection, an abort). */
export function statusClassOf(status: number): StatusClass {
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  if (status >= 500 && status < 600) return '5xx';
  return 'none';
}

export interface LogFilter {
  /** Empty: any. */
  operation: string;
  statusClass: StatusClass | '';
  /** Empty: any; `-` means requests with no user. */
  userId: string;
  /** Case-insensitive, matched against method, path, operation, status, user, fault id and notes. */
  text: string;
}

export const noFilter: LogFilter = { operation: '', statusClass: '', userId: '', text: '' };
export const noUser = '-';

export function isFiltering(filter: LogFilter): boolean {
  return filter.operation !== '' || filter.statusClass !== '' || filter.userId !== '' || filter.text.trim() !== '';
}

/** The text a free-text search looks in, built once per entry. */
const haystacks = new WeakMap<LogSummary, string>();
function haystackOf(entry: LogSummary): string {
  let text = haystacks.get(entry);
  if (text === undefined) {
    text = [
      entry.method,
      entry.url,
      entry.operation,
      entry.status,
      entry.userId ?? '',
      entry.faultId ?? '',
      entry.remoteAddress,
      ...entry.notes,
    ]
      .join('\n')
      .toLowerCase();
    haystacks.set(entry, text);
  }
  return text;
}

export function matcherFor(filter: LogFilter): (entry: LogSummary) => boolean {
  const text = filter.text.trim().toLowerCase();
  const { operation, statusClass, userId } = filter;
  return (entry) =>
    (operation === '' || entry.operation === operation) &&
    (statusClass === '' || statusClassOf(entry.status) === statusClass) &&
    (userId === '' || (userId === noUser ? entry.userId === null : entry.userId === userId)) &&
    (text === '' || haystackOf(entry).includes(text));
}

/**
 * The entries of a store that pass one filter, kept up to date incrementally: each sync tests
 * only the entries appended since the last one and drops those the store evicted, so a steady
 * stream costs work in proportion to what arrived, not to the 50,000 already there.
 */
export class FilteredView {
  private matches: LogSummary[] = [];
  private start = 0;
  private scannedSeq = 0;
  private epoch = -1;
  private readonly test: (entry: LogSummary) => boolean;
  /** True when the filter passes everything, so the view reads the store directly. */
  private readonly passAll: boolean;

  constructor(
    private readonly store: LogStore,
    readonly filter: LogFilter,
  ) {
    this.test = matcherFor(filter);
    this.passAll = !isFiltering(filter);
  }

  /** Brings the view up to the store's current contents; cheap when nothing changed. */
  sync(): void {
    if (this.passAll) return;
    if (this.epoch !== this.store.epoch) {
      this.epoch = this.store.epoch;
      this.matches = [];
      this.start = 0;
      this.scannedSeq = 0;
    }
    const oldest = this.store.oldestSeq;
    while (this.start < this.matches.length && this.matches[this.start]!.seq < oldest) this.start++;
    if (this.start > 4096 && this.start * 2 > this.matches.length) {
      this.matches = this.matches.slice(this.start);
      this.start = 0;
    }
    const end = this.store.size;
    for (let i = this.store.indexAfter(this.scannedSeq); i < end; i++) {
      const entry = this.store.at(i)!;
      if (this.test(entry)) this.matches.push(entry);
    }
    this.scannedSeq = this.store.lastSeq;
  }

  get size(): number {
    return this.passAll ? this.store.size : this.matches.length - this.start;
  }

  at(index: number): LogSummary | undefined {
    return this.passAll ? this.store.at(index) : this.matches[this.start + index];
  }

  /** Row index of an entry, or -1 when it is not in the view. */
  indexOfSeq(seq: number): number {
    if (this.passAll) {
      const index = this.store.indexAfter(seq - 1);
      return this.store.at(index)?.seq === seq ? index : -1;
    }
    let low = this.start;
    let high = this.matches.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.matches[mid]!.seq < seq) low = mid + 1;
      else high = mid;
    }
    return this.matches[low]?.seq === seq ? low - this.start : -1;
  }
}
