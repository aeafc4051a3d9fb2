import type { TokenKind } from './types.js';

/** The token kinds "Expire now" applies to: OAuth access and refresh tokens, and WOPI access tokens. */
export const expirableKinds = ['access', 'refresh', 'wopi'] as const satisfies readonly TokenKind[];
export type ExpirableKind = (typeof expirableKinds)[number];

export function isExpirableKind(value: unknown): value is ExpirableKind {
  return typeof value === 'string' && (expirableKinds as readonly string[]).includes(value);
}

/**
 * "Expire now": a user's tokens of a kind, issued up to this moment, are treated as expired from
 * the next request on, before their `exp`. Expired is not revoked: the client is meant to refresh
 * (or get a new WOPI token) as it would at the natural expiry, and the log says which it was.
 * `iat` has whole seconds, so a token issued in the same second as the click counts as before it.
 */
export class ExpireNow {
  private readonly cutoffs = new Map<string, Partial<Record<ExpirableKind, number>>>();

  constructor(
    private readonly clock: () => number,
    /** Hears of every change worth saving (the state file keeps the marks). */
    private readonly onChange?: () => void,
  ) {}

  /** Expires the user's tokens of these kinds; gives the moment, in ms. */
  expire(userId: string, kinds: readonly ExpirableKind[]): number {
    const at = this.clock();
    const cutoffs = { ...this.cutoffs.get(userId) };
    for (const kind of kinds) cutoffs[kind] = at;
    this.cutoffs.set(userId, cutoffs);
    this.onChange?.();
    return at;
  }

  /** When a token of this kind issued at `iatSeconds` was expired on purpose; undefined when it was not. */
  expiredAt(userId: string, kind: TokenKind, iatSeconds: number): number | undefined {
    if (!isExpirableKind(kind)) return undefined;
    const cutoff = this.cutoffs.get(userId)?.[kind];
    return cutoff !== undefined && iatSeconds * 1000 <= cutoff ? cutoff : undefined;
  }

  forget(userId: string): void {
    if (this.cutoffs.delete(userId)) this.onChange?.();
  }

  /**
   * What the state file keeps. A mark is one number per user and kind, so all are kept: a token
   * issued before it stays refused for as long as it could verify, however long its TTL was.
   */
  persisted(): Array<{ userId: string; cutoffs: Partial<Record<ExpirableKind, number>> }> {
    return [...this.cutoffs].map(([userId, cutoffs]) => ({ userId, cutoffs: { ...cutoffs } }));
  }

  /** Takes back what persisted() saved, before any request is served. */
  restore(saved: ReadonlyArray<{ userId: string; cutoffs: Partial<Record<ExpirableKind, number>> }>): void {
    for (const { userId, cutoffs } of saved) this.cutoffs.set(userId, { ...cutoffs });
  }
}
