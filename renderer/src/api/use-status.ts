import { useEffect, useState } from 'react';
import { AdminApiError, adminApi, type EngineStatus } from './client.ts';

/** `GET /api/status`, re-read every few seconds while a screen shows it (log fill, warnings). */
export function useStatus(intervalMs = 5000): { status: EngineStatus | null; error: AdminApiError | null } {
  const [status, setStatus] = useState<EngineStatus | null>(null);
  const [error, setError] = useState<AdminApiError | null>(null);
  useEffect(() => {
    let stopped = false;
    const read = async () => {
      try {
        const next = await adminApi.status();
        if (!stopped) {
          setStatus(next);
          setError(null);
        }
      } catch (caught) {
        if (!stopped) setError(caught instanceof AdminApiError ? caught : new AdminApiError(0, [{ path: '$', message: String(caught) }]));
      }
    };
    void read();
    const timer = setInterval(() => void read(), intervalMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [intervalMs]);
  return { status, error };
}
