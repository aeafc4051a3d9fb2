import type { RuleArea, RuleId, RuleSource, Severity } from '../analysis/rulebook.js';

/*
 * The host checker's report: what `checkHost()` returns, what `--report json` prints (documented
 * in docs/check-report.md, schema in docs/check-report.schema.json) and what the desktop screen
 * shows. Types only, so the UI imports it as it is.
 */

export const checkReportVersion = 1;

/**
 * `passed`: put to the test and held. `failed`: a failure-severity rule was broken. `warning` and
 * `finding`: a rule of that severity reported something. `skipped`: never put to the test, with
 * the reason (an earlier phase failed, an input was not given, or no exchange exercised it).
 */
export type RuleStatus = 'passed' | 'failed' | 'warning' | 'finding' | 'skipped';

/** One exchange that shows a rule's outcome; tokens and secrets are redacted. */
export interface Evidence {
  /** What the checker saw, in a sentence. */
  message: string;
  /** `GET https://host/wopibootstrapper`, with tokens replaced by `[redacted]`. */
  request?: string;
  status?: number;
  /** The offending header or JSON excerpt, at most a few hundred characters. */
  excerpt?: string;
}

export interface RuleResult {
  rule: RuleId;
  title: string;
  severity: Severity;
  status: RuleStatus;
  sources: readonly RuleSource[];
  /** Why the rule was skipped; absent otherwise. */
  skipReason?: string;
  /** What broke it (or, for passed rules, the exchanges that put it to the test, at most three). */
  evidence: Evidence[];
}

export type PhaseId = RuleArea;

export interface PhaseResult {
  id: PhaseId;
  title: string;
  /** `failed` when any of its rules failed; `skipped` when the phase could not run at all. */
  status: 'passed' | 'failed' | 'skipped';
  skipReason?: string;
  rules: RuleResult[];
}

export interface CheckSummary {
  passed: number;
  failed: number;
  warnings: number;
  findings: number;
  skipped: number;
}

export interface CheckReport {
  version: typeof checkReportVersion;
  tool: { name: string; version: string };
  /** The bootstrapper URL that was checked. */
  target: string;
  startedAt: string;
  durationMs: number;
  /** Printed at the top of every report when TLS verification was off (--insecure). */
  banners: string[];
  /** `passed`: no failure-severity rule failed. `error`: the checker broke or no rule ran. */
  outcome: 'passed' | 'failed' | 'error';
  /** Set when outcome is `error`. */
  error?: string;
  summary: CheckSummary;
  phases: PhaseResult[];
}

/** What the checker tells a watcher while it runs (the CLI's stderr, the desktop screen). */
export type CheckProgress =
  | { type: 'phase'; phase: PhaseId; title: string }
  | { type: 'phase-done'; phase: PhaseResult }
  | { type: 'sign-in'; url: string; message: string }
  | { type: 'note'; message: string };
