/**
 * Wire time units, named so no one mixes them up: WOPI's `AccessTokenExpiry` and
 * `access_token_ttl` are milliseconds since the epoch, OAuth's `expires_in` is seconds from now,
 * and JWT `exp` and `iat` are seconds since the epoch (https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/concepts). Every conversion between
 * seconds and milliseconds goes through the functions here, so the factor is written once.
 */
export type EpochMilliseconds = number & { readonly __unit: 'epoch-ms' };
export type EpochSeconds = number & { readonly __unit: 'epoch-s' };
/** A span of whole seconds, such as OAuth's `expires_in`. */
export type Seconds = number & { readonly __unit: 's' };
/** A span of milliseconds. */
export type Milliseconds = number & { readonly __unit: 'ms' };

const msPerSecond = 1000;

/** A span of seconds in milliseconds. */
export function secondsToMs(seconds: number): Milliseconds {
  return (seconds * msPerSecond) as Milliseconds;
}

/** A JWT `exp` or `iat` (seconds since the epoch) as milliseconds since the epoch. */
export function epochSecondsToMs(seconds: number): EpochMilliseconds {
  return (seconds * msPerSecond) as EpochMilliseconds;
}

/** Milliseconds since the epoch on the JWT's whole-second clock: the second it falls in. */
export function epochMsToSeconds(ms: number): EpochSeconds {
  return Math.floor(ms / msPerSecond) as EpochSeconds;
}

/**
 * OAuth `expires_in`: whole seconds left, never negative. Counted on the JWT's whole-second clock,
 * so a token issued with a 3600 s lifetime says 3600, not 3599.
 */
export function expiresInSeconds(expMs: number, nowMs: number): Seconds {
  return Math.max(0, epochMsToSeconds(expMs) - epochMsToSeconds(nowMs)) as Seconds;
}
