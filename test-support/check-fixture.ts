import { checkHost, type CheckOutcome } from '../mock-server/check/check-host.js';
import type { CheckOptions } from '../mock-server/check/options.js';
import type { CheckReport, RuleResult } from '../mock-server/check/report.js';
import type { RuleId } from '../mock-server/analysis/rulebook.js';
import { clientId, clientSecret, type Harness } from './host-fixture.js';

/** The checker pointed at a test engine, signing in through its form as `alice` unless told otherwise. */
export function checkHarness(h: Harness, options: Partial<CheckOptions> = {}): Promise<CheckOutcome> {
  return checkHost(`${h.origin}/wopibootstrapper`, {
    signIn: 'form',
    formFields: { user: 'alice' },
    client: { clientId, clientSecret, auth: 'post' },
    ca: h.ca,
    ...options,
  });
}

export function results(report: CheckReport): RuleResult[] {
  return report.phases.flatMap((p) => p.rules);
}

export function resultOf(report: CheckReport, rule: RuleId): RuleResult {
  const result = results(report).find((r) => r.rule === rule);
  if (!result) throw new Error(`rule ${rule} is not in the report`);
  return result;
}

/** Rule ids by status, for assertions that read like the report. */
export function withStatus(report: CheckReport, status: RuleResult['status']): RuleId[] {
  return results(report)
    .filter((r) => r.status === status)
    .map((r) => r.rule);
}
