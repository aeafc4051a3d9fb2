/** `code-replayed`: RFC 6749 §4.1.2; `revoked`: the client revoked a token of the grant (RFC 7009); `refresh-reused`: a rotated refresh token came back under reuse: revokeFamily. */
export const grantRevocations = ['code-replayed', 'revoked', 'refresh-reused'] as const;
export type GrantRevocation = (typeof grantRevocations)[number];

export interface UsedCodesOptions {
  clock: () => number;
  maxEntries?: number;
  /** Hears of each first redemption (the issued-token registry marks the code used). */
  onUsed?: (jti: string) => void;
  /**
   * How long, from now, a token issued so far could still verify (the longest OAuth token
   * lifetime): a revoked grant is remembered that long, then every token of it has expired.
   */
  grantLifetimeMs?: () => number;
  /** Hears of every change worth saving (the state file keeps this ledger). */
  onChange?: () => void;
}

/**
 * Authorization codes already redeemed (RFC 6749 §4.1.2: a code is single-use), and grants
 * revoked. An entry is only needed until the tokens it judges would have expired anyway, so the
 * sets purge themselves and cannot grow without bound.
 */
export class UsedCodes {
  private readonly expiries = new Map<string, number>();
  /** Grants whose every token is void, why, and until when that matters. */
  private readonly revokedGrants = new Map<string, { why: GrantRevocation; until: number }>();
  private readonly clock: () => number;
  private readonly maxEntries: number;
  private lastPurge = 0;

  constructor(private readonly options: UsedCodesOptions) {
    this.clock = options.clock;
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  /** Records the code; false if it had been used before. */
  markUsed(jti: string, expiresAtMs: number): boolean {
    this.purge();
    if (this.expiries.has(jti)) return false;
    evictOldest(this.expiries, this.maxEntries);
    this.expiries.set(jti, expiresAtMs);
    this.options.onUsed?.(jti);
    this.options.onChange?.();
    return true;
  }

  /**
   * RFC 6749 §4.1.2: a code used twice is refused, and the tokens already issued for it should be
   * revoked (someone else may hold the code). Refreshes inherit the grant, so the whole chain dies.
   */
  revokeGrant(jti: string, why: GrantRevocation = 'code-replayed'): void {
    evictOldest(this.revokedGrants, this.maxEntries);
    const lifetime = this.options.grantLifetimeMs?.() ?? Infinity;
    this.revokedGrants.set(jti, { why, until: this.clock() + lifetime });
    this.options.onChange?.();
  }

  isRevokedGrant(jti: string | undefined): boolean {
    return this.revocationOf(jti) !== undefined;
  }

  /** Why a grant was revoked; undefined when it was not. */
  revocationOf(jti: string | undefined): GrantRevocation | undefined {
    return jti === undefined ? undefined : this.revokedGrants.get(jti)?.why;
  }

  get size(): number {
    return this.expiries.size;
  }

  /** What the state file keeps: entries that can still matter. */
  persisted(): {
    usedCodes: Array<{ jti: string; expiresAt: number }>;
    revokedGrants: Array<{ jti: string; why: GrantRevocation; until: number }>;
  } {
    const now = this.clock();
    const usedCodes: Array<{ jti: string; expiresAt: number }> = [];
    for (const [jti, expiresAt] of this.expiries) if (expiresAt > now) usedCodes.push({ jti, expiresAt });
    const revokedGrants: Array<{ jti: string; why: GrantRevocation; until: number }> = [];
    // An infinite lifetime (no grantLifetimeMs) cannot be written as JSON; such a grant is kept in memory only.
    for (const [jti, { why, until }] of this.revokedGrants)
      if (until > now && Number.isFinite(until)) revokedGrants.push({ jti, why, until });
    return { usedCodes, revokedGrants };
  }

  /** Takes back what persisted() saved, before any request is served. */
  restore(saved: ReturnType<UsedCodes['persisted']>): void {
    const now = this.clock();
    for (const { jti, expiresAt } of saved.usedCodes) if (expiresAt > now) this.expiries.set(jti, expiresAt);
    for (const { jti, why, until } of saved.revokedGrants) if (until > now) this.revokedGrants.set(jti, { why, until });
  }

  private purge(): void {
    const now = this.clock();
    if (now - this.lastPurge < 10_000) return;
    this.lastPurge = now;
    for (const [jti, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(jti);
    for (const [jti, { until }] of this.revokedGrants) if (until <= now) this.revokedGrants.delete(jti);
  }
}

/** Map keeps insertion order: at capacity the first key, the oldest entry, makes room. */
function evictOldest(map: Map<string, unknown>, maxEntries: number): void {
  if (map.size < maxEntries) return;
  const oldest = map.keys().next().value;
  if (oldest !== undefined) map.delete(oldest);
}
