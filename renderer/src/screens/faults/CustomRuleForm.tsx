import { useId, useState, type FormEvent } from 'react';
import { Operation } from '../../../../mock-server/protocol/operations.ts';
import { AdminApiError, adminApi, type FaultRuleInput } from '../../api/client.ts';
import { ErrorBanner, Messages } from '../../components/forms.tsx';
import { OperationSelect } from './OperationSelect.tsx';

interface CustomDraft {
  operation: string;
  method: string;
  userId: string;
  phase: 'before' | 'after';
  status: string;
  retryAfter: string;
  /** With operation "*": names left alone, comma-separated. */
  exceptOperations: string;
  delayMs: string;
  dropConnection: boolean;
  /** Seeded chaos, as a percentage. */
  percent: string;
  seed: string;
  remaining: string;
}

const emptyCustom: CustomDraft = {
  operation: Operation.Bootstrap,
  method: '',
  userId: '',
  phase: 'before',
  status: '',
  retryAfter: '',
  exceptOperations: '',
  delayMs: '',
  dropConnection: false,
  percent: '',
  seed: '',
  remaining: '',
};

/** Any rule the engine supports; numbers are sent as typed so the engine's own validation speaks. */
export function CustomRuleForm({ users }: { users: string[] }) {
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
    if (draft.phase !== 'before') rule['phase'] = draft.phase;
    if (draft.status.trim() !== '') rule['status'] = number(draft.status);
    // Retry-After is seconds or an HTTP date: a number only when it is all digits.
    if (draft.retryAfter.trim() !== '') rule['retryAfter'] = number(draft.retryAfter.trim());
    const except = draft.exceptOperations
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    if (except.length > 0) rule['exceptOperations'] = except;
    if (draft.delayMs.trim() !== '') rule['delayMs'] = number(draft.delayMs);
    if (draft.percent.trim() !== '') {
      const percent = number(draft.percent);
      rule['probability'] = typeof percent === 'number' ? percent / 100 : percent;
    }
    if (draft.seed.trim() !== '') rule['seed'] = number(draft.seed);
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
  type TextKey = 'status' | 'retryAfter' | 'exceptOperations' | 'delayMs' | 'percent' | 'seed' | 'remaining';
  /** The engine's error path for a draft field: the percentage is sent as `probability`. */
  const pathOf = (key: TextKey) => (key === 'percent' ? '$.probability' : `$.${key}`);
  const textField = (key: TextKey, label: string, hint: string, inputMode: 'numeric' | 'text' = 'numeric') => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        type="text"
        inputMode={inputMode}
        value={draft[key]}
        aria-invalid={messages(pathOf(key)).errors.length > 0 || undefined}
        aria-describedby={`${id}-${key}-messages`}
        onChange={(e) => set({ [key]: e.target.value })}
      />
      <Messages id={`${id}-${key}-messages`} hint={hint} {...messages(pathOf(key))} />
    </div>
  );

  return (
    <section className="card" aria-labelledby="custom-title">
      <h2 id="custom-title">Custom rule</h2>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <ErrorBanner
          error={error}
          shownPaths={[
            '$.operation',
            '$.method',
            '$.userId',
            '$.phase',
            '$.status',
            '$.retryAfter',
            '$.exceptOperations',
            '$.delayMs',
            '$.probability',
            '$.seed',
            '$.remaining',
            '$.dropConnection',
          ]}
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
          <div className="field">
            <label htmlFor={`${id}-phase`}>Phase</label>
            <select
              id={`${id}-phase`}
              value={draft.phase}
              aria-invalid={messages('$.phase').errors.length > 0 || undefined}
              aria-describedby={`${id}-phase-messages`}
              onChange={(e) => set({ phase: e.target.value as CustomDraft['phase'] })}
            >
              <option value="before">Before</option>
              <option value="after">After: commit then fail</option>
            </select>
            <Messages
              id={`${id}-phase-messages`}
              hint="after: the change is made, then the status or dropped connection replaces its answer"
              {...messages('$.phase')}
            />
          </div>
          {textField('status', 'Status', '200–599')}
          {textField('retryAfter', 'Retry-After', 'seconds, or an HTTP date; with a status (429, 503)', 'text')}
          {textField('exceptOperations', 'Except', 'with operation *: names left alone, comma-separated', 'text')}
          {textField('delayMs', 'Delay (ms)', '0–300000, before answering')}
          {textField('percent', 'Chance (%)', 'seeded chaos: empty fires every time')}
          {textField('seed', 'Seed', 'empty: one is chosen and shown')}
          {textField('remaining', 'Requests', 'empty: until removed')}
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
