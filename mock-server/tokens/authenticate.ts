import type { Store } from '../state/store.js';
import type { MockUser } from '../state/config-schema.js';
import type { TokenService } from './token-service.js';
import type { ClaimsOf, TokenKind } from './types.js';
import type { UsedCodes } from './used-codes.js';
import type { ExpireNow } from './expire-now.js';

export type Authentication<K extends TokenKind> =
  { ok: true; user: MockUser; claims: ClaimsOf<K> } | { ok: false; reason: string; userId: string | null };

/**
 * A token is good only if it verifies as the expected kind, its user still exists, and it
 * carries the user's current epoch (revoking or deleting a user changes or drops the epoch), and
 * the authorization code it descends from was not replayed.
 */
export async function authenticate<K extends TokenKind>(
  kind: K,
  token: string,
  deps: { tokens: TokenService; store: Store; usedCodes?: UsedCodes; expireNow?: ExpireNow },
): Promise<Authentication<K>> {
  const verified = await deps.tokens.verify(kind, token);
  if (!verified.ok) return { ok: false, reason: verified.detail, userId: null };
  const { sub, ep } = verified.claims;
  const user = deps.store.findUser(sub);
  if (!user) return { ok: false, reason: `the ${kind} token belongs to user "${sub}", who no longer exists`, userId: sub };
  if (deps.store.epochOf(sub) !== ep)
    return { ok: false, reason: `the ${kind} token was revoked (user "${sub}" was revoked after it was issued)`, userId: sub };
  const expiredAt = deps.expireNow?.expiredAt(sub, kind, verified.claims.iat);
  if (expiredAt !== undefined)
    return {
      ok: false,
      reason: `the ${kind} token expired: 'Expire now' at ${new Date(expiredAt).toISOString()} ended it before its exp (expired, not revoked: the client gets a new one as at its natural expiry)`,
      userId: sub,
    };
  const grant = (verified.claims as { gr?: string }).gr;
  const revocation = deps.usedCodes?.revocationOf(grant);
  if (revocation !== undefined)
    return {
      ok: false,
      reason:
        revocation === 'revoked'
          ? `the ${kind} token was revoked: the client revoked a token of the same sign-in at the revocation endpoint (RFC 7009)`
          : revocation === 'refresh-reused'
            ? `the ${kind} token was revoked: a rotated refresh token of the same sign-in was presented again (oauth.refreshTokens.reuse is revokeFamily)`
            : `the ${kind} token was revoked: the authorization code it was issued for was redeemed a second time (RFC 6749 section 4.1.2)`,
      userId: sub,
    };
  return { ok: true, user, claims: verified.claims };
}
