import { useId, useState } from 'react';
import { explainRule } from '../../../../mock-server/analysis/explain-fault.ts';
import { adminApi, type FaultRule } from '../../api/client.ts';
import { OperationSelect } from './OperationSelect.tsx';
import type { Preset, Run } from './presets.ts';

/** One common case: its scope and duration, and a switch that adds or removes its rules. */
export function PresetRow({ preset, active, users, run }: { preset: Preset; active: FaultRule[]; users: string[]; run: Run }) {
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
          // The case's name, then the visible On/Off (WCAG 2.5.3, label in name); aria-pressed says the state.
          aria-labelledby={`${id}-label ${id}-state`}
          disabled={!on && (!countValid || !delayValid)}
          onClick={() => void (on ? turnOff() : turnOn())}
        >
          <span id={`${id}-state`}>{on ? 'On' : 'Off'}</span>
        </button>
      </td>
    </tr>
  );
}
