/**
 * Refresh tokens that a refresh has replaced, and when: what oauth.refreshTokens.reuse and
 * graceSeconds judge when one comes back. Bounded: the oldest entries go first, and an entry is
 * only needed while its token could still verify.
 */
export class RotatedRefreshTokens {
  private readonly rotated = new Map<string, { atMs: number; expiresAtMs: number }>();

  constructor(
    private readonly clock: () => number,
    private readonly maxEntries = 100_000,
    /** Hears of every change worth saving (the state file keeps this ledger). */
    private readonly onChange?: () => void,
  ) {}

  /** Records that the refresh token `jti` was exchanged for a new one now. */
  rotate(jti: string, expiresAtMs: number): void {
    if (this.rotated.has(jti)) return;
    if (this.rotated.size >= this.maxEntries) {
      const oldest = this.rotated.keys().next().value;
      if (oldest !== undefined) this.rotated.delete(oldest);
    }
    this.rotated.set(jti, { atMs: this.clock(), expiresAtMs });
    this.onChange?.();
  }

  /** When the token was rotated, if it was and could still verify. */
  rotatedAt(jti: string): number | undefined {
    const entry = this.rotated.get(jti);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= this.clock()) {
      this.rotated.delete(jti);
      return undefined;
    }
    return entry.atMs;
  }

  get size(): number {
    return this.rotated.size;
  }

  /** What the state file keeps: tokens that could still verify. */
  persisted(): Array<{ jti: string; at: number; expiresAt: number }> {
    const now = this.clock();
    const kept: Array<{ jti: string; at: number; expiresAt: number }> = [];
    for (const [jti, { atMs, expiresAtMs }] of this.rotated) if (expiresAtMs > now) kept.push({ jti, at: atMs, expiresAt: expiresAtMs });
    return kept;
  }

  /** Takes back what persisted() saved, before any request is served. */
  restore(saved: ReadonlyArray<{ jti: string; at: number; expiresAt: number }>): void {
    const now = this.clock();
    for (const { jti, at, expiresAt } of saved) if (expiresAt > now) this.rotated.set(jti, { atMs: at, expiresAtMs: expiresAt });
  }
}
