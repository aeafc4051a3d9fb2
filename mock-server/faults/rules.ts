import type { FaultRule } from '../state/config-schema.js';
import type { OperationName } from '../protocol/operations.js';

// The sentence lives with the pure analysis code, so the Faults screen bundles it without the engine.
export { explainRule } from '../analysis/explain-fault.js';

export interface FaultTarget {
  operation: OperationName;
  method: string;
  userId: string | null;
}

export function ruleMatches(rule: FaultRule, target: FaultTarget): boolean {
  if (rule.operation !== '*' && rule.operation !== target.operation) return false;
  if (rule.exceptOperations?.includes(target.operation)) return false;
  if (rule.method !== undefined && rule.method !== target.method) return false;
  if (rule.userId !== undefined && rule.userId !== target.userId) return false;
  return true;
}

/**
 * Rules are tried in list order; the first that matches, and that `fires` (a chaos rule's draw),
 * fires (and counts down, if counted). `fires` is asked only of matching rules, in order.
 */
export function pickRule(
  rules: readonly FaultRule[],
  target: FaultTarget,
  fires: (rule: FaultRule) => boolean = () => true,
): FaultRule | undefined {
  for (const rule of rules) if (ruleMatches(rule, target) && fires(rule)) return rule;
  return undefined;
}
