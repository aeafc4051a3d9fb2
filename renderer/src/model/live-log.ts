import { useCallback, useSyncExternalStore } from 'react';
import type { LogSummary } from '../../../mock-server/log/entry.ts';
import { adminApi } from '../api/client.ts';
import { StreamEvent, subscribeLive } from '../api/live.ts';
import { createStore, useStore } from '../api/store.ts';
import { FrameQueue } from './frame-queue.ts';
import { LogStore, minimumUiCapacity } from './log-store.ts';
import { FlowModel } from './flow-model.ts';

/**
 * The one log model of the UI, shared by the Live log and Flow screens. It holds summaries (what
 * the stream sends); the detail pane reads the one entry it shows. Stream batches are queued
 * and applied at most once per animation frame (a 250 ms timer covers hidden tabs), at most 5,000
 * entries at a time, so neither a burst of requests nor a 50,000-entry replay blocks a frame.
 */
export const logStore = new LogStore();
export const flowModel = new FlowModel();

const queue = new FrameQueue<LogSummary>((batch) => logStore.append(batch), { maxPerFlush: 5000, floorMs: 250 });

export type LogLoadState = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; message: string };
const loadState = createStore<LogLoadState>({ state: 'loading' });
let started = false;
/** The newest `seq` the history read brought; null until it arrived. What came with it is not news. */
let historyLastSeq: number | null = null;

export function loadedHistoryLastSeq(): number | null {
  return historyLastSeq;
}

function setLoadState(next: LogLoadState): void {
  loadState.set(next);
}

/**
 * Starts following the log once, on the first screen that needs it: subscribe to the stream
 * first (holding its batches), then read the history, then let the held batches through.
 * Anything both brought is dropped by `seq`, so nothing is lost or shown twice.
 */
export function startLiveLog(): void {
  if (started) return;
  started = true;
  let held: LogSummary[] | null = [];
  subscribeLive((event) => {
    if (event.type === StreamEvent.Log) {
      if (held) held.push(...event.entries);
      else queue.push(event.entries);
    } else if (event.type === StreamEvent.LogCleared) {
      queue.discard();
      if (held) held = [];
      logStore.clear(event.lastSeq);
    }
  });
  const load = async (attempt: number): Promise<void> => {
    try {
      const page = await adminApi.logSummaries();
      logStore.capacity = Math.max(minimumUiCapacity, page.capacity);
      historyLastSeq = page.lastSeq;
      queue.push(page.entries);
      queue.push(held ?? []);
      held = null;
      setLoadState({ state: 'ready' });
    } catch (error) {
      setLoadState({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
      // Keep trying quietly: the engine may be restarting.
      setTimeout(() => void load(attempt + 1), Math.min(10_000, 1000 * 2 ** attempt));
    }
  };
  void load(0);
}

export function useLogLoadState(): LogLoadState {
  return useStore(loadState);
}

/**
 * Re-renders the caller once per applied batch (at most one per frame), or with `intervalMs` at
 * most that often: a lone request still shows at once, while a flood of thousands a second
 * redraws a few times a second rather than replacing every row on screen every frame. Read
 * `logStore` during render.
 */
export function useLogVersion(intervalMs = 0): number {
  startLiveLog();
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (intervalMs <= 0) return logStore.subscribe(onChange);
      let timer: ReturnType<typeof setTimeout> | null = null;
      let last = -Infinity;
      const unsubscribe = logStore.subscribe(() => {
        if (timer !== null) return;
        timer = setTimeout(
          () => {
            timer = null;
            last = performance.now();
            onChange();
          },
          Math.max(0, last + intervalMs - performance.now()),
        );
      });
      return () => {
        unsubscribe();
        if (timer !== null) clearTimeout(timer);
      };
    },
    [intervalMs],
  );
  // Only the notifications are throttled: React reads the current version when it renders, and
  // once more after subscribing, so a change between the first render and the subscription shows.
  return useSyncExternalStore(subscribe, logStore.getVersion);
}

/** Removes every entry from the engine's log; the stream's `log-cleared` event clears the store. */
export async function clearLog(): Promise<void> {
  await adminApi.clearLog();
}
