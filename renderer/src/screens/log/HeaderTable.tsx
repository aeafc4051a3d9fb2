import type { HeaderLine } from '../../../../mock-server/log/entry.ts';

/** Headers in the order they were on the wire, duplicates kept. */
export function HeaderTable({ label, headers }: { label: string; headers: HeaderLine[] }) {
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
