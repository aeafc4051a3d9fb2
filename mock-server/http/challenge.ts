import { BearerError, challengeFor, type BuiltChallenge, type ChallengeOptions } from '../protocol/challenge.js';
import type { KnownBugKey } from '../analysis/known-bugs.js';
import type { Config } from '../state/config-schema.js';

/** The challenge and the switches that bent it; built by the protocol's challengeFor. */
export type Challenge = BuiltChallenge;

let cached: { config: Config; origin: string; plain?: Challenge; invalidToken?: Challenge } | null = null;

/**
 * The challenge a bootstrapper answer carries, rebuilt only when the config or origin changes
 * (a config change is a new object, switches included). `options.error` is map-errors' choice
 * (`invalid_token` for a refused token when `compatibility.challengeErrorParameter` asks for it).
 */
export function bootstrapChallenge(config: Config, origin: string, options: ChallengeOptions = {}): Challenge {
  if (!cached || cached.config !== config || cached.origin !== origin) cached = { config, origin };
  if (options.error === undefined) return (cached.plain ??= challengeFor(config, origin));
  if (options.error === BearerError.InvalidToken) return (cached.invalidToken ??= challengeFor(config, origin, options));
  return challengeFor(config, origin, options);
}

/** Puts the challenge on an answer and marks the answer with the switches that bent its format. */
export function setChallenge(
  res: { setHeader(name: string, value: string): unknown },
  call: { markKnownBug(key: KnownBugKey): void },
  config: Config,
  origin: string,
  options: ChallengeOptions = {},
): void {
  const challenge = bootstrapChallenge(config, origin, options);
  res.setHeader('WWW-Authenticate', challenge.header);
  for (const key of challenge.knownBugs) call.markKnownBug(key);
}
