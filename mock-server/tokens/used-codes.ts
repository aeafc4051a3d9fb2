/**
 * Authorization codes already redeemed (RFC 6749 §4.1.2: a code is single-use). An entry is
 * only needed until the code would have expired anyway, so the set purges itself and cannot grow
 * without bound.
 */
/** `code-replayed`: RFC 6749 §4.1.2; `revoked`: the client revoked a token of the grant (RFC 7009); `refresh-reused`: a rotated refresh token came back under reuse: revokeFamily. */
export type GrantRevocation = 'code-replayed' | 'revoked' | 'refresh-reused';

export class UsedCodes {
  private readonly expiries = new Map<string, number>();
  /** Grants whose every token is void, and why: a code redeemed twice, or RFC 7009 revocation. */
  private readonly revokedGrants = new Map<string, GrantRevocation>();
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
  revokeGrant(jti: string, why: GrantRevocation = 'code-replayed'): void {
    if (this.revokedGrants.size >= this.maxEntries) {
      const oldest = this.revokedGrants.values().next().value;
      if (oldest !== undefined) this.revokedGrants.delete(oldest);
    }
    this.revokedGrants.set(jti, why);
  }

  isRevokedGrant(jti: string | undefined): boolean {
    return jti !== undefined && this.revokedGrants.has(jti);
  }

  /** Why a grant was revoked; undefined when it was not. */
  revocationOf(jti: string | undefined): GrantRevocation | undefined {
    return jti === undefined ? undefined : this.revokedGrants.get(jti);
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
