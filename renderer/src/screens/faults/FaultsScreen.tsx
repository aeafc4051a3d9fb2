import { useId, useState, type FormEvent } from 'react';
import { explainRule } from '../../../../mock-server/analysis/explain-fault.ts';
import { Operation, operationNames, type OperationName } from '../../../../mock-server/protocol/operations.ts';
import { AdminApiError, adminApi, type FaultRule, type FaultRuleInput } from '../../api/client.ts';
import { useConfig } from '../../api/config-store.ts';
import { ErrorBanner, Messages } from '../../components/forms.tsx';

/** The cases people stage most, one click each (operation names from protocol/operations.ts). */
const presets: Array<{ key: string; label: string; rule: Pick<FaultRuleInput, 'operation' | 'status' | 'delayMs'>; latency?: true }> = [
  { key: 'bootstrap-401', label: 'Force 401 on Bootstrap', rule: { operation: Operation.Bootstrap, status: 401 } },
  { key: 'gnat-401', label: 'Force 401 on GetNewAccessToken', rule: { operation: Operation.GetNewAccessToken, status: 401 } },
  { key: 'gnat-404', label: 'Force 404 on GetNewAccessToken', rule: { operation: Operation.GetNewAccessToken, status: 404 } },
  { key: 'cfi-404', label: '404 on CheckFileInfo', rule: { operation: Operation.CheckFileInfo, status: 404 } },
  { key: 'token-500', label: '500 on the token endpoint', rule: { operation: Operation.Token, status: 500 } },
  { key: 'latency', label: 'Add latency', rule: { operation: '*', delayMs: 2000 }, latency: true },
];

const anyOperation = '*';

/** A preset is on while a rule with its operation and action is active. */
function presetRules(faults: FaultRule[], preset: (typeof presets)[number]): FaultRule[] {
  return faults.filter((f) =>
    preset.latency
      ? f.delayMs !== undefined && f.status === undefined && !f.dropConnection
      : f.operation === preset.rule.operation && f.status === preset.rule.status && f.delayMs === undefined && !f.dropConnection,
  );
}

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

type Run = (action: () => Promise<unknown>) => Promise<void>;

function PresetRow({ preset, active, users, run }: { preset: (typeof presets)[number]; active: FaultRule[]; users: string[]; run: Run }) {
  const [userId, setUserId] = useState('');
  const [mode, setMode] = useState<'count' | 'always'>('count');
  const [count, setCount] = useState('1');
  const [operation, setOperation] = useState<string>(preset.rule.operation);
  const [delay, setDelay] = useState('2000');
  const id = useId();
  const on = active.length > 0;
  const countValue = Number(count);
  const countValid = mode === 'always' || (/^\d+$/.test(count) && countValue >= 1 && countValue <= 1_000_000);
  const delayValid = !preset.latency || (/^\d+$/.test(delay) && Number(delay) <= 300_000);

  const turnOn = () =>
    run(() =>
      adminApi.addFault({
        ...preset.rule,
        ...(preset.latency ? { operation, delayMs: Number(delay) } : {}),
        ...(userId !== '' ? { userId } : {}),
        ...(mode === 'count' ? { remaining: countValue } : {}),
      }),
    );
  const turnOff = () => run(() => Promise.all(active.map((rule) => adminApi.removeFault(rule.id))));

  return (
    <tr data-testid={`preset-${preset.key}`}>
      <th scope="row">
        <span id={`${id}-label`}>{preset.label}</span>
        {on && (
          <div className="small muted" data-testid="preset-state">
            {active.map((rule) => explainRule(rule)).join('; ')}
          </div>
        )}
      </th>
      <td>
        <div className="row">
          {preset.latency ? (
            <>
              <input
                type="text"
                inputMode="numeric"
                style={{ width: 80 }}
                aria-label={`${preset.label}: delay in ms`}
                aria-invalid={!delayValid || undefined}
                value={delay}
                onChange={(e) => setDelay(e.target.value)}
                disabled={on}
              />
              <span className="small muted" style={{ whiteSpace: 'nowrap' }}>
                ms on
              </span>
              <OperationSelect label={`${preset.label}: operation`} value={operation} onChange={setOperation} disabled={on} />
            </>
          ) : (
            <code className="small">{preset.rule.operation}</code>
          )}
          <select aria-label={`${preset.label}: user`} value={userId} onChange={(e) => setUserId(e.target.value)} disabled={on}>
            <option value="">any user</option>
            {users.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </div>
      </td>
      <td>
        <div className="row">
          <select
            aria-label={`${preset.label}: how long`}
            value={mode}
            onChange={(e) => setMode(e.target.value as 'count' | 'always')}
            disabled={on}
          >
            <option value="count">next N requests</option>
            <option value="always">until turned off</option>
          </select>
          {mode === 'count' && (
            <input
              type="text"
              inputMode="numeric"
              style={{ width: 64 }}
              aria-label={`${preset.label}: number of requests`}
              aria-invalid={!countValid || undefined}
              value={count}
              onChange={(e) => setCount(e.target.value)}
              disabled={on}
            />
          )}
        </div>
      </td>
      <td>
        <button
          type="button"
          className="toggle switch"
          aria-pressed={on}
          aria-labelledby={`${id}-label`}
          disabled={!on && (!countValid || !delayValid)}
          onClick={() => void (on ? turnOff() : turnOn())}
        >
          {on ? 'On' : 'Off'}
        </button>
      </td>
    </tr>
  );
}

function OperationSelect({
  label,
  value,
  onChange,
  disabled,
  id,
}: {
  label?: string;
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
  id?: string;
}) {
  return (
    <select id={id} className="operation" aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled}>
      <option value={anyOperation}>* (every operation)</option>
      {operationNames.map((name: OperationName) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </select>
  );
}

function ActiveRules({ faults, run }: { faults: FaultRule[]; run: Run }) {
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

interface CustomDraft {
  operation: string;
  method: string;
  userId: string;
  status: string;
  delayMs: string;
  dropConnection: boolean;
  remaining: string;
}

const emptyCustom: CustomDraft = {
  operation: Operation.Bootstrap,
  method: '',
  userId: '',
  status: '',
  delayMs: '',
  dropConnection: false,
  remaining: '',
};

/** Any rule the engine supports; numbers are sent as typed so the engine's own validation speaks. */
function CustomRuleForm({ users }: { users: string[] }) {
  const [draft, setDraft] = useState<CustomDraft>(emptyCustom);
  const [error, setError] = useState<AdminApiError | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const id = useId();
  const set = (change: Partial<CustomDraft>) => {
    setDraft({ ...draft, ...change });
    setAdded(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const number = (text: string) => (/^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text);
    const rule: Record<string, unknown> = { operation: draft.operation };
    if (draft.method.trim() !== '') rule['method'] = draft.method.trim();
    if (draft.userId !== '') rule['userId'] = draft.userId;
    if (draft.status.trim() !== '') rule['status'] = number(draft.status);
    if (draft.delayMs.trim() !== '') rule['delayMs'] = number(draft.delayMs);
    if (draft.dropConnection) rule['dropConnection'] = true;
    if (draft.remaining.trim() !== '') rule['remaining'] = number(draft.remaining);
    setError(null);
    try {
      const stored = await adminApi.addFault(rule as FaultRuleInput);
      setAdded(stored.explanation);
      setDraft(emptyCustom);
    } catch (caught) {
      setError(caught instanceof AdminApiError ? caught : new AdminApiError(0, [{ path: '$', message: String(caught) }]));
    }
  };

  const messages = (path: string) => ({ errors: error?.messagesAt(path) ?? [] });
  const numberField = (key: 'status' | 'delayMs' | 'remaining', label: string, hint: string) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        type="text"
        inputMode="numeric"
        value={draft[key]}
        aria-invalid={messages(`$.${key}`).errors.length > 0 || undefined}
        aria-describedby={`${id}-${key}-messages`}
        onChange={(e) => set({ [key]: e.target.value })}
      />
      <Messages id={`${id}-${key}-messages`} hint={hint} {...messages(`$.${key}`)} />
    </div>
  );

  return (
    <section className="card" aria-labelledby="custom-title">
      <h2 id="custom-title">Custom rule</h2>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <ErrorBanner
          error={error}
          shownPaths={['$.operation', '$.method', '$.userId', '$.status', '$.delayMs', '$.remaining', '$.dropConnection']}
        />
        <div className="custom-grid">
          <div className="field">
            <label htmlFor={`${id}-operation`}>Operation</label>
            <OperationSelect id={`${id}-operation`} value={draft.operation} onChange={(operation) => set({ operation })} />
            <Messages id={`${id}-operation-messages`} {...messages('$.operation')} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-method`}>Method</label>
            <select id={`${id}-method`} value={draft.method} onChange={(e) => set({ method: e.target.value })}>
              <option value="">any</option>
              {['GET', 'POST', 'PUT', 'DELETE'].map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
            <Messages id={`${id}-method-messages`} {...messages('$.method')} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-user`}>User</label>
            <select id={`${id}-user`} value={draft.userId} onChange={(e) => set({ userId: e.target.value })}>
              <option value="">any user</option>
              {users.map((u) => (
                <option key={u} value={u}>
                  {u}
                </option>
              ))}
            </select>
            <Messages id={`${id}-user-messages`} {...messages('$.userId')} />
          </div>
          {numberField('status', 'Status', '200–599')}
          {numberField('delayMs', 'Delay (ms)', '0–300000, before answering')}
          {numberField('remaining', 'Requests', 'empty: until removed')}
        </div>
        <div className="row" style={{ marginBottom: 12 }}>
          <input
            id={`${id}-drop`}
            type="checkbox"
            checked={draft.dropConnection}
            onChange={(e) => set({ dropConnection: e.target.checked })}
          />
          <label htmlFor={`${id}-drop`}>Drop the connection (no answer at all)</label>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Add rule
          </button>
          <span role="status" className="small muted">
            {added ? `Added: ${added}` : ''}
          </span>
        </div>
      </form>
    </section>
  );
}
