import { useId, useState, type FormEvent } from 'react';
import { Operation } from '../../../../mock-server/protocol/operations.ts';
import { AdminApiError, adminApi, type FaultRuleInput } from '../../api/client.ts';
import { ErrorBanner, Messages } from '../../components/forms.tsx';
import { OperationSelect } from './OperationSelect.tsx';

interface CustomDraft {
  operation: string;
  method: string;
  userId: string;
  phase: 'before' | 'after' | 'mutate';
  /** With phase "mutate": the JSON Patch, as typed. */
  patch: string;
  body: BodyKind | '';
  /** The body action's one number or text: ms, bytes per second, bytes, or the Content-Type. */
  bodyValue: string;
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

type BodyKind = 'stall' | 'dribble' | 'truncate' | 'reset' | 'malformedJson' | 'contentType' | 'empty200';

/** Each body action, with the field its one parameter goes in and what it means. */
const bodyActions: Record<BodyKind, { label: string; field?: string; hint?: string }> = {
  stall: { label: 'Stall after the headers', field: 'ms', hint: 'milliseconds before the first body byte' },
  dribble: { label: 'Dribble the body', field: 'bytesPerSecond', hint: 'bytes per second' },
  truncate: { label: 'Truncate (promise all, send less)', field: 'cutBytes', hint: 'bytes cut from the end' },
  reset: { label: 'Reset the connection mid-body', field: 'afterBytes', hint: 'bytes sent before the reset' },
  malformedJson: { label: 'Malformed JSON' },
  contentType: { label: 'Wrong Content-Type', field: 'value', hint: 'the Content-Type sent instead' },
  empty200: { label: 'Empty 200' },
};

const emptyCustom: CustomDraft = {
  operation: Operation.Bootstrap,
  method: '',
  userId: '',
  phase: 'before',
  patch: '',
  body: '',
  bodyValue: '',
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
    if (draft.body !== '') {
      const field = bodyActions[draft.body].field;
      const value = field === 'value' ? draft.bodyValue : number(draft.bodyValue);
      rule['body'] = field ? { kind: draft.body, [field]: value } : { kind: draft.body };
    }
    if (draft.phase === 'mutate') {
      try {
        rule['patch'] = JSON.parse(draft.patch);
      } catch (caught) {
        setError(new AdminApiError(0, [{ path: '$.patch', message: `not JSON: ${(caught as Error).message}` }]));
        return;
      }
    }
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
            '$.body',
            ...Object.values(bodyActions).flatMap((action) => (action.field ? [`$.body.${action.field}`] : [])),
            '$.patch',
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
              <option value="mutate">Mutate: patch the JSON answer</option>
            </select>
            <Messages
              id={`${id}-phase-messages`}
              hint="after: the change is made, then the status or dropped connection replaces its answer; mutate: the real answer, patched"
              {...messages('$.phase')}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-body`}>Body</label>
            <select
              id={`${id}-body`}
              value={draft.body}
              aria-invalid={messages('$.body').errors.length > 0 || undefined}
              aria-describedby={`${id}-body-messages`}
              onChange={(e) => set({ body: e.target.value as CustomDraft['body'] })}
            >
              <option value="">as the handler sends it</option>
              {Object.entries(bodyActions).map(([kind, action]) => (
                <option key={kind} value={kind}>
                  {action.label}
                </option>
              ))}
            </select>
            <Messages id={`${id}-body-messages`} hint="bends the real answer on its way out" {...messages('$.body')} />
          </div>
          {draft.body !== '' && bodyActions[draft.body].field && (
            <div className="field">
              <label htmlFor={`${id}-body-value`}>{bodyActions[draft.body].hint}</label>
              <input
                id={`${id}-body-value`}
                type="text"
                value={draft.bodyValue}
                aria-invalid={messages(`$.body.${bodyActions[draft.body].field}`).errors.length > 0 || undefined}
                aria-describedby={`${id}-body-value-messages`}
                onChange={(e) => set({ bodyValue: e.target.value })}
              />
              <Messages id={`${id}-body-value-messages`} {...messages(`$.body.${bodyActions[draft.body].field}`)} />
            </div>
          )}
          {textField('status', 'Status', '200–599')}
          {textField('retryAfter', 'Retry-After', 'seconds, or an HTTP date; with a status (429, 503)', 'text')}
          {textField('exceptOperations', 'Except', 'with operation *: names left alone, comma-separated', 'text')}
          {textField('delayMs', 'Delay (ms)', '0–300000, before answering')}
          {textField('percent', 'Chance (%)', 'seeded chaos: empty fires every time')}
          {textField('seed', 'Seed', 'empty: one is chosen and shown')}
          {textField('remaining', 'Requests', 'empty: until removed')}
        </div>
        {draft.phase === 'mutate' && (
          <div className="field">
            <label htmlFor={`${id}-patch`}>Patch (JSON Patch, RFC 6902, plus multiply and stripQuery)</label>
            <textarea
              id={`${id}-patch`}
              className="mono"
              rows={4}
              spellCheck={false}
              value={draft.patch}
              placeholder='[{"op": "multiply", "path": "/AccessTokenInfo/AccessTokenExpiry", "value": 0.001}]'
              aria-invalid={messages('$.patch').errors.length > 0 || undefined}
              aria-describedby={`${id}-patch-messages`}
              onChange={(e) => set({ patch: e.target.value })}
            />
            <Messages
              id={`${id}-patch-messages`}
              hint="a * path segment is every element of an array, e.g. /ChildFiles/*/Url"
              {...messages('$.patch')}
            />
          </div>
        )}
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
