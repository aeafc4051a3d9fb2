/**
 * Wire time units, named so no one mixes them up: WOPI's `AccessTokenExpiry` and
 * `access_token_ttl` are milliseconds since the epoch, OAuth's `expires_in` is seconds from now,
 * and JWT `exp` is seconds since the epoch (notes §5.1).
 */
export type EpochMilliseconds = number & { readonly __unit: 'epoch-ms' };
export type EpochSeconds = number & { readonly __unit: 'epoch-s' };

export function epochMsFromJwtExp(exp: number): EpochMilliseconds {
  return (exp * 1000) as EpochMilliseconds;
}

export function jwtExpFromEpochMs(ms: number): EpochSeconds {
  return Math.floor(ms / 1000) as EpochSeconds;
}

/**
 * OAuth `expires_in`: whole seconds left, never negative. Counted on the JWT's whole-second clock,
 * so a token issued with a 3600 s lifetime says 3600, not 3599.
 */
export function expiresInSeconds(expMs: number, nowMs: number): number {
  return Math.max(0, Math.floor(expMs / 1000) - Math.floor(nowMs / 1000));
}
