import type { FaultRule } from '../state/config-schema.js';

/**
 * One sentence a person can read: what the rule does, to what, for how long. Pure, so the engine
 * (log notes, the admin API's `explanation`) and the Faults screen say the same thing.
 */
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
