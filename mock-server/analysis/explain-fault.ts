import type { FaultBodyAction, FaultRule } from '../state/config-schema.js';

/**
 * One sentence a person can read: what the rule does, to what, for how long. Pure, so the engine
 * (log notes, the admin API's `explanation`) and the Faults screen say the same thing.
 */
export function explainRule(rule: FaultRule): string {
  const actions: string[] = [];
  if (rule.delayMs !== undefined) actions.push(`delay ${rule.delayMs} ms`);
  if (rule.phase === 'after') actions.push('let the change commit');
  if (rule.dropConnection) actions.push('drop the connection');
  if (rule.status !== undefined)
    actions.push(`answer ${rule.status}${rule.retryAfter !== undefined ? ` with Retry-After ${rule.retryAfter}` : ''}`);
  if (rule.body !== undefined) actions.push(explainBodyAction(rule.body));
  if (rule.patch !== undefined) actions.push(`patch the real answer (${rule.patch.length} operation${rule.patch.length === 1 ? '' : 's'})`);
  const what = `${rule.method ? `${rule.method} ` : ''}${rule.operation === '*' ? 'every operation' : rule.operation}`;
  const except = rule.exceptOperations?.length ? ` except ${rule.exceptOperations.join(', ')}` : '';
  const who = rule.userId !== undefined ? ` for user ${rule.userId}` : '';
  const chance =
    rule.probability !== undefined
      ? `, ${formatPercent(rule.probability)} of the time${rule.seed !== undefined ? ` (seed ${rule.seed})` : ''}`
      : '';
  const howLong =
    rule.remaining === undefined
      ? 'until removed'
      : rule.remaining === 1
        ? 'for the next request'
        : `for the next ${rule.remaining} requests`;
  const sentence = `${actions.join(', then ')} on ${what}${except}${who}${chance}, ${howLong}`;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

export function explainBodyAction(action: FaultBodyAction): string {
  switch (action.kind) {
    case 'stall':
      return `stall ${action.ms} ms after the headers`;
    case 'dribble':
      return `send the body at ${action.bytesPerSecond} bytes/s`;
    case 'truncate':
      return `cut the last ${action.cutBytes} byte${action.cutBytes === 1 ? '' : 's'} of the body and close`;
    case 'reset':
      return `reset the connection after ${action.afterBytes} body byte${action.afterBytes === 1 ? '' : 's'}`;
    case 'malformedJson':
      return 'send malformed JSON';
    case 'contentType':
      return `send the body as ${action.value}`;
    case 'empty200':
      return 'answer an empty 200';
  }
}

function formatPercent(probability: number): string {
  return `${Number((probability * 100).toPrecision(4))}%`;
}
