import { AdminApiError, adminApi, type EngineStatus } from './client.ts';
import { StreamEvent, subscribeLive } from './live.ts';
import { createStore, useStore } from './store.ts';

interface StatusSnapshot {
  status: EngineStatus | null;
  error: AdminApiError | null;
}

/** How often the status (log fill, warnings) is re-read while a screen shows it. */
const refreshMs = 5000;

let reading = false;
let readAgain = false;

/** One read at a time; one asked for meanwhile follows it, so a change is never read stale. */
async function read(): Promise<void> {
  if (reading) {
    readAgain = true;
    return;
  }
  reading = true;
  try {
    statusStore.set({ status: await adminApi.status(), error: null });
  } catch (caught) {
    statusStore.set((current) => ({
      ...current,
      error: caught instanceof AdminApiError ? caught : new AdminApiError(0, [{ path: '$', message: String(caught) }]),
    }));
  } finally {
    reading = false;
    if (readAgain) {
      readAgain = false;
      void read();
    }
  }
}

/**
 * `GET /api/status`, shared by every screen that shows it: read when the first one opens, then
 * every few seconds, and at once when the config (and so its warnings) changes or the stream
 * comes back, until the last one closes.
 */
const statusStore = createStore<StatusSnapshot>(
  { status: null, error: null },
  {
    onObserved: () => {
      void read();
      const timer = setInterval(() => void read(), refreshMs);
      const stopLive = subscribeLive((event) => {
        if (event.type === StreamEvent.Config || event.type === 'reconnected') void read();
      });
      return () => {
        clearInterval(timer);
        stopLive();
      };
    },
  },
);

export function useStatus(): StatusSnapshot {
  return useStore(statusStore);
}
