import type { FaultRule } from '../state/config-schema.js';
import type { OperationName } from '../protocol/operations.js';
import { chaosNote, type ChaosOutcome, type ChaosRule } from './chaos.js';

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

/** Where the rules live and how their draws and countdowns advance (the store, for the engine). */
export interface FaultBook {
  readonly faults: readonly FaultRule[];
  drawChaos(rule: ChaosRule): ChaosOutcome;
  consumeFault(id: string): void;
}

/**
 * The rule that fires for a request, mocked or proxied alike: the first that matches and, for a
 * chaos rule, wins its draw (a miss lets the later rules be tried, as if it did not match). The
 * firing is counted; a chaos hit leaves its note.
 */
export function fireRule(book: FaultBook, target: FaultTarget, notes: string[]): FaultRule | undefined {
  const faults = book.faults;
  if (faults.length === 0) return undefined;
  const rule = pickRule(faults, target, (candidate) => {
    if (candidate.probability === undefined || candidate.seed === undefined) return true;
    const chance = { id: candidate.id, seed: candidate.seed, probability: candidate.probability };
    const outcome = book.drawChaos(chance);
    if (outcome.hit) notes.push(chaosNote(chance.seed, outcome, chance.probability));
    return outcome.hit;
  });
  if (rule) book.consumeFault(rule.id);
  return rule;
}
