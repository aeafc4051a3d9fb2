import type { Config, KnownBugSwitches } from '../state/config-schema.js';
import type { RuleId } from './rulebook.js';

/**
 * The switches that make the mock misbehave the way real hosts have, each named by the spec rule
 * it breaks. One table, read by the engine (to mark what it bent), the UI, the docs and the tests.
 * Imports only types: the renderer bundles it as it is.
 */

/** Every switch names the rulebook rule it breaks. */
export type KnownBugRule = RuleId;

/** The settings the switches live in; a whole config, or a screen's draft of these two sections. */
export interface KnownBugSettings {
  knownBugs: KnownBugSwitches;
  compatibility: Pick<Config['compatibility'], 'expiresInAsString' | 'unknownEcosystemOperation'>;
}

type Compatibility = KnownBugSettings['compatibility'];

export type KnownBugKey = keyof KnownBugSwitches | keyof Compatibility;

export type KnownBugConfigPath = `knownBugs.${keyof KnownBugSwitches}` | `compatibility.${keyof Compatibility}`;

export interface KnownBug {
  key: KnownBugKey;
  /** Where the switch is in the config document. */
  configPath: KnownBugConfigPath;
  rule: KnownBugRule;
  title: string;
  /** What the mock does and what a real client then experiences. */
  explanation: string;
  /**
   * The config values that turn it on and off (the off value is the default). Booleans, except
   * the older `unknownEcosystemOperation`, which names a mode.
   */
  on: true | 'notImplemented';
  off: false | 'bootstrap';
}

const flag = { on: true, off: false } as const;

export const knownBugs: readonly KnownBug[] = [
  {
    key: 'accessTokenExpiryInSeconds',
    configPath: 'knownBugs.accessTokenExpiryInSeconds',
    rule: 'access-token-expiry-seconds',
    title: 'AccessTokenExpiry in seconds',
    explanation:
      "GetNewAccessToken's AccessTokenExpiry is seconds since the epoch instead of milliseconds (as WopiHost sends it), so a client reading milliseconds sees a token that expired in January 1970 and keeps asking for a new one.",
    ...flag,
  },
  {
    key: 'oauthTokenInEcosystemUrl',
    configPath: 'knownBugs.oauthTokenInEcosystemUrl',
    rule: 'ecosystem-url-oauth-token',
    title: 'OAuth token in EcosystemUrl',
    explanation:
      "Bootstrap's EcosystemUrl (and the shortcuts' Bootstrap object's) carries the caller's OAuth access token instead of a fresh WOPI token, as WopiHost did before its PR #308, so every ecosystem call the client makes with it is refused with 401.",
    ...flag,
  },
  {
    key: 'challengeTrailingComma',
    configPath: 'knownBugs.challengeTrailingComma',
    rule: 'challenge-trailing-comma',
    title: 'Trailing comma in the challenge',
    explanation:
      'The WWW-Authenticate challenge ends with a comma after its last parameter, which the spec forbids, so a strict parser rejects the challenge and the client cannot start the sign-in.',
    ...flag,
  },
  {
    key: 'challengeLowercaseParameters',
    configPath: 'knownBugs.challengeLowercaseParameters',
    rule: 'challenge-parameter-casing',
    title: 'Lower-case challenge parameter names',
    explanation:
      'The challenge names its parameters tokenissuance_uri, providerid and urlschemes, and clients that look them up case-sensitively (as WOPIAuth and Office do) find no token endpoint, so the sign-in fails.',
    ...flag,
  },
  {
    key: 'challengeUnencodedUrlSchemes',
    configPath: 'knownBugs.challengeUnencodedUrlSchemes',
    rule: 'url-schemes-not-encoded',
    title: 'UrlSchemes not percent-encoded',
    explanation:
      "The challenge's UrlSchemes value is the raw JSON with its quotes unescaped, as a naive host inserts it, so clients that split on quotes, commas and equals signs cannot read it and lose app-to-app sign-in (no effect while no URL schemes are configured: there is then no UrlSchemes parameter).",
    ...flag,
  },
  {
    key: 'challengeMissingOn401',
    configPath: 'knownBugs.challengeMissingOn401',
    rule: 'challenge-missing',
    title: '401 without a challenge',
    explanation:
      'Bootstrapper 401s carry no WWW-Authenticate header, so the client learns no sign-in or token endpoint and gives up on the host (WOPIAuth fails its bootstrap step).',
    ...flag,
  },
  {
    key: 'challengeOn200',
    configPath: 'knownBugs.challengeOn200',
    rule: 'challenge-on-non-401',
    title: 'Challenge on 200 answers',
    explanation:
      'Successful bootstrapper answers also carry the Bearer challenge, which the spec keeps for 401s, so a client that reacts to any challenge may start a sign-in it does not need.',
    ...flag,
  },
  {
    key: 'missingWopiSrcAnswers500',
    configPath: 'knownBugs.missingWopiSrcAnswers500',
    rule: 'wopi-src-not-found',
    title: '500 for a missing or unknown WopiSrc',
    explanation:
      'GetNewAccessToken answers 500 instead of 404 when X-WOPI-WopiSrc is missing, unparseable or unknown, so the client sees a server failure where it should give up on the resource, and may retry it.',
    ...flag,
  },
  {
    key: 'rootContainerAsBootstrap',
    configPath: 'knownBugs.rootContainerAsBootstrap',
    rule: 'root-container-missing',
    title: 'GET_ROOT_CONTAINER answered as Bootstrap',
    explanation:
      'The GET_ROOT_CONTAINER shortcut, which Office mobile requires, is answered as a plain Bootstrap without RootContainerInfo, so the client has to fall back to the ecosystem endpoint or cannot browse.',
    ...flag,
  },
  {
    key: 'checkFileInfoUserIdMismatch',
    configPath: 'knownBugs.checkFileInfoUserIdMismatch',
    rule: 'user-id-mismatch',
    title: "CheckFileInfo's UserId differs from Bootstrap's",
    explanation:
      "CheckFileInfo's UserId is a prefixed form of the id Bootstrap sent (uid-alice for alice), so a client that matches the two sees every file as opened by another account.",
    ...flag,
  },
  {
    key: 'childUrlsWithoutTokens',
    configPath: 'knownBugs.childUrlsWithoutTokens',
    rule: 'child-url-without-token',
    title: 'Child URLs without access tokens',
    explanation:
      "EnumerateChildren's ChildContainers and ChildFiles URLs carry no access_token, so every folder or file the client opens from the list is refused with 401 unless it fetches a token with GetNewAccessToken first.",
    ...flag,
  },
  {
    key: 'tokenResponseCacheable',
    configPath: 'knownBugs.tokenResponseCacheable',
    rule: 'token-response-no-store',
    title: 'Cacheable token responses',
    explanation:
      "The token endpoint's successful answers carry neither Cache-Control: no-store nor Pragma: no-cache (RFC 6749 §5.1 requires them), so a proxy or the client's HTTP cache may keep and replay the tokens.",
    ...flag,
  },
  {
    key: 'expiresInAsString',
    configPath: 'compatibility.expiresInAsString',
    rule: 'expires-in-not-number',
    title: 'expires_in as a string',
    explanation:
      'The token response sends "expires_in": "3600", as the token-issuance doc\'s sample does, and clients that read only a number (WOPIAuth, Office) then treat the token as never expiring.',
    ...flag,
  },
  {
    key: 'unknownEcosystemOperation',
    configPath: 'compatibility.unknownEcosystemOperation',
    rule: 'shortcut-not-implemented',
    title: '501 for an unknown X-WOPI-EcosystemOperation',
    explanation:
      'A POST to the bootstrapper with an operation this host does not know answers 501, as WopiHost does, instead of the plain Bootstrap the spec asks for, so a client relying on that fallback gets no profile.',
    on: 'notImplemented',
    off: 'bootstrap',
  },
];

const byKey = new Map<KnownBugKey, KnownBug & { section: keyof KnownBugSettings; field: string }>(
  knownBugs.map((bug) => {
    const [section, field] = bug.configPath.split('.') as [keyof KnownBugSettings, string];
    return [bug.key, { ...bug, section, field }];
  }),
);

export function knownBug(key: KnownBugKey): KnownBug {
  const bug = byKey.get(key);
  if (!bug) throw new Error(`no known host bug "${key}"`);
  return bug;
}

export function isKnownBugOn(settings: KnownBugSettings, key: KnownBugKey): boolean {
  const { section, field, on } = byKey.get(key)!;
  return (settings[section] as Record<string, unknown>)[field] === on;
}

/** The settings with one switch turned on or off; the rest untouched. */
export function withKnownBug<T extends KnownBugSettings>(settings: T, key: KnownBugKey, on: boolean): T {
  const bug = byKey.get(key)!;
  return { ...settings, [bug.section]: { ...settings[bug.section], [bug.field]: on ? bug.on : bug.off } };
}

/** The switches that are on, in table order. */
export function activeKnownBugs(settings: KnownBugSettings): KnownBug[] {
  return knownBugs.filter((bug) => isKnownBugOn(settings, bug.key));
}

/** The log note of an answer a switch bent. */
export function knownBugNote(key: KnownBugKey): string {
  const { title, configPath, rule } = knownBug(key);
  return `Known host bug on purpose: ${title} (${configPath}; breaks rule ${rule})`;
}
