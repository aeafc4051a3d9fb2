import { Operation } from '../mock-server/protocol/operations.js';

/**
 * The fault rules the soak installs for every user while the devices run, besides the per-user
 * rules of the faulty devices: seeded chaos, throttling and maintenance bursts with Retry-After,
 * and commit-then-fail saves. Ids are chosen here, not by the host, so a device knows a rule
 * before the host can fire it: an answer forced in the instant between the host adding the rule
 * and the admin API's reply reaching the soak is still recognised.
 */

/**
 * - device: a faulty device's own rules (its user only).
 * - chaos: a seeded share of one operation's requests answered 503, for the whole run.
 * - throttle: a counted burst of 429 with Retry-After on one operation, re-added every burst.
 * - maintenance: a counted burst of 503 with Retry-After on every operation but the sign-in's.
 * - commitThenFail: a seeded share of PutFiles committed, then answered 500.
 */
export type RuleKind = 'device' | 'chaos' | 'throttle' | 'maintenance' | 'commitThenFail';

export const runWideKinds: readonly RuleKind[] = ['chaos', 'throttle', 'maintenance', 'commitThenFail'];

/** The fault rules the soak installs, as the devices need to know them to recognise their effects. */
export interface InstalledRule {
  id: string;
  kind: RuleKind;
  /** Absent: every user. */
  userId?: string;
  /** An operation name, or '*' for every operation but `exceptOperations`. */
  operation: string;
  exceptOperations?: readonly string[];
  drop: boolean;
}

/** A rule as POST /api/faults takes it. */
export type RuleBody = Record<string, unknown> & { id: string; operation: string };

export interface PlannedRule {
  rule: InstalledRule;
  body: RuleBody;
}

/** The seconds the burst rules ask clients to wait: short, so a soak loses little time to them. */
export const burstRetryAfterSeconds = 1;
/** Hits per burst: a few devices each wait once, the rest never notice. */
export const burstSize = 3;

function planned(kind: RuleKind, body: RuleBody): PlannedRule {
  const except = body['exceptOperations'] as string[] | undefined;
  return {
    rule: {
      id: body.id,
      kind,
      operation: body.operation,
      ...(except ? { exceptOperations: except } : {}),
      drop: body['dropConnection'] === true,
    },
    body,
  };
}

/**
 * The rules installed once, before the devices start. The seeds are picked so the first hits come
 * within the first few matching requests (draws 2, 7, 13… and 2, 6, 11…), so even a short soak
 * sees them; a run is replayed exactly by the same seed.
 */
export function steadyRules(): PlannedRule[] {
  return [
    planned('chaos', { id: 'soak-chaos-503', operation: Operation.CheckFileInfo, status: 503, probability: 0.05, seed: 6 }),
    planned('commitThenFail', {
      id: 'soak-commit-then-fail-500',
      operation: Operation.PutFile,
      phase: 'after',
      status: 500,
      probability: 0.1,
      seed: 12,
    }),
  ];
}

/** The n-th burst's rules: each removes itself after `burstSize` hits. */
export function burstRules(n: number): PlannedRule[] {
  return [
    planned('throttle', {
      id: `soak-throttle-429-${n}`,
      operation: Operation.GetFile,
      status: 429,
      retryAfter: burstRetryAfterSeconds,
      remaining: burstSize,
    }),
    planned('maintenance', {
      id: `soak-maintenance-503-${n}`,
      operation: '*',
      exceptOperations: [Operation.Authorize, Operation.Token],
      status: 503,
      retryAfter: burstRetryAfterSeconds,
      remaining: burstSize,
    }),
  ];
}

/**
 * Body actions that bend an answer without breaking it: it arrives whole, only later (a stall after
 * the headers, a body dribbled out). Devices cannot tell, so the host's own countdown says how
 * often each fired: every rule starts at this budget and `remaining` counts hits only.
 */
export const slowBodyBudget = 1_000_000;

export function slowBodyRules(): RuleBody[] {
  return [
    {
      id: 'soak-stall-getfile',
      operation: Operation.GetFile,
      body: { kind: 'stall', ms: 150 },
      probability: 0.1,
      seed: 3,
      remaining: slowBodyBudget,
    },
    {
      id: 'soak-dribble-checkfileinfo',
      operation: Operation.CheckFileInfo,
      body: { kind: 'dribble', bytesPerSecond: 4096 },
      probability: 0.1,
      seed: 5,
      remaining: slowBodyBudget,
    },
  ];
}

/** Whether the rule can have fired on this user's request for this operation (as the host matches rules). */
export function ruleApplies(rule: InstalledRule, userId: string, operation: string): boolean {
  if (rule.userId !== undefined && rule.userId !== userId) return false;
  if (rule.operation === '*') return !rule.exceptOperations?.includes(operation);
  return rule.operation === operation;
}

/** The rule id a forced answer names ("forced by fault rule <id>: …"), or null. */
export function forcedRuleId(detail: string): string | null {
  return /^forced by fault rule ([\w-]+)/.exec(detail)?.[1] ?? null;
}

/** The date form the host sends (RFC 9110 §5.6.7); Date.parse alone would take "-1" for a year. */
const imfFixdate = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * How long to wait before retrying, from a Retry-After header (delay-seconds or an HTTP date,
 * RFC 9110 §10.2.3), capped so a soak never sleeps long; null when there is no usable header.
 */
export function retryAfterMs(header: string | undefined, now: number, capMs: number): number | null {
  if (header === undefined) return null;
  const value = header.trim();
  let ms: number;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else if (imfFixdate.test(value)) ms = Math.max(0, Date.parse(value) - now);
  else return null;
  return Math.min(ms, capMs);
}
