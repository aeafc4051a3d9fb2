import { useId, useState, type ReactNode } from 'react';
import type { AdminApiError, ConfigIssue } from '../api/client.ts';

/** Messages for one JSON path of the config document, from a failed save and from warnings. */
export function issuesAt(
  path: string,
  error: AdminApiError | null,
  warnings: ConfigIssue[] = [],
): { errors: string[]; warnings: string[] } {
  return {
    errors: error ? error.messagesAt(path) : [],
    warnings: warnings.filter((w) => w.path === path).map((w) => w.message),
  };
}

export interface FieldMessages {
  errors?: string[];
  warnings?: string[];
}

/** The messages shown under a control; their ids go in the control's aria-describedby. */
export function Messages({ id, errors = [], warnings = [], hint }: FieldMessages & { id: string; hint?: ReactNode }) {
  return (
    <div id={id}>
      {hint !== undefined && <p className="hint">{hint}</p>}
      {errors.map((message) => (
        <p key={message} className="field-error" role="alert" data-testid="field-error">
          {message}
        </p>
      ))}
      {warnings.map((message) => (
        <p key={message} className="field-warning" data-testid="field-warning">
          ⚠ {message}
        </p>
      ))}
    </div>
  );
}

export interface TextFieldProps extends FieldMessages {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: ReactNode;
  type?: 'text' | 'password' | 'url';
  placeholder?: string;
  /** JSON path of the value in the config document, for tests and error mapping. */
  path?: string;
  monospace?: boolean;
  trailing?: ReactNode;
}

export function TextField({
  label,
  value,
  onChange,
  hint,
  type = 'text',
  placeholder,
  path,
  errors = [],
  warnings = [],
  monospace,
  trailing,
}: TextFieldProps) {
  const id = useId();
  const messagesId = `${id}-messages`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input
          id={id}
          type={type}
          value={value}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          className={monospace ? 'mono' : undefined}
          style={{ flex: 1 }}
          data-path={path}
          aria-invalid={errors.length > 0 ? true : undefined}
          aria-describedby={messagesId}
          onChange={(event) => onChange(event.target.value)}
        />
        {trailing}
      </div>
      <Messages id={messagesId} errors={errors} warnings={warnings} hint={hint} />
    </div>
  );
}

/** A yes/no setting with its explanation under it. */
export function CheckboxField({
  label,
  checked,
  onChange,
  hint,
  path,
  errors = [],
  warnings = [],
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: ReactNode;
  path?: string;
  errors?: string[];
  warnings?: string[];
}) {
  const id = useId();
  const messagesId = `${id}-messages`;
  return (
    <div className="field">
      <div className="row">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          data-path={path}
          aria-describedby={messagesId}
          aria-invalid={errors.length > 0 ? true : undefined}
          onChange={(event) => onChange(event.target.checked)}
        />
        <label htmlFor={id} style={{ marginBottom: 0 }}>
          {label}
        </label>
      </div>
      <Messages id={messagesId} errors={errors} warnings={warnings} hint={hint} />
    </div>
  );
}

/** A secret input, masked until the user asks to see it. */
export function SecretField(props: Omit<TextFieldProps, 'type' | 'trailing'>) {
  const [shown, setShown] = useState(false);
  return (
    <TextField
      {...props}
      type={shown ? 'text' : 'password'}
      trailing={
        <button
          type="button"
          aria-pressed={shown}
          aria-label={shown ? `Hide ${props.label}` : `Show ${props.label}`}
          onClick={() => setShown(!shown)}
        >
          {shown ? 'Hide' : 'Show'}
        </button>
      }
    />
  );
}

/** Errors the form could not place next to a field (path `$`, or a path no field shows). */
export function ErrorBanner({ error, shownPaths = [] }: { error: AdminApiError | null; shownPaths?: string[] }) {
  if (!error) return null;
  const rest = error.errors.filter((e) => !shownPaths.includes(e.path));
  if (rest.length === 0) {
    return (
      <div className="banner banner-error" role="alert">
        Not saved: fix the fields marked below.
      </div>
    );
  }
  return (
    <div className="banner banner-error" role="alert">
      <strong>Not saved.</strong>
      <ul>
        {rest.map((e) => (
          <li key={e.path + e.message}>{e.path === '$' ? e.message : `${e.path}: ${e.message}`}</li>
        ))}
      </ul>
    </div>
  );
}

/** Save / discard bar of a config section, inside its form: Save submits the form. */
export function SaveBar({
  dirty,
  saving,
  changedElsewhere,
  onDiscard,
  saved,
}: {
  dirty: boolean;
  saving: boolean;
  changedElsewhere: boolean;
  onDiscard: () => void;
  saved: boolean;
}) {
  return (
    <div className="actions sticky-actions">
      <button type="submit" className="primary" disabled={!dirty || saving}>
        {saving ? 'Saving…' : 'Save'}
      </button>
      <button type="button" disabled={!dirty || saving} onClick={onDiscard}>
        Discard changes
      </button>
      <span role="status" className="muted small">
        {changedElsewhere
          ? 'The config was changed elsewhere since you started editing; saving keeps your edits of this section.'
          : dirty
            ? 'Unsaved changes'
            : saved
              ? 'Saved; in effect from the next request.'
              : ''}
      </span>
    </div>
  );
}

/** Copies text to the clipboard and says so. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 1500);
  };
  const shown = state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy';
  // The name starts with the visible word, whatever it says now (WCAG 2.5.3, label in name).
  return (
    <button type="button" className="small" aria-label={state === 'idle' ? label : `${shown}: ${label}`} onClick={() => void copy()}>
      {shown}
    </button>
  );
}
