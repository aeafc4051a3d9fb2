import type { LogEntry } from '../log/entry.js';
import { rules, type Finding, type RuleId } from './rulebook.js';
import type { ExchangeCheck } from './exchange/check.js';
import { requestTokens } from './exchange/request-tokens.js';
import { bootstrapperAnswers, challenge401 } from './exchange/challenge.js';
import { bootstrapperBodies } from './exchange/bootstrapper-bodies.js';
import { wopiBodies } from './exchange/wopi-bodies.js';
import { tokenResponse } from './exchange/token-response.js';
import { lockHeaders } from './exchange/locks.js';

/*
 * The spec check of one exchange: every rule of the rulebook that a single request and its answer
 * can show broken. The Live log runs it on each entry (in the engine's tests and in the UI's detail
 * pane), and the host checker runs it on every exchange it makes with the host under test.
 */

/** In order: what was sent, then the answer's framing, then its body. */
const exchangeChecks: readonly ExchangeCheck[] = [
  requestTokens,
  challenge401,
  bootstrapperAnswers,
  bootstrapperBodies,
  wopiBodies,
  tokenResponse,
  lockHeaders,
];

export interface ExchangeVerdict {
  /** The rules the exchange put to the test, broken or not. */
  evaluated: RuleId[];
  findings: Finding[];
}

export function checkExchange(entry: LogEntry): ExchangeVerdict {
  const evaluated = new Set<RuleId>();
  const findings: Finding[] = [];
  const report = (rule: RuleId, message: string) => {
    findings.push({ rule, severity: rules[rule].severity, message });
    evaluated.add(rule);
  };
  for (const check of exchangeChecks) {
    const applicable = check.rulesFor(entry);
    if (applicable.length === 0) continue;
    for (const rule of applicable) evaluated.add(rule);
    check.check(entry, report);
  }
  return { evaluated: [...evaluated], findings };
}

/** Every rule the exchange breaks, most fundamental first. */
export function specWarnings(entry: LogEntry): Finding[] {
  return checkExchange(entry).findings;
}
