/** A clock a test moves by hand: tokens expire when the test says so, not when the wall clock does. */
export interface VirtualClock {
  /** The current time in ms since the epoch; pass it where a `() => number` clock is taken. */
  readonly now: () => number;
  advance(ms: number): void;
  set(epochMs: number): void;
}

/** Starts at `startAt` (default: now), rounded down to a whole second so JWT `exp` arithmetic is exact. */
export function createVirtualClock(startAt: number = Date.now()): VirtualClock {
  let current = Math.floor(startAt / 1000) * 1000;
  return {
    now: () => current,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance takes a duration ≥ 0 in ms, not ${ms}`);
      current += ms;
    },
    set(epochMs) {
      if (!Number.isFinite(epochMs)) throw new RangeError(`set takes ms since the epoch, not ${epochMs}`);
      current = epochMs;
    },
  };
}
