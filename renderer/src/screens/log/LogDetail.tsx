import { useMemo } from 'react';
import type { LogEntry } from '../../../../mock-server/log/entry.ts';
import { specWarnings } from '../../../../mock-server/analysis/spec-check.ts';
import { rules } from '../../../../mock-server/analysis/rulebook.ts';
import { tokensInEntry } from '../../../../mock-server/analysis/token-insight.ts';
import { knownBugs } from '../../../../mock-server/analysis/known-bugs.ts';
import { statusClassOf } from '../../model/log-filter.ts';
import { useNow } from '../../components/time.ts';
import { Body } from './Body.tsx';
import { ChallengeTable } from './ChallengeTable.tsx';
import { CurlButton } from './CurlButton.tsx';
import { HeaderTable } from './HeaderTable.tsx';
import { TokenTable } from './TokenTable.tsx';
import { clockTime, formatDuration } from './format.ts';

interface LogDetailProps {
  entry: LogEntry;
  onClose: () => void;
}

/** Everything about one exchange: what was sent and answered, and what it means by the spec. */
export function LogDetail({ entry, onClose }: LogDetailProps) {
  const warnings = useMemo(() => specWarnings(entry), [entry]);
  // The time expiry is judged at, ticking once a second so countdowns stay true.
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
