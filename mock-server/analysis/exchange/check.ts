import { epochSecondsToMs, secondsToMs } from '../../protocol/time.js';
import type { LogEntry } from '../../log/entry.js';
import type { RuleId } from '../rulebook.js';

/** Reports one broken rule; the severity comes from the rulebook. */
export type Report = (rule: RuleId, message: string) => void;

/**
 * One family of rules checked on a single exchange. `rulesFor` says which rules the exchange puts
 * to the test (none when the family does not apply), so a checker can count a rule that reported
 * nothing as passed rather than as never tried.
 */
export interface ExchangeCheck {
  readonly name: string;
  rulesFor(entry: LogEntry): readonly RuleId[];
  check(entry: LogEntry, report: Report): void;
}

export type Json = Record<string, unknown>;

export function object(parent: Json | undefined, key: string): Json | undefined {
  const value = parent?.[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** VAL accepts a Unix timestamp within ten years of now, in milliseconds. */
const tenYearsMs = secondsToMs(10 * 365.25 * 24 * 3600);

export function plausibleEpochMs(value: number, aroundMs: number): boolean {
  const around = Number.isFinite(aroundMs) ? aroundMs : Date.now();
  return Math.abs(value - around) <= tenYearsMs;
}

export function looksLikeEpochSeconds(value: number, aroundMs: number): boolean {
  return Number.isFinite(value) && plausibleEpochMs(epochSecondsToMs(value), aroundMs);
}

export function missing(body: Json, keys: readonly string[], what: string, report: Report, rule: RuleId = 'missing-property'): void {
  const absent = keys.filter((k) => body[k] === undefined || body[k] === null);
  if (absent.length > 0)
    report(rule, `${what} lacks the required ${absent.length === 1 ? 'property' : 'properties'} ${absent.join(', ')}.`);
}
