/**
 * Authorization codes already redeemed (RFC 6749 §4.1.2: a code is single-use). An entry is
 * only needed until the code would have expired anyway, so the set purges itself and cannot grow
 * without bound.
 */
export class UsedCodes {
  private readonly expiries = new Map<string, number>();
  /** Codes redeemed twice: every token issued from them is void. Kept while tokens could chain on. */
  private readonly revokedGrants = new Set<string>();
  private lastPurge = 0;

  /** `onUsed` hears of each first redemption (the issued-token registry marks the code used). */
  constructor(
    private readonly clock: () => number,
    private readonly maxEntries = 100_000,
    private readonly onUsed?: (jti: string) => void,
  ) {}

  /** Records the code; false if it had been used before. */
  markUsed(jti: string, expiresAtMs: number): boolean {
    this.purge();
    if (this.expiries.has(jti)) return false;
    if (this.expiries.size >= this.maxEntries) {
      const oldest = this.expiries.keys().next().value;
      if (oldest !== undefined) this.expiries.delete(oldest);
    }
    this.expiries.set(jti, expiresAtMs);
    this.onUsed?.(jti);
    return true;
  }

  /**
   * RFC 6749 §4.1.2: a code used twice is refused, and the tokens already issued for it should be
   * revoked (someone else may hold the code). Refreshes inherit the grant, so the whole chain dies.
   */
  revokeGrant(jti: string): void {
    if (this.revokedGrants.size >= this.maxEntries) {
      const oldest = this.revokedGrants.values().next().value;
      if (oldest !== undefined) this.revokedGrants.delete(oldest);
    }
    this.revokedGrants.add(jti);
  }

  isRevokedGrant(jti: string | undefined): boolean {
    return jti !== undefined && this.revokedGrants.has(jti);
  }

  get size(): number {
    return this.expiries.size;
  }

  private purge(): void {
    const now = this.clock();
    if (now - this.lastPurge < 10_000) return;
    this.lastPurge = now;
    for (const [jti, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(jti);
  }
}
