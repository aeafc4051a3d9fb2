import { formatBootstrapChallenge, urlSchemesJson, type ChallengeStyle } from '../protocol/challenge.js';
import { Route } from '../protocol/headers.js';
import type { KnownBugKey } from '../analysis/known-bugs.js';
import type { Config } from '../state/config-schema.js';

// Nothing from Node or Express here: the UI's challenge preview runs describeChallenge itself.

export interface Challenge {
  /** The `WWW-Authenticate` value. */
  header: string;
  /** The known-bug switches that bent its format, for the log entries of the answers that carry it. */
  knownBugs: readonly KnownBugKey[];
}

/** The known-bug switches that change the challenge's format, and the style option each one sets. */
const styleSwitches = [
  ['challengeTrailingComma', 'trailingComma'],
  ['challengeLowercaseParameters', 'lowercaseNames'],
  ['challengeUnencodedUrlSchemes', 'rawUrlSchemes'],
] as const satisfies ReadonlyArray<readonly [keyof Config['knownBugs'], keyof ChallengeStyle]>;

/**
 * The challenge under these settings, and which switches bent it. Pure, so the UI's preview
 * shows exactly what a 401 carries.
 */
export function describeChallenge(
  settings: Pick<Config, 'providerId' | 'urlSchemes' | 'knownBugs'>,
  origin: string,
  error?: string,
): Challenge {
  const style: ChallengeStyle = {};
  const bent: KnownBugKey[] = [];
  // Without schemes there is no UrlSchemes parameter to leave unencoded: nothing is bent.
  const hasSchemes = urlSchemesJson(settings.urlSchemes) !== undefined;
  for (const [key, option] of styleSwitches) {
    if (!settings.knownBugs[key] || (option === 'rawUrlSchemes' && !hasSchemes)) continue;
    style[option] = true;
    bent.push(key);
  }
  const header = formatBootstrapChallenge(
    {
      authorizationUri: origin + Route.Authorize,
      tokenIssuanceUri: origin + Route.Token,
      providerId: settings.providerId,
      urlSchemes: settings.urlSchemes,
      error,
    },
    style,
  );
  return { header, knownBugs: bent };
}

let cached: { config: Config; origin: string; plain?: Challenge; invalidToken?: Challenge } | null = null;

/**
 * The challenge a bootstrapper answer carries, rebuilt only when the config or origin changes
 * (a config change is a new object, switches included). `invalidToken`: the request carried a
 * token that was refused, which is when `compatibility.challengeErrorParameter` adds its `error`.
 */
export function bootstrapChallenge(config: Config, origin: string, invalidToken = false): Challenge {
  if (!cached || cached.config !== config || cached.origin !== origin) cached = { config, origin };
  if (!invalidToken || !config.compatibility.challengeErrorParameter) return (cached.plain ??= describeChallenge(config, origin));
  return (cached.invalidToken ??= describeChallenge(config, origin, 'invalid_token'));
}

/** Puts the challenge on an answer and marks the answer with the switches that bent its format. */
export function setChallenge(
  res: { setHeader(name: string, value: string): unknown },
  call: { markKnownBug(key: KnownBugKey): void },
  config: Config,
  origin: string,
  invalidToken = false,
): void {
  const challenge = bootstrapChallenge(config, origin, invalidToken);
  res.setHeader('WWW-Authenticate', challenge.header);
  for (const key of challenge.knownBugs) call.markKnownBug(key);
}
