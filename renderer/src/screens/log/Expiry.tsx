import { dateTime, formatSpan } from './format.ts';

/** An expiry instant and how long it has left (or since when it is gone). */
export function Expiry({ expiresAtMs, now }: { expiresAtMs: number | null; now: number }) {
  if (expiresAtMs === null) return <>never</>;
  const expired = expiresAtMs <= now;
  return (
    <>
      {dateTime(expiresAtMs)}
      <br />
      {expired ? (
        <span className="badge badge-error">expired {formatSpan(now - expiresAtMs)} ago</span>
      ) : (
        <span className="badge badge-ok">valid for {formatSpan(expiresAtMs - now)}</span>
      )}
    </>
  );
}
