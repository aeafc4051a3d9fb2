import { operationNames, type OperationName } from '../../../../mock-server/protocol/operations.ts';

const anyOperation = '*';

/** Every operation a rule can name, and `*` for all of them. */
export function OperationSelect({
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
