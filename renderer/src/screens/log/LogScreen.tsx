import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { LogEntry } from '../../../../mock-server/log/entry.ts';
import { adminApi, saveDownload } from '../../api/client.ts';
import { desktopBridge } from '../../api/desktop.ts';
import { FilteredView, isFiltering, noFilter, noUser, statusClasses, type LogFilter, type StatusClass } from '../../model/log-filter.ts';
import { clearLog, logStore, useLogLoadState, useLogVersion } from '../../model/live-log.ts';
import { LogTable } from './LogTable.tsx';
import { LogDetail } from './LogDetail.tsx';
import './log.css';
import { plural } from '../../components/plural.ts';

/** `#/log?seq=12` opens entry 12: how the Flow screen links a step to its request. */
function seqFromHash(): number | null {
  const match = /[?&]seq=(\d+)/.exec(location.hash);
  return match ? Number(match[1]) : null;
}

export function LogScreen() {
  // A redraw replaces the rows on screen when following a busy log: ten a second are plenty to read.
  const version = useLogVersion(100);
  const load = useLogLoadState();
  const [filter, setFilter] = useState<LogFilter>(noFilter);
  const deferredText = useDeferredValue(filter.text);
  // Typing narrows the view at the deferred pace; the other fields apply at once.
  const { operation, statusClass, userId } = filter;
  const effectiveFilter = useMemo<LogFilter>(
    () => ({ operation, statusClass, userId, text: deferredText }),
    [operation, statusClass, userId, deferredText],
  );
  const view = useMemo(() => new FilteredView(logStore, effectiveFilter), [effectiveFilter]);
  view.sync();

  const [selectedSeq, setSelectedSeq] = useState<number | null>(seqFromHash);
  const [revealSeq, setRevealSeq] = useState<number | null>(seqFromHash);
  const [follow, setFollow] = useState(() => seqFromHash() === null);
  const [actionError, setActionError] = useState<string | null>(null);

  useEffect(() => {
    const onHash = () => {
      const seq = seqFromHash();
      if (seq === null) return;
      setSelectedSeq(seq);
      setRevealSeq(seq);
      setFollow(false);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const select = useCallback((seq: number) => {
    setSelectedSeq(seq);
    setFollow(false);
  }, []);
  const pauseFollowing = useCallback(() => setFollow(false), []);

  const selected = useSelectedEntry(selectedSeq);
  const facets = logStore.facetLists;
  const shown = view.size;
  const total = logStore.size;

  const [exported, setExported] = useState<string | null>(null);
  const exportHar = async () => {
    setActionError(null);
    setExported(null);
    try {
      // The desktop window saves through a native dialog; a browser downloads the file.
      const desktop = desktopBridge();
      if (desktop) {
        const savedTo = await desktop.exportHar();
        if (savedTo !== null) setExported(`Saved the log as ${savedTo}`);
      } else saveDownload(await adminApi.har(), 'wopi-mock-host.har');
    } catch (error) {
      setActionError(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const clear = async () => {
    setActionError(null);
    try {
      await clearLog();
      setSelectedSeq(null);
      setFollow(true);
    } catch (error) {
      setActionError(`Clear failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const update = (patch: Partial<LogFilter>) => setFilter((f) => ({ ...f, ...patch }));

  return (
    <section className="screen log-screen" aria-labelledby="log-title">
      <header className="log-header">
        <h1 id="log-title">Live log</h1>
        <p className="muted small" aria-live="polite" data-testid="log-count">
          {isFiltering(effectiveFilter) ? `${shown.toLocaleString('en')} of ${plural(total, 'request')}` : plural(total, 'request')}
          {logStore.evicted > 0 && ` · ${plural(logStore.evicted, 'older one')} dropped`}
          {load.state === 'loading' && ' · loading history…'}
        </p>
      </header>

      <div className="log-toolbar" role="toolbar" aria-label="Log filters and actions">
        <label className="inline-field">
          <span>Operation</span>
          <select value={filter.operation} onChange={(e) => update({ operation: e.target.value })}>
            <option value="">All</option>
            {facets.operations.map((op) => (
              <option key={op} value={op}>
                {op}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>Status</span>
          <select value={filter.statusClass} onChange={(e) => update({ statusClass: e.target.value as StatusClass | '' })}>
            <option value="">All</option>
            {statusClasses.map((c) => (
              <option key={c} value={c}>
                {c === 'none' ? 'no answer' : c}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>User</span>
          <select value={filter.userId} onChange={(e) => update({ userId: e.target.value })}>
            <option value="">All</option>
            <option value={noUser}>(none)</option>
            {facets.users.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field grow">
          <span>Search</span>
          <input type="search" value={filter.text} placeholder="path, note, fault id…" onChange={(e) => update({ text: e.target.value })} />
        </label>
        <button
          type="button"
          className="toggle"
          aria-pressed={follow}
          onClick={() => setFollow((f) => !f)}
          title="Keep the newest request in view"
        >
          {follow ? 'Pause auto-scroll' : 'Resume auto-scroll'}
        </button>
        <button type="button" onClick={() => void exportHar()}>
          Export HAR
        </button>
        <button type="button" className="danger" onClick={() => void clear()}>
          Clear
        </button>
      </div>
      {load.state === 'failed' && <p className="banner banner-error">The log history could not be read: {load.message}</p>}
      {actionError !== null && (
        <p className="banner banner-error" role="alert">
          {actionError}
        </p>
      )}
      {exported !== null && (
        <p className="banner banner-info" role="status">
          {exported}
        </p>
      )}

      <div className={`log-split${selected.entry ? ' with-detail' : ''}`}>
        <LogTable
          view={view}
          version={version}
          selectedSeq={selectedSeq}
          onSelect={select}
          follow={follow}
          onUserScrolledAway={pauseFollowing}
          revealSeq={revealSeq}
        />
        {selected.entry && <LogDetail entry={selected.entry} onClose={() => setSelectedSeq(null)} />}
        {!selected.entry && selected.missing && (
          <p className="banner banner-warn">Request #{selectedSeq} is no longer in the log (it was cleared or left the ring).</p>
        )}
      </div>
    </section>
  );
}

/**
 * Whole entries the detail pane fetched, by `seq`: the store holds summaries only. A few are kept,
 * so stepping back and forth through rows does not fetch again; a cleared or restarted log (a new
 * store epoch) starts the cache over, since a restarted engine numbers from 1 again.
 */
const fetchedEntries = { epoch: -1, bySeq: new Map<number, LogEntry>() };
const fetchedEntriesKept = 100;

function fetchedEntry(seq: number): LogEntry | undefined {
  if (fetchedEntries.epoch !== logStore.epoch) {
    fetchedEntries.epoch = logStore.epoch;
    fetchedEntries.bySeq.clear();
  }
  return fetchedEntries.bySeq.get(seq);
}

function keepFetched(entry: LogEntry, epoch: number): void {
  if (epoch !== logStore.epoch) return;
  const { bySeq } = fetchedEntries;
  bySeq.delete(entry.seq);
  bySeq.set(entry.seq, entry);
  if (bySeq.size > fetchedEntriesKept) bySeq.delete(bySeq.keys().next().value!);
}

/**
 * The selected entry, read whole from the engine (`GET /api/log/:seq`) when a row is opened.
 * While the next one loads, the pane keeps showing the previous one rather than closing and
 * reopening. `missing`: the engine no longer has it (cleared, or it left the engine's ring, which
 * is smaller than what the table keeps).
 */
function useSelectedEntry(seq: number | null): { entry: LogEntry | null; missing: boolean } {
  const cached = seq === null ? undefined : fetchedEntry(seq);
  // Only whether the entry has reached the store yet (history still loading): not every new batch.
  const arrived = seq !== null && seq <= logStore.lastSeq;
  const [answer, setAnswer] = useState<{ seq: number; entry: LogEntry | null } | null>(null);
  const [shown, setShown] = useState<LogEntry | null>(null);
  useEffect(() => {
    if (seq === null || cached || !arrived) return;
    let cancelled = false;
    const epoch = logStore.epoch;
    adminApi.logEntry(seq).then(
      (entry) => {
        keepFetched(entry, epoch);
        if (!cancelled) setAnswer({ seq, entry });
      },
      () => !cancelled && setAnswer({ seq, entry: null }),
    );
    return () => {
      cancelled = true;
    };
  }, [seq, cached, arrived]);
  const entry = seq === null ? null : (cached ?? (answer?.seq === seq ? answer.entry : undefined));
  // Remembered during render (React re-renders at once): the pane's entry until the next one is in.
  if (entry && entry !== shown) setShown(entry);
  if (seq === null && shown !== null) setShown(null);
  if (seq === null) return { entry: null, missing: false };
  if (entry !== undefined) return { entry, missing: entry === null };
  return { entry: shown, missing: false };
}
