import { explainRule } from '../analysis/explain-fault.js';
import type { ExpirableKind } from '../tokens/expire-now.js';
import { dottedPath, leafPaths, valueAt } from './config-fragment.js';
import type { Scenario, ScenarioAction } from './schema.js';

/** What applying the scenario does, one sentence per change, in the order they are made. */
export function scenarioEffects(scenario: Scenario): string[] {
  const config = scenario.config ?? {};
  return [
    ...leafPaths(config).map((path) => `Sets ${dottedPath(path)} to ${JSON.stringify(valueAt(config, path)?.value)}`),
    ...(scenario.faults ?? []).map((rule) => `Adds a fault rule: ${lowerFirst(explainRule({ ...rule, id: '' }))}`),
    ...(scenario.actions ?? []).map(explainAction),
  ];
}

const kindNames: Record<ExpirableKind, string> = { access: 'OAuth access', refresh: 'refresh', wopi: 'WOPI' };

export function explainAction(action: ScenarioAction): string {
  if (action.kind === 'expireTokens') {
    const kinds = action.kinds.map((kind) => kindNames[kind]);
    const list = kinds.length === 1 ? kinds[0]! : `${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]!}`;
    return `Expires the ${list} tokens of ${action.userId === '*' ? 'every user' : `user ${action.userId}`} (once, when applied)`;
  }
  const files =
    action.fileId !== '*'
      ? `file ${action.fileId}`
      : action.userId !== undefined
        ? `every file of user ${action.userId}`
        : 'every file of every user';
  switch (action.action) {
    case 'lock':
      return `Another editor takes the lock on ${files}`;
    case 'refreshLock':
      return `Another editor refreshes the lock on ${files}`;
    case 'write':
      return `Another editor writes a new version of ${files} (once, when applied)`;
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
