import { memo, useEffect, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { LogSummary } from '../../../../mock-server/log/entry.ts';
import { statusClassOf, type FilteredView } from '../../model/log-filter.ts';
import { clockTime, formatDuration } from './format.ts';

/** Every row has this height, so the list never measures: position is index × height. */
export const rowHeight = 30;

interface LogTableProps {
  view: FilteredView;
  /** Changes whenever the view's contents may have; rows re-render only when their entry does. */
  version: number;
  selectedSeq: number | null;
  onSelect: (seq: number) => void;
  follow: boolean;
  /** The person scrolled or stepped away from the newest row: stop following. */
  onUserScrolledAway: () => void;
  /** Scroll the selected row into view once (after a jump from another screen). */
  revealSeq: number | null;
}

/** Marks: a fault rule fired, or a known-bug switch bent the answer. */
const columns = ['Time', 'Operation', 'Method', 'Path', 'Status', 'User', 'Duration', 'Marks'] as const;

/**
 * The virtualized request table: only the rows in view (plus a few) exist in the DOM, each
 * memoized on its entry, so a new batch costs the handful of rows that moved, not the list.
 */
export function LogTable({ view, version, selectedSeq, onSelect, follow, onUserScrolledAway, revealSeq }: LogTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = view.size;
  // eslint-disable-next-line react-hooks/incompatible-library -- the UI is not built with React Compiler, so there is no memoization to skip
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    useFlushSync: false,
  });

  useEffect(() => {
    // Straight to the bottom (the browser clamps): every row has one height, so nothing needs
    // measuring, and the virtualizer follows the scroll event. Its scrollToIndex would re-check
    // the position every frame for as long as rows keep arriving, reading layout each time.
    const scroller = scrollRef.current;
    if (follow && count > 0 && scroller) scroller.scrollTop = count * rowHeight;
  }, [follow, count, version]);

  useEffect(() => {
    if (revealSeq === null) return;
    const index = view.indexOfSeq(revealSeq);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'center' });
  }, [revealSeq, view, virtualizer]);

  const selectedIndex = selectedSeq === null ? -1 : view.indexOfSeq(selectedSeq);
  const selectedIndexRef = useRef(selectedIndex);
  selectedIndexRef.current = selectedIndex;

  // The detail pane takes room once its entry has been fetched, after the click or key that
  // selected the row: when the rows' scroller changes height, bring the selected row back in view.
  useEffect(() => {
    const scroller = scrollRef.current;
    if (!scroller) return;
    let height = scroller.clientHeight;
    const observer = new ResizeObserver(() => {
      if (scroller.clientHeight === height) return;
      height = scroller.clientHeight;
      if (selectedIndexRef.current >= 0) virtualizer.scrollToIndex(selectedIndexRef.current, { align: 'auto' });
    });
    observer.observe(scroller);
    return () => observer.disconnect();
  }, [virtualizer]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const steps: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 15, PageUp: -15, Home: -Infinity, End: Infinity };
    const step = steps[event.key];
    if (step === undefined || count === 0) return;
    event.preventDefault();
    const from = selectedIndex < 0 ? count - 1 : selectedIndex;
    const to = Math.max(0, Math.min(count - 1, from + step));
    const entry = view.at(to);
    if (!entry) return;
    if (to < count - 1) onUserScrolledAway();
    onSelect(entry.seq);
    virtualizer.scrollToIndex(to, { align: 'auto' });
  };

  // One click handler for every row (rows come and go as the list scrolls).
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const row = (event.target as Element).closest<HTMLElement>('.log-body-row[data-seq]');
    if (row) onSelect(Number(row.dataset['seq']));
  };

  // A grid: the rows are selectable and the keyboard moves the selection. Tab reaches the rows'
  // scroller (a scrollable region must take focus), and a click focuses it too; keys bubble up
  // from it to the grid's handler.
  return (
    <div
      className="log-table"
      role="grid"
      aria-label="Requests"
      aria-rowcount={count + 1}
      aria-readonly="true"
      tabIndex={-1}
      onKeyDown={onKeyDown}
      onClick={onClick}
    >
      <div role="rowgroup" className="log-head">
        <div role="row" className="log-row" aria-rowindex={1}>
          {columns.map((c) => (
            <span key={c} role="columnheader" className={`log-cell col-${c.toLowerCase()}`}>
              {c}
            </span>
          ))}
        </div>
      </div>
      <div
        ref={scrollRef}
        className="log-scroll"
        role="rowgroup"
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- the scrolling region of the grid: Tab must reach it
        tabIndex={0}
        aria-label="Request rows; arrow keys move the selection"
        onWheel={(event) => {
          if (event.deltaY < 0) onUserScrolledAway();
        }}
        data-testid="log-scroll"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const entry = view.at(item.index);
            if (!entry) return null;
            return <LogRow key={entry.seq} entry={entry} index={item.index} top={item.start} selected={entry.seq === selectedSeq} />;
          })}
        </div>
        {count === 0 && <p className="log-empty muted">No requests match. Requests to the WOPI origin appear here as they happen.</p>}
      </div>
    </div>
  );
}

interface LogRowProps {
  entry: LogSummary;
  index: number;
  top: number;
  selected: boolean;
}

const LogRow = memo(function LogRow({ entry, index, top, selected }: LogRowProps) {
  const statusClass = statusClassOf(entry.status);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-seq={entry.seq}
      className={`log-row log-body-row status-${statusClass}${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
    >
      <span role="cell" className="log-cell col-time mono">
        {clockTime(entry.time)}
      </span>
      <span role="cell" className="log-cell col-operation">
        {entry.operation}
      </span>
      <span role="cell" className="log-cell col-method mono">
        {entry.method}
      </span>
      <span role="cell" className="log-cell col-path mono" title={entry.url}>
        {entry.url}
      </span>
      <span role="cell" className="log-cell col-status mono">
        {entry.aborted && entry.status === 0 ? '—' : entry.status}
      </span>
      <span role="cell" className="log-cell col-user">
        {entry.userId ?? ''}
      </span>
      <span role="cell" className="log-cell col-duration mono">
        {formatDuration(entry.durationMs)}
      </span>
      <span role="cell" className="log-cell col-marks">
        {entry.source === 'proxy' && (
          <span className="badge badge-proxy" title={`Forwarded to ${entry.upstream ?? 'the upstream'}: its answer, not the mock's`}>
            proxy
          </span>
        )}
        {entry.faultId !== null && (
          <span className="badge badge-fault" title={`Fault rule ${entry.faultId} fired on this request`}>
            fault
          </span>
        )}
        {entry.knownBugs.length > 0 && (
          <span className="badge badge-bug" title={`Bent on purpose by a known host bug: ${entry.knownBugs.join(', ')}`}>
            bug
          </span>
        )}
      </span>
    </div>
  );
});
