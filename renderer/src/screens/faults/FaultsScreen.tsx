import { useState } from 'react';
import { AdminApiError } from '../../api/client.ts';
import { useConfig } from '../../api/config-store.ts';
import { ErrorBanner } from '../../components/forms.tsx';
import { ActiveRules } from './ActiveRules.tsx';
import { CustomRuleForm } from './CustomRuleForm.tsx';
import { PresetRow } from './PresetRow.tsx';
import { presetRules, presets } from './presets.ts';

/** Fault rules: the common cases as switches, the active rules in order, and a form for any other. */
export function FaultsScreen() {
  const { config, loadError } = useConfig();
  const [problem, setProblem] = useState<AdminApiError | null>(null);
  const faults = config?.faults ?? [];
  const users = config?.users ?? [];

  const run = async (action: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await action();
    } catch (error) {
      setProblem(error instanceof AdminApiError ? error : new AdminApiError(0, [{ path: '$', message: String(error) }]));
    }
  };

  return (
    <section className="screen" aria-labelledby="faults-title">
      <header className="screen-header">
        <h1 id="faults-title">Faults</h1>
        <p>
          Make the host misbehave on purpose. Rules are tried in order; the first that matches a request fires, and its log entry names the
          rule.
        </p>
      </header>
      {loadError && (
        <div className="banner banner-error" role="alert">
          {loadError.message}
        </div>
      )}
      <ErrorBanner error={problem} />
      <section className="card" aria-labelledby="quick-title">
        <h2 id="quick-title">Common cases</h2>
        <table className="table presets" aria-label="Common cases">
          <thead>
            <tr>
              <th scope="col">Fault</th>
              <th scope="col">Scope</th>
              <th scope="col">For</th>
              <th scope="col">
                <span className="visually-hidden">Switch</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {presets.map((preset) => (
              <PresetRow key={preset.key} preset={preset} active={presetRules(faults, preset)} users={users.map((u) => u.id)} run={run} />
            ))}
          </tbody>
        </table>
      </section>
      <ActiveRules faults={faults} run={run} />
      <CustomRuleForm users={users.map((u) => u.id)} />
    </section>
  );
}
