/**
 * What the soak saw, per operation. Every answer is one of four outcomes; the soak passes only
 * when there is no `unforced` one.
 * - ok: the answer the operation should give (2xx, the right body).
 * - intended: a refusal the workload asked for (Bootstrap without a token → 401, Lock with a
 *   foreign id → 409 carrying the current lock).
 * - forced: a fault rule made it (the status and X-WOPI-ServerError name the rule, or the rule
 *   drops the connection for this user and operation).
 * - unforced: anything else: a 5xx nobody asked for, a wrong status, header or body, a dropped
 *   connection without a rule, a timeout.
 */
export type Outcome = 'ok' | 'intended' | 'forced' | 'unforced';

interface OperationStats {
  outcomes: Record<Outcome, number>;
  latencies: number[];
}

export interface OperationSummary {
  operation: string;
  count: number;
  ok: number;
  intended: number;
  forced: number;
  unforced: number;
  p50: number;
  p99: number;
}

export class Stats {
  private readonly operations = new Map<string, OperationStats>();
  /** Why each forced and intended answer happened, counted, and the first unforced ones in full. */
  readonly reasons = { forced: new Map<string, number>(), intended: new Map<string, number>() };
  readonly unforcedSamples: string[] = [];
  private unforcedTotal = 0;
  /** When each authorization code was redeemed (ms since the epoch), for the used-codes purge check. */
  readonly redemptions: number[] = [];
  /** Forced answers per fault rule id. */
  readonly forcedByRule = new Map<string, number>();
  /** Answers with Retry-After the devices waited out and retried; `recovered`: retries that then got their answer. */
  readonly retries = { waits: 0, waitedMs: 0, recovered: 0, abandoned: 0 };
  /** PutFiles answered by a commit-then-fail rule, and whether a read-back found the change committed. */
  readonly commitThenFail = { verified: 0, mismatched: 0, unverified: 0 };

  record(operation: string, outcome: Outcome, ms: number, reason?: string, ruleId?: string): void {
    let stats = this.operations.get(operation);
    if (!stats) this.operations.set(operation, (stats = { outcomes: { ok: 0, intended: 0, forced: 0, unforced: 0 }, latencies: [] }));
    stats.outcomes[outcome]++;
    stats.latencies.push(ms);
    if (outcome === 'unforced') {
      this.unforcedTotal++;
      if (this.unforcedSamples.length < 20)
        this.unforcedSamples.push(`${new Date().toISOString()} ${operation}: ${reason ?? 'unexpected answer'}`);
    } else if ((outcome === 'forced' || outcome === 'intended') && reason) {
      const counts = this.reasons[outcome];
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
    }
    if (outcome === 'forced' && ruleId !== undefined) this.forcedByRule.set(ruleId, (this.forcedByRule.get(ruleId) ?? 0) + 1);
  }

  get requests(): number {
    let total = 0;
    for (const stats of this.operations.values()) total += stats.latencies.length;
    return total;
  }

  count(outcome: Outcome): number {
    if (outcome === 'unforced') return this.unforcedTotal;
    let total = 0;
    for (const stats of this.operations.values()) total += stats.outcomes[outcome];
    return total;
  }

  /** p50 and p99 over every request, in milliseconds. */
  overall(): { p50: number; p99: number } {
    const all = Float64Array.from([...this.operations.values()].flatMap((s) => s.latencies)).sort();
    return { p50: percentile(all, 0.5), p99: percentile(all, 0.99) };
  }

  summary(): OperationSummary[] {
    return [...this.operations.entries()]
      .map(([operation, stats]) => {
        const sorted = Float64Array.from(stats.latencies).sort();
        return { operation, count: stats.latencies.length, ...stats.outcomes, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
      })
      .sort((a, b) => b.count - a.count);
  }
}

/** Nearest-rank percentile of sorted values; 0 when there are none. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
