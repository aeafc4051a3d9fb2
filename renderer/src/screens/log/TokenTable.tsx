import type { SeenToken } from '../../../../mock-server/analysis/token-insight.ts';
import { Expiry } from './Expiry.tsx';
import { dateTime } from './format.ts';

/** Every token the exchange sent or handed out, decoded: kind, user, scope and expiry. */
export function TokenTable({ tokens, now }: { tokens: SeenToken[]; now: number }) {
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
