import type { FaultRule } from '../state/config-schema.js';
import type { OperationName } from '../protocol/operations.js';

export interface FaultTarget {
  operation: OperationName;
  method: string;
  userId: string | null;
}

export function ruleMatches(rule: FaultRule, target: FaultTarget): boolean {
  if (rule.operation !== '*' && rule.operation !== target.operation) return false;
  if (rule.method !== undefined && rule.method !== target.method) return false;
  if (rule.userId !== undefined && rule.userId !== target.userId) return false;
  return true;
}

/** Rules are tried in list order; the first that matches fires (and counts down, if counted). */
export function pickRule(rules: readonly FaultRule[], target: FaultTarget): FaultRule | undefined {
  for (const rule of rules) if (ruleMatches(rule, target)) return rule;
  return undefined;
}

/** One sentence a person can read: what the rule does, to what, for how long. */
export function explainRule(rule: FaultRule): string {
  const actions: string[] = [];
  if (rule.delayMs !== undefined) actions.push(`delay ${rule.delayMs} ms`);
  if (rule.dropConnection) actions.push('drop the connection');
  if (rule.status !== undefined) actions.push(`answer ${rule.status}`);
  const what = `${rule.method ? `${rule.method} ` : ''}${rule.operation === '*' ? 'every operation' : rule.operation}`;
  const who = rule.userId !== undefined ? ` for user ${rule.userId}` : '';
  const howLong =
    rule.remaining === undefined
      ? 'until removed'
      : rule.remaining === 1
        ? 'for the next request'
        : `for the next ${rule.remaining} requests`;
  const sentence = `${actions.join(', then ')} on ${what}${who}, ${howLong}`;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
