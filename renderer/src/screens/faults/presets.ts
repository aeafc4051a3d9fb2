import { Operation } from '../../../../mock-server/protocol/operations.ts';
import type { FaultRule, FaultRuleInput } from '../../api/client.ts';

export interface Preset {
  key: string;
  label: string;
  rule: Pick<FaultRuleInput, 'operation' | 'status' | 'delayMs' | 'phase' | 'retryAfter' | 'exceptOperations' | 'probability'>;
  /** The latency preset: its delay and operation are chosen on the row. */
  latency?: true;
}

/** The cases people stage most, one click each (operation names from protocol/operations.ts). */
export const presets: Preset[] = [
  { key: 'bootstrap-401', label: 'Force 401 on Bootstrap', rule: { operation: Operation.Bootstrap, status: 401 } },
  { key: 'gnat-401', label: 'Force 401 on GetNewAccessToken', rule: { operation: Operation.GetNewAccessToken, status: 401 } },
  { key: 'gnat-404', label: 'Force 404 on GetNewAccessToken', rule: { operation: Operation.GetNewAccessToken, status: 404 } },
  { key: 'cfi-404', label: '404 on CheckFileInfo', rule: { operation: Operation.CheckFileInfo, status: 404 } },
  { key: 'token-500', label: '500 on the token endpoint', rule: { operation: Operation.Token, status: 500 } },
  {
    key: 'putfile-after-500',
    label: 'Commit then fail PutFile (500)',
    rule: { operation: Operation.PutFile, phase: 'after', status: 500 },
  },
  {
    key: 'throttle-429',
    label: 'Throttle CheckFileInfo (429, Retry-After 30)',
    rule: { operation: Operation.CheckFileInfo, status: 429, retryAfter: 30 },
  },
  {
    key: 'maintenance-503',
    label: 'Maintenance: 503 + Retry-After 120 on all but sign-in',
    rule: { operation: '*', exceptOperations: [Operation.Authorize, Operation.Token], status: 503, retryAfter: 120 },
  },
  { key: 'chaos-503', label: '5% chaos: 503 on every operation', rule: { operation: '*', status: 503, probability: 0.05 } },
  { key: 'latency', label: 'Add latency', rule: { operation: '*', delayMs: 2000 }, latency: true },
];

/** A preset is on while a rule with its operation and action is active. */
export function presetRules(faults: FaultRule[], preset: Preset): FaultRule[] {
  return faults.filter((f) =>
    preset.latency
      ? f.delayMs !== undefined && f.status === undefined && !f.dropConnection
      : f.operation === preset.rule.operation &&
        f.status === preset.rule.status &&
        (f.phase ?? 'before') === (preset.rule.phase ?? 'before') &&
        f.retryAfter === preset.rule.retryAfter &&
        f.probability === preset.rule.probability &&
        String(f.exceptOperations ?? '') === String(preset.rule.exceptOperations ?? '') &&
        f.delayMs === undefined &&
        !f.dropConnection,
  );
}

/** Runs an admin call for the screen, which shows what went wrong above everything. */
export type Run = (action: () => Promise<unknown>) => Promise<void>;
