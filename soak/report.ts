import type { MemorySample } from './ipc.js';
import type { OperationSummary } from './stats.js';
import type { InstalledRule, RuleKind } from './fault-plan.js';

/** How the soak judges the engine's memory, and prints what it saw. */

export interface MemoryLimits {
  heapGrowthMiB: number;
  rssGrowthMiB: number;
}

/** The engine's own caps (tokens/token-service.ts, tokens/issued-tokens.ts). */
export const verifiedTokenCap = 10_000;
export const issuedTokensPerUserCap = 500;

export interface MemoryVerdict {
  samples: Array<MemorySample & { atMs: number }>;
  warmupS: number;
  heapBaselineMiB: number;
  heapEndMiB: number;
  heapGrowthMiB: number;
  rssBaselineMiB: number;
  rssEndMiB: number;
  rssGrowthMiB: number;
  /** One line per bounded structure: its size at the end, its bound, and whether it held all along. */
  bounds: Array<{ what: string; end: number; max: number; bound: number; held: boolean }>;
  problems: string[];
  passed: boolean;
}

export interface SoakReport {
  durationS: number;
  devices: { total: number; faulty: number; freshConnections: number };
  requests: number;
  requestsPerSecond: number;
  outcomes: { ok: number; intended: number; forced: number; unforced: number };
  forcedReasons: Record<string, number>;
  faults: FaultSummary;
  intendedReasons: Record<string, number>;
  unforcedSamples: string[];
  latencyMs: { p50: number; p99: number };
  operations: OperationSummary[];
  streamEvents: number;
  memory: MemoryVerdict;
  missingOperations?: string[];
  passed: boolean;
}

/** What the fault rules did: forced answers per kind of rule, the Retry-After waits, the commit-then-fail read-backs. */
export interface FaultSummary {
  byKind: Record<RuleKind, { rules: number; forced: number }>;
  retries: { waits: number; waitedMs: number; recovered: number; abandoned: number };
  commitThenFail: { verified: number; mismatched: number; unverified: number };
  /** Body actions that slow an answer without breaking it: how many answers each bent (the host's count). */
  bodyActions?: Array<{ id: string; action: string; bent: number }>;
}

export function summarizeFaults(
  rules: readonly InstalledRule[],
  seen: {
    forcedByRule: ReadonlyMap<string, number>;
    retries: FaultSummary['retries'];
    commitThenFail: FaultSummary['commitThenFail'];
  },
): FaultSummary {
  const byKind = Object.fromEntries(Object.keys(kindNames).map((k) => [k, { rules: 0, forced: 0 }])) as FaultSummary['byKind'];
  for (const rule of rules) {
    byKind[rule.kind].rules++;
    byKind[rule.kind].forced += seen.forcedByRule.get(rule.id) ?? 0;
  }
  return { byKind, retries: { ...seen.retries }, commitThenFail: { ...seen.commitThenFail } };
}

const kindNames: Record<RuleKind, string> = {
  device: 'per-device rules',
  chaos: 'seeded chaos 503',
  throttle: '429 + Retry-After bursts',
  maintenance: '503 + Retry-After on *',
  commitThenFail: 'commit-then-fail PutFile',
};

function formatFaults(faults: FaultSummary): string[] {
  const lines = ['  fault rules'];
  for (const [kind, name] of Object.entries(kindNames) as Array<[RuleKind, string]>) {
    const { rules, forced } = faults.byKind[kind];
    if (rules === 0) continue;
    lines.push(
      `    ${name.padEnd(28)}${pad(n(forced), 8)} forced by ${n(rules)} rule${rules === 1 ? '' : 's'}${forced === 0 ? '  (never fired)' : ''}`,
    );
  }
  const { waits, waitedMs, recovered, abandoned } = faults.retries;
  lines.push(
    `  Retry-After honoured ${n(waits)} waits (${(waitedMs / 1000).toFixed(1)} s), ${n(recovered)} retried requests answered, ${n(abandoned)} given up`,
  );
  const { verified, mismatched, unverified } = faults.commitThenFail;
  lines.push(
    `  commit-then-fail     ${n(verified)} failed saves read back committed, ${n(mismatched)} not committed, ${n(unverified)} could not be read back`,
  );
  for (const { action, bent } of faults.bodyActions ?? [])
    lines.push(`  body action          ${action}: ${n(bent)} answers bent, each arrived whole${bent === 0 ? '  (never fired)' : ''}`);
  return lines;
}

const mib = (bytes: number) => bytes / 2 ** 20;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Flat means: after warm-up, the median of the last third of the samples (at least three; heap
 * after a full GC, and RSS) is within the limit of the median of the first third, medians because
 * RSS swings by tens of MiB between samples as the allocator keeps and returns pages; and every
 * bounded structure stayed within its bound at every sample. Used codes must also have been purged:
 * at the end the set holds no more codes than were redeemed within one code lifetime plus the purge
 * interval of the last one.
 */
export function judgeMemory(
  samples: Array<MemorySample & { atMs: number }>,
  warmupMs: number,
  limits: MemoryLimits,
  codes: { users: number; codeTtlMs: number; redemptions: number[]; endedAt: number },
): MemoryVerdict {
  const problems: string[] = [];
  const judged = samples.filter((s) => s.atMs >= warmupMs);
  if (judged.length < 4)
    problems.push(
      `only ${judged.length} memory samples after the warm-up; lengthen --duration or shorten --sample-every (at least 4 are needed)`,
    );
  const window = Math.max(3, Math.floor(judged.length / 3));
  const first = judged.slice(0, window);
  const last = judged.slice(-window);
  const heapBaseline = mib(median(first.map((s) => s.heapUsed)));
  const heapEnd = mib(median(last.map((s) => s.heapUsed)));
  const rssBaseline = mib(median(first.map((s) => s.rss)));
  const rssEnd = mib(median(last.map((s) => s.rss)));
  if (heapEnd - heapBaseline > limits.heapGrowthMiB)
    problems.push(`the heap grew ${(heapEnd - heapBaseline).toFixed(1)} MiB after warm-up (limit ${limits.heapGrowthMiB} MiB)`);
  if (rssEnd - rssBaseline > limits.rssGrowthMiB)
    problems.push(`RSS grew ${(rssEnd - rssBaseline).toFixed(1)} MiB after warm-up (limit ${limits.rssGrowthMiB} MiB)`);

  const end = samples[samples.length - 1]!.counters;
  const lastRedemption = codes.redemptions[codes.redemptions.length - 1] ?? codes.endedAt;
  // The used-codes set purges at most every 10 s, dropping codes past their expiry; 2 s for clock skew.
  const recentRedemptions = codes.redemptions.filter((t) => t >= lastRedemption - codes.codeTtlMs - 12_000).length;
  const maxOf = (pick: (s: MemorySample) => number) => Math.max(...samples.map(pick));
  const bounds = [
    { what: 'request log entries (ring)', end: end.logEntries, max: maxOf((s) => s.counters.logEntries), bound: end.logCapacity },
    { what: 'verified-token cache', end: end.verifiedTokens, max: maxOf((s) => s.counters.verifiedTokens), bound: verifiedTokenCap },
    {
      what: 'issued-token registry',
      end: end.issuedTokens,
      max: maxOf((s) => s.counters.issuedTokens),
      bound: issuedTokensPerUserCap * codes.users,
    },
    { what: 'used authorization codes (purged)', end: end.usedCodes, max: end.usedCodes, bound: recentRedemptions },
  ].map((b) => ({ ...b, held: b.max <= b.bound }));
  for (const b of bounds) if (!b.held) problems.push(`${b.what}: ${b.max} exceeds its bound ${b.bound}`);
  return {
    samples,
    warmupS: Math.round(warmupMs / 1000),
    heapBaselineMiB: heapBaseline,
    heapEndMiB: heapEnd,
    heapGrowthMiB: heapEnd - heapBaseline,
    rssBaselineMiB: rssBaseline,
    rssEndMiB: rssEnd,
    rssGrowthMiB: rssEnd - rssBaseline,
    bounds,
    problems,
    passed: problems.length === 0,
  };
}

const n = (value: number) => value.toLocaleString('en-US');
const ms = (value: number) => value.toFixed(1);
const pad = (text: string, width: number) => text.padStart(width);

export function formatReport(report: SoakReport, limits: MemoryLimits): string {
  const { outcomes, memory } = report;
  const lines: string[] = [];
  lines.push(
    '',
    `WOPI Mock Host soak report: ${report.durationS} s, ${report.devices.total} devices (${report.devices.faulty} with fault rules, ${report.devices.freshConnections} on fresh connections)`,
  );
  lines.push(`  requests served     ${n(report.requests)} (${n(report.requestsPerSecond)}/s)`);
  lines.push(`  unforced errors     ${n(outcomes.unforced)}`);
  lines.push(
    `  forced by faults    ${n(outcomes.forced)}${Object.entries(report.forcedReasons)
      .map(([why, c]) => `\n                        ${n(c)} × ${why}`)
      .join('')}`,
  );
  lines.push(
    `  intended refusals   ${n(outcomes.intended)}${Object.entries(report.intendedReasons)
      .map(([why, c]) => `\n                        ${n(c)} × ${why}`)
      .join('')}`,
  );
  lines.push(...formatFaults(report.faults));
  lines.push(`  latency             p50 ${ms(report.latencyMs.p50)} ms, p99 ${ms(report.latencyMs.p99)} ms`);
  lines.push(`  admin stream        ${n(report.streamEvents)} events read by a live subscriber`);
  lines.push(
    '',
    `  ${'operation'.padEnd(32)}${pad('requests', 10)}${pad('ok', 10)}${pad('intended', 10)}${pad('forced', 8)}${pad('unforced', 10)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}`,
  );
  for (const o of report.operations)
    lines.push(
      `  ${o.operation.padEnd(32)}${pad(n(o.count), 10)}${pad(n(o.ok), 10)}${pad(n(o.intended), 10)}${pad(n(o.forced), 8)}${pad(n(o.unforced), 10)}${pad(ms(o.p50), 9)}${pad(ms(o.p99), 9)}`,
    );
  lines.push('', `  engine memory after a full GC (warm-up: the first ${memory.warmupS} s, not judged)`);
  lines.push(
    `  ${pad('time s', 7)}${pad('RSS MiB', 9)}${pad('heap MiB', 10)}${pad('log', 7)}${pad('verified', 10)}${pad('issued', 8)}${pad('codes', 7)}${pad('used', 6)}${pad('items', 7)}`,
  );
  for (const s of memory.samples) {
    const c = s.counters;
    lines.push(
      `  ${pad((s.atMs / 1000).toFixed(0), 7)}${pad(mib(s.rss).toFixed(1), 9)}${pad(mib(s.heapUsed).toFixed(1), 10)}${pad(String(c.logEntries), 7)}${pad(String(c.verifiedTokens), 10)}${pad(String(c.issuedTokens), 8)}${pad(String(c.openCodes), 7)}${pad(String(c.usedCodes), 6)}${pad(String(c.storedResources), 7)}${s.atMs < memory.warmupS * 1000 ? '  (warm-up)' : ''}`,
    );
  }
  lines.push(
    `  heap after warm-up  ${memory.heapBaselineMiB.toFixed(1)} → ${memory.heapEndMiB.toFixed(1)} MiB (${signed(memory.heapGrowthMiB)} MiB, limit +${limits.heapGrowthMiB})`,
  );
  lines.push(
    `  RSS after warm-up   ${memory.rssBaselineMiB.toFixed(1)} → ${memory.rssEndMiB.toFixed(1)} MiB (${signed(memory.rssGrowthMiB)} MiB, limit +${limits.rssGrowthMiB})`,
  );
  for (const b of memory.bounds)
    lines.push(
      `  ${b.what.padEnd(36)}${pad(n(b.end), 8)} at the end, ${n(b.max)} at most, bound ${n(b.bound)}${b.held ? '' : '  EXCEEDED'}`,
    );
  if (report.unforcedSamples.length > 0) lines.push('', '  first unforced errors:', ...report.unforcedSamples.map((s) => `    ${s}`));
  if (report.missingOperations && report.missingOperations.length > 0)
    lines.push('', `  operations that never succeeded: ${report.missingOperations.join(', ')}`);
  for (const problem of memory.problems) lines.push(`  memory: ${problem}`);
  lines.push('', `RESULT: ${report.passed ? 'PASS' : 'FAIL'}`);
  return lines.join('\n');
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
}
