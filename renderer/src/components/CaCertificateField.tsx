import { useId, useState } from 'react';
import { Messages, type FieldMessages } from './forms.tsx';

/**
 * CA certificates as PEM text, pasted or loaded from a file. A file that is plainly not PEM is
 * refused here, sparing a round trip; the engine checks each certificate when it is saved or used.
 */
export function CaCertificateField({
  label,
  value,
  onChange,
  hint,
  rows = 5,
  path,
  errors = [],
  warnings = [],
}: FieldMessages & {
  label: string;
  value: string;
  onChange: (pem: string) => void;
  hint: string;
  rows?: number;
  /** The JSON path the engine's messages for this field name. */
  path?: string;
}) {
  const id = useId();
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const shownErrors = [...(fileProblem !== null ? [fileProblem] : []), ...errors];

  const load = async (file: File | undefined) => {
    setFileProblem(null);
    if (!file) return;
    const text = await file.text();
    if (!text.includes('-----BEGIN CERTIFICATE-----'))
      setFileProblem(`${file.name} is not a PEM certificate (-----BEGIN CERTIFICATE-----)`);
    else onChange(text);
  };

  return (
    <div className="field">
      <label htmlFor={`${id}-pem`}>{label}</label>
      <textarea
        id={`${id}-pem`}
        className="mono"
        rows={rows}
        spellCheck={false}
        value={value}
        placeholder="-----BEGIN CERTIFICATE-----"
        {...(path !== undefined ? { 'data-path': path } : {})}
        aria-describedby={`${id}-messages`}
        aria-invalid={shownErrors.length > 0 ? true : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      <div className="row">
        <label htmlFor={`${id}-file`} className="small">
          Load from file…
        </label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".pem,.crt,.cer,application/x-pem-file"
          onChange={(event) => void load(event.target.files?.[0])}
        />
      </div>
      <Messages id={`${id}-messages`} hint={hint} errors={shownErrors} warnings={warnings} />
    </div>
  );
}
