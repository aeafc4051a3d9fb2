import { useMemo } from 'react';
import type { CapturedBody } from '../../../../mock-server/log/entry.ts';
import { formatBytes } from './format.ts';

/** A captured body: its type and size, JSON pretty-printed, binary as base64. */
export function Body({ label, body }: { label: string; body: CapturedBody | null }) {
  // The pane re-renders every second for the token countdowns; a 16 KiB body is formatted once.
  const pretty = useMemo(
    () => (body && body.encoding === 'utf8' && !body.truncated && /json/i.test(body.mimeType) ? prettyJson(body.text) : null),
    [body],
  );
  if (!body) return <p className="muted small">No body.</p>;
  return (
    <figure className="body" aria-label={label}>
      <figcaption className="small muted">
        {body.mimeType || 'no Content-Type'} · {formatBytes(body.size)}
        {body.truncated && ' · cut at the log’s body cap'}
        {body.encoding === 'base64' && ' · binary, shown as base64'}
      </figcaption>
      {/* It scrolls (log.css caps its height), so it takes keyboard focus to be scrolled with the arrow keys (WCAG 2.1.1). */}
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- a scrollable region must be focusable */}
      <pre className="code" tabIndex={0} aria-label={`${label} text`}>
        {pretty ?? body.text}
      </pre>
    </figure>
  );
}

function prettyJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}
