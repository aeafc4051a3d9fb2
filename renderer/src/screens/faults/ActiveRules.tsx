import { explainRule } from '../../../../mock-server/analysis/explain-fault.ts';
import { adminApi, type FaultRule } from '../../api/client.ts';
import type { Run } from './presets.ts';

/** The rules in the order they are tried, each with its sentence and a remove button. */
export function ActiveRules({ faults, run }: { faults: FaultRule[]; run: Run }) {
  return (
    <section className="card" aria-labelledby="active-title">
      <div className="row" style={{ marginBottom: 8 }}>
        <h2 id="active-title" style={{ margin: 0 }}>
          Active rules <span className="badge">{faults.length}</span>
        </h2>
        <span className="spacer" />
        <button type="button" className="danger" disabled={faults.length === 0} onClick={() => void run(() => adminApi.clearFaults())}>
          Clear all
        </button>
      </div>
      {faults.length === 0 ? (
        <p className="hint">No fault rules: every request is answered normally.</p>
      ) : (
        <table className="table" aria-labelledby="active-title">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Rule</th>
              <th scope="col">Remaining</th>
              <th scope="col">ID</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {faults.map((rule, index) => (
              <tr key={rule.id} data-testid="active-rule" data-rule-id={rule.id}>
                <td className="muted">{index + 1}</td>
                <td>{explainRule(rule)}</td>
                <td className="mono" data-testid="remaining">
                  {rule.remaining ?? '∞'}
                </td>
                <td className="mono small">{rule.id}</td>
                <td>
                  <button
                    type="button"
                    className="small"
                    aria-label={`Remove rule ${rule.id}`}
                    onClick={() => void run(() => adminApi.removeFault(rule.id))}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
