import { useCallback, useEffect, useRef, useState } from 'react';
import { AdminApiError, adminApi, type ProxyView } from '../../api/client.ts';
import { StreamEvent, subscribeLive } from '../../api/live.ts';

/**
 * Tunnelled connections are not logged, so no stream event tells of them: the counters are read
 * this often while the screen is open. A second is a glance at a phone's traffic, and one
 * loopback read each time.
 */
const refreshMs = 1000;

/**
 * `GET /api/proxy` while the Proxy screen is open: the saved section and what runs, from one read,
 * so "configured but not running" never shows for the moment between a save and its status. Read
 * again at once when the config changes, and when proxied exchanges reach the log.
 */
export function useProxyView(): { view: ProxyView | null; error: AdminApiError | null; refresh: () => void } {
  const [view, setView] = useState<ProxyView | null>(null);
  const [error, setError] = useState<AdminApiError | null>(null);
  // The effect's reader, for a caller that just changed what runs ("Try again").
  const readNow = useRef<() => void>(() => {});
  const refresh = useCallback(() => readNow.current(), []);

  useEffect(() => {
    let open = true;
    let reading = false;
    let readAgain = false;
    const read = async (): Promise<void> => {
      if (reading) {
        readAgain = true;
        return;
      }
      reading = true;
      try {
        const next = await adminApi.proxy();
        if (open) {
          setView(next);
          setError(null);
        }
      } catch (caught) {
        if (open) setError(caught instanceof AdminApiError ? caught : new AdminApiError(0, [{ path: '$', message: String(caught) }]));
      } finally {
        reading = false;
        if (readAgain && open) {
          readAgain = false;
          void read();
        }
      }
    };
    void read();
    readNow.current = () => void read();
    const timer = setInterval(() => void read(), refreshMs);
    const stopLive = subscribeLive((event) => {
      if (event.type === StreamEvent.Config || event.type === 'reconnected') void read();
      else if (event.type === StreamEvent.Log && event.entries.some((entry) => entry.source === 'proxy')) void read();
    });
    return () => {
      open = false;
      clearInterval(timer);
      stopLive();
    };
  }, []);

  return { view, error, refresh };
}
