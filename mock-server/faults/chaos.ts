/**
 * Seeded chaos: whether a rule with a `probability` fires on its n-th matching request. Draw n is
 * a pure function of (seed, n), mulberry32's n-th output, so a failing run is replayed exactly
 * by giving the same seed, and the log can name the draw that hit.
 */
export function chaosDraw(seed: number, n: number): number {
  // mulberry32 adds 0x6D2B79F5 to its state per step, so step n's state is seed + n·0x6D2B79F5.
  const a = (seed + Math.imul(n, 0x6d2b79f5)) | 0;
  let t = Math.imul(a ^ (a >>> 15), 1 | a);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export interface ChaosOutcome {
  /** 1 for the rule's first matching request. */
  draw: number;
  hit: boolean;
}

export interface ChaosRule {
  id: string;
  seed: number;
  probability: number;
}

/**
 * The draw counters of the rules in play, one per rule id and seed: a rule removed and added
 * again, or given another seed, starts over from draw 1.
 */
export class ChaosDraws {
  private readonly counts = new Map<string, number>();

  next(rule: ChaosRule): ChaosOutcome {
    const key = counterKey(rule);
    const draw = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, draw);
    return { draw, hit: chaosDraw(rule.seed, draw) < rule.probability };
  }

  /** Forgets the counters of rules that are gone. */
  keepOnly(rules: ReadonlyArray<{ id: string; seed?: number | undefined }>): void {
    const live = new Set(rules.map(counterKey));
    for (const key of this.counts.keys()) if (!live.has(key)) this.counts.delete(key);
  }
}

const counterKey = (rule: { id: string; seed?: number | undefined }) => `${rule.id} ${rule.seed ?? ''}`;

export function chaosNote(seed: number, outcome: ChaosOutcome, probability: number): string {
  return `chaos: draw ${outcome.draw} of seed ${seed} ${outcome.hit ? 'hit' : 'missed'} (probability ${probability})`;
}
