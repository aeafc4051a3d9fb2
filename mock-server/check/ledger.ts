import { checkExchange } from '../analysis/spec-check.js';
import { clientRuleIds, rules, ruleIds, type RuleArea, type RuleId } from '../analysis/rulebook.js';

/** The rules a host check reports: every rule about the host's answers. */
export const hostRuleIds: readonly RuleId[] = ruleIds.filter((rule) => !clientRuleIds.has(rule));
import { headerValue } from '../analysis/token-insight.js';
import type { LogEntry } from '../log/entry.js';
import type { Redactor } from './redact.js';
import type { CheckSummary, Evidence, PhaseResult, RuleResult } from './report.js';

const excerptLimit = 400;
/** Passed rules keep a few exchanges that put them to the test, so a report shows what was tried. */
const passEvidenceLimit = 3;

interface Tally {
  evaluated: boolean;
  /** Exchanges already shown as breaking the rule: one exchange, one piece of evidence. */
  brokenBy: Set<number>;
  broken: Evidence[];
  tried: Evidence[];
  skipReason?: string;
}

/**
 * Every rule's outcome in one run: the spec check of each exchange, the checker's own
 * expectations across exchanges, and why a rule was never put to the test.
 */
export class Ledger {
  private readonly tallies = new Map<RuleId, Tally>();

  constructor(private readonly redactor: Redactor) {}

  /** Runs the Live log's spec check on an exchange and books every rule it put to the test. */
  observe(entry: LogEntry): void {
    const verdict = checkExchange(entry);
    for (const rule of verdict.evaluated) if (!clientRuleIds.has(rule)) this.tried(rule, entry);
    for (const finding of verdict.findings) if (!clientRuleIds.has(finding.rule)) this.broken(finding.rule, finding.message, entry);
  }

  /** The checker's own expectation: held, or broken with `message`. */
  expect(rule: RuleId, held: boolean, message: string, entry?: LogEntry, excerpt?: string): boolean {
    if (held) this.tried(rule, entry);
    else this.broken(rule, message, entry, excerpt);
    return held;
  }

  /** Books an observation (a finding, or a broken rule the checker found without an exchange). */
  broken(rule: RuleId, message: string, entry?: LogEntry, excerpt?: string): void {
    const tally = this.tally(rule);
    tally.evaluated = true;
    if (entry) {
      if (tally.brokenBy.has(entry.seq)) return;
      tally.brokenBy.add(entry.seq);
    }
    tally.broken.push(this.evidence(message, entry, excerpt ?? (entry ? defaultExcerpt(rule, entry) : undefined)));
  }

  tried(rule: RuleId, entry?: LogEntry, message = 'the answer holds to the rule'): void {
    const tally = this.tally(rule);
    tally.evaluated = true;
    if (tally.tried.length < passEvidenceLimit) tally.tried.push(this.evidence(message, entry));
  }

  /** Marks rules as not put to the test, unless something already did; the first reason stays. */
  skip(ruleList: readonly RuleId[], reason: string): void {
    for (const rule of ruleList) {
      const tally = this.tally(rule);
      if (!tally.evaluated) tally.skipReason ??= reason;
    }
  }

  hasFailed(rule: RuleId): boolean {
    return (this.tallies.get(rule)?.broken.length ?? 0) > 0;
  }

  get anyEvaluated(): boolean {
    return [...this.tallies.values()].some((t) => t.evaluated);
  }

  result(rule: RuleId): RuleResult {
    const definition = rules[rule];
    const tally = this.tallies.get(rule);
    const base = { rule, title: definition.title, severity: definition.severity, sources: definition.sources };
    if (!tally?.evaluated) {
      return { ...base, status: 'skipped', skipReason: tally?.skipReason ?? 'no exchange in this run put it to the test', evidence: [] };
    }
    if (tally.broken.length === 0) return { ...base, status: 'passed', evidence: tally.tried };
    const status = definition.severity === 'failure' ? 'failed' : definition.severity;
    return { ...base, status, evidence: tally.broken };
  }

  /** A phase's rules; `skipReason` says the phase itself could not run (rules other phases exercised still show). */
  phase(id: RuleArea, title: string, skipReason?: string): PhaseResult {
    const results = hostRuleIds.filter((rule) => rules[rule].area === id).map((rule) => this.result(rule));
    const ran = skipReason === undefined && results.some((r) => r.status !== 'skipped');
    return {
      id,
      title,
      status: results.some((r) => r.status === 'failed') ? 'failed' : !ran ? 'skipped' : 'passed',
      ...(!ran ? { skipReason: skipReason ?? results[0]?.skipReason ?? 'nothing in this phase ran' } : {}),
      rules: results,
    };
  }

  private tally(rule: RuleId): Tally {
    let tally = this.tallies.get(rule);
    if (!tally) this.tallies.set(rule, (tally = { evaluated: false, brokenBy: new Set(), broken: [], tried: [] }));
    return tally;
  }

  private evidence(message: string, entry?: LogEntry, excerpt?: string): Evidence {
    const evidence: Evidence = { message: this.redactor.redact(message) };
    if (entry) {
      evidence.request = this.redactor.redact(`${entry.method} ${entry.url}`);
      evidence.status = entry.status;
    }
    if (excerpt !== undefined && excerpt !== '') {
      // Redact first: a cut through a token would leave a prefix no pattern recognises.
      const clean = this.redactor.redact(excerpt);
      evidence.excerpt = clean.length > excerptLimit ? clean.slice(0, excerptLimit) + '…' : clean;
    }
    return evidence;
  }
}

export function summarize(phases: readonly PhaseResult[]): CheckSummary {
  const summary: CheckSummary = { passed: 0, failed: 0, warnings: 0, findings: 0, skipped: 0 };
  for (const result of phases.flatMap((p) => p.rules)) {
    if (result.status === 'passed') summary.passed++;
    else if (result.status === 'failed') summary.failed++;
    else if (result.status === 'warning') summary.warnings++;
    else if (result.status === 'finding') summary.findings++;
    else summary.skipped++;
  }
  return summary;
}

/** What a reader needs to see beside the message: the challenge for challenge rules, else the JSON body. */
function defaultExcerpt(rule: RuleId, entry: LogEntry): string | undefined {
  if (rules[rule].area === 'challenge') {
    const challenges = entry.responseHeaders.filter((h) => h.name.toLowerCase() === 'www-authenticate');
    return challenges.length > 0 ? challenges.map((h) => `WWW-Authenticate: ${h.value}`).join('\n') : '(no WWW-Authenticate header)';
  }
  const body = entry.responseBody;
  const type = headerValue(entry.responseHeaders, 'content-type') ?? '';
  if (body && body.encoding === 'utf8' && /json|text/i.test(type + body.mimeType)) return body.text;
  return undefined;
}
