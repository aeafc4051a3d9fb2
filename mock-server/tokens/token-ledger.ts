import { z } from 'zod';
import { grantRevocations, type UsedCodes } from './used-codes.js';
import type { RotatedRefreshTokens } from './rotated-refresh-tokens.js';
import type { ExpireNow } from './expire-now.js';

/**
 * What the token checks remember beyond the signed tokens themselves, as the state file keeps it:
 * codes already redeemed, sign-ins (grants) revoked, refresh tokens already rotated, and "Expire
 * now" marks. Without them a restart would accept again a replayed code, a revoked sign-in's
 * refresh token or a token expired on purpose. Each list keeps only entries that still matter
 * (a token they judge could still verify), so the file stays bounded.
 */

const jti = z.string().min(1).max(128);
const epochMs = z.number().int().min(0);

export const persistedTokensSchema = z
  .object({
    usedCodes: z.array(z.object({ jti, expiresAt: epochMs }).strict()).max(100_000),
    revokedGrants: z.array(z.object({ jti, why: z.enum(grantRevocations), until: epochMs }).strict()).max(100_000),
    rotatedRefreshTokens: z.array(z.object({ jti, at: epochMs, expiresAt: epochMs }).strict()).max(100_000),
    expiredNow: z
      .array(
        z
          .object({
            userId: z.string().min(1).max(64),
            cutoffs: z.object({ access: epochMs.optional(), refresh: epochMs.optional(), wopi: epochMs.optional() }).strict(),
          })
          .strict(),
      )
      .max(1000),
  })
  .strict();

export type PersistedTokens = z.output<typeof persistedTokensSchema>;

export const emptyPersistedTokens: PersistedTokens = { usedCodes: [], revokedGrants: [], rotatedRefreshTokens: [], expiredNow: [] };

export interface TokenLedgerParts {
  usedCodes: UsedCodes;
  rotatedRefreshTokens: RotatedRefreshTokens;
  expireNow: ExpireNow;
}

/** The section as it should be saved now: expired entries left out. */
export function tokenLedgerSnapshot(parts: TokenLedgerParts): PersistedTokens {
  return {
    ...parts.usedCodes.persisted(),
    rotatedRefreshTokens: parts.rotatedRefreshTokens.persisted(),
    expiredNow: parts.expireNow.persisted(),
  };
}

/** Puts a saved section back into the live structures (at start, before the first request). */
export function restoreTokenLedger(parts: TokenLedgerParts, saved: PersistedTokens): void {
  parts.usedCodes.restore(saved);
  parts.rotatedRefreshTokens.restore(saved.rotatedRefreshTokens);
  parts.expireNow.restore(saved.expiredNow);
}
