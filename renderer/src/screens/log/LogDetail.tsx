import { useEffect, useMemo, useState } from 'react';
import type { CapturedBody, HeaderLine, LogEntry } from '../../../../mock-server/log/entry.ts';
import { specWarnings } from '../../../../mock-server/analysis/spec-check.ts';
import { rules } from '../../../../mock-server/analysis/rulebook.ts';
import { tokensInEntry, type SeenToken } from '../../../../mock-server/analysis/token-insight.ts';
import { decodeUrlSchemes, parseChallenge } from '../../../../mock-server/protocol/challenge.ts';
import { adminApi } from '../../api/client.ts';
import { statusClassOf } from '../../model/log-filter.ts';
import { knownBugs } from '../../../../mock-server/analysis/known-bugs.ts';
import { clockTime, dateTime, formatBytes, formatDuration, formatSpan } from './format.ts';

interface LogDetailProps {
  entry: LogEntry;
  onClose: () => void;
}

/** Everything about one exchange: what was sent and answered, and what it means by the spec. */
export function LogDetail({ entry, onClose }: LogDetailProps) {
  const warnings = useMemo(() => specWarnings(entry), [entry]);
  const now = useNow();
  const tokens = useMemo(() => tokensInEntry(entry, now), [entry, now]);
  const challenges = entry.responseHeaders.filter((h) => h.name.toLowerCase() === 'www-authenticate');
  const statusClass = statusClassOf(entry.status);
  const bugs = knownBugs.filter((bug) => entry.knownBugs.includes(bug.key));

  return (
    <section className="log-detail" aria-label={`Request ${entry.seq} details`}>
      <header className="detail-header">
        <div className="detail-title">
          <span className={`status-pill status-${statusClass}`}>{entry.status === 0 ? 'no answer' : entry.status}</span>
          <h2>
            {entry.operation} <span className="mono muted">#{entry.seq}</span>
          </h2>
          {entry.faultId !== null && <span className="badge badge-fault">fault {entry.faultId}</span>}
          {bugs.length > 0 && <span className="badge badge-bug">known host bug</span>}
          {entry.aborted && <span className="badge badge-error">connection closed early</span>}
          <span className="spacer" />
          <CurlButton seq={entry.seq} />
          <button type="button" className="small" onClick={onClose} aria-label="Close details">
            Close
          </button>
        </div>
        <p className="mono detail-url">
          {entry.method} {entry.url}
        </p>
        <p className="muted small">
          {clockTime(entry.time)} · {formatDuration(entry.durationMs)} · from {entry.remoteAddress || 'an unrecorded address'} · HTTP/
          {entry.httpVersion}
          {entry.userId !== null && (
            <>
              {' '}
              · user <strong>{entry.userId}</strong>
            </>
          )}
        </p>
      </header>

      {bugs.length > 0 && (
        <div className="detail-section" aria-label="Known host bugs">
          <h3>Bent on purpose</h3>
          <ul className="notes">
            {bugs.map((bug) => (
              <li key={bug.key} data-known-bug={bug.key}>
                <strong>{bug.title}</strong> (<code>{bug.configPath}</code>) breaks rule <code>{bug.rule}</code>
              </li>
            ))}
          </ul>
        </div>
      )}

      {entry.notes.length > 0 && (
        <div className="detail-section">
          <h3>Why the host answered this way</h3>
          <ul className="notes">
            {entry.notes.map((note, i) => (
              <li key={i}>{note}</li>
            ))}
          </ul>
        </div>
      )}

      <div className="detail-section" aria-label="Spec warnings">
        <h3>Spec check</h3>
        {warnings.length === 0 ? (
          <p className="spec-ok">✓ Nothing in this exchange breaks the rules in the spec.</p>
        ) : (
          <ul className="spec-warnings">
            {warnings.map((w, i) => (
              <li key={i} className={`spec-warning spec-${w.severity}`} data-rule={w.rule}>
                <span className={`badge ${w.severity === 'failure' ? 'badge-error' : 'badge-warn'}`}>
                  {w.severity === 'failure' ? 'violation' : w.severity}
                </span>{' '}
                <strong className="spec-title">{rules[w.rule].title}</strong> <span className="mono muted">{w.rule}</span>
                <span className="spec-message">{w.message}</span>
                <span className="spec-source">
                  {rules[w.rule].sources.map((source, j) => (
                    <span key={source.url}>
                      {j > 0 && ' · '}
                      <a href={source.url} target="_blank" rel="noreferrer">
                        {source.title}
                      </a>
                    </span>
                  ))}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>

      {challenges.length > 0 && (
        <div className="detail-section">
          <h3>WWW-Authenticate challenge</h3>
          {challenges.map((header, i) => (
            <ChallengeTable key={i} value={header.value} />
          ))}
        </div>
      )}

      {tokens.length > 0 && (
        <div className="detail-section">
          <h3>Tokens</h3>
          <TokenTable tokens={tokens} now={now} />
        </div>
      )}

      <div className="detail-section">
        <h3>Request</h3>
        <HeaderTable label="Request headers" headers={entry.requestHeaders} />
        <Body label="Request body" body={entry.requestBody} />
      </div>
      <div className="detail-section">
        <h3>Response</h3>
        <HeaderTable label="Response headers" headers={entry.responseHeaders} />
        <Body label="Response body" body={entry.responseBody} />
      </div>
    </section>
  );
}

/** The time the detail pane judges expiry at, ticking once a second so countdowns stay true. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function CurlButton({ seq }: { seq: number }) {
  const [result, setResult] = useState<{ seq: number; text: string; copied: boolean } | { seq: number; error: string } | null>(null);
  const shown = result?.seq === seq ? result : null;
  const copy = async () => {
    try {
      const text = (await adminApi.curl(seq)).trimEnd();
      let copied = false;
      try {
        await navigator.clipboard.writeText(text);
        copied = true;
      } catch {
        // No clipboard permission (e.g. an unfocused window): the command is shown to select instead.
      }
      setResult({ seq, text, copied });
    } catch (error) {
      setResult({ seq, error: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <>
      <button type="button" className="small" onClick={() => void copy()}>
        Copy as curl
      </button>
      {shown && (
        <div className="curl-result" role="status">
          {'error' in shown ? (
            <p className="field-error">Could not get the curl command: {shown.error}</p>
          ) : (
            <>
              <p className="small muted">
                {shown.copied ? 'Copied to the clipboard:' : 'The clipboard is not available; select the command:'}
              </p>
              <pre className="code" data-testid="curl-command">
                {shown.text}
              </pre>
            </>
          )}
        </div>
      )}
    </>
  );
}

function ChallengeTable({ value }: { value: string }) {
  const parsed = parseChallenge(value);
  if (!parsed) {
    return (
      <>
        <p className="field-error">Not a parseable challenge.</p>
        <pre className="code">{value}</pre>
      </>
    );
  }
  return (
    <>
      <table className="table kv-table" aria-label="Challenge parameters">
        <tbody>
          <tr>
            <th scope="row">scheme</th>
            <td className="mono">{parsed.scheme}</td>
          </tr>
          {parsed.ordered.map(([name, paramValue], i) => {
            const schemes = name === 'UrlSchemes' ? decodeUrlSchemes(paramValue) : null;
            return (
              <tr key={i}>
                <th scope="row" className="mono">
                  {name}
                </th>
                <td className="mono">
                  {paramValue}
                  {schemes && <pre className="code decoded">{JSON.stringify(schemes, null, 2)}</pre>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <details>
        <summary className="small">Raw header</summary>
        <pre className="code">{value}</pre>
      </details>
    </>
  );
}

function TokenTable({ tokens, now }: { tokens: SeenToken[]; now: number }) {
  return (
    <table className="table token-table" aria-label="Decoded tokens">
      <thead>
        <tr>
          <th>Where</th>
          <th>Kind</th>
          <th>User</th>
          <th>For</th>
          <th>Issued</th>
          <th>Expiry</th>
        </tr>
      </thead>
      <tbody>
        {tokens.map((seen, i) => (
          <tr key={i}>
            <td>
              <span className="muted small">{seen.direction === 'request' ? 'sent' : 'handed out'}</span>
              <br />
              {seen.place}
              {seen.path !== undefined && <span className="mono small"> {seen.path}</span>}
            </td>
            {seen.decoded.ok ? (
              <>
                <td>
                  <span className="badge">{seen.decoded.insight.kind}</span>
                </td>
                <td>{seen.decoded.insight.userId ?? '—'}</td>
                <td className="mono small">{seen.decoded.insight.scope ?? seen.decoded.insight.clientId ?? '—'}</td>
                <td className="small">{seen.decoded.insight.issuedAtMs !== null ? dateTime(seen.decoded.insight.issuedAtMs) : '—'}</td>
                <td className="small">
                  <Expiry expiresAtMs={seen.decoded.insight.expiresAtMs} now={now} />
                </td>
              </>
            ) : (
              <td colSpan={5} className="muted">
                Not readable: {seen.decoded.reason}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Expiry({ expiresAtMs, now }: { expiresAtMs: number | null; now: number }) {
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

function HeaderTable({ label, headers }: { label: string; headers: HeaderLine[] }) {
  if (headers.length === 0) return <p className="muted small">No headers.</p>;
  return (
    <table className="table kv-table headers" aria-label={label}>
      <tbody>
        {headers.map((h, i) => (
          <tr key={i}>
            <th scope="row" className="mono">
              {h.name}
            </th>
            <td className="mono">{h.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Body({ label, body }: { label: string; body: CapturedBody | null }) {
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
      <pre className="code">{pretty ?? body.text}</pre>
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
