import { Route } from './headers.js';

/** Platforms Office knows in `UrlSchemes`, in the order the spec's sample lists them. */
export const urlSchemePlatforms = ['iOS', 'Android', 'UWP'] as const;
export type UrlSchemePlatform = (typeof urlSchemePlatforms)[number];
export type UrlSchemes = Partial<Record<UrlSchemePlatform, string[]>>;

export interface BootstrapChallenge {
  authorizationUri: string;
  tokenIssuanceUri: string;
  providerId?: string | undefined;
  urlSchemes?: UrlSchemes | undefined;
  /** RFC 6750 `error`, sent last; Office documents no such parameter, so only on request. */
  error?: string | undefined;
}

/**
 * Ways real hosts have got the challenge wrong, reproduced only when asked for (the known-bug
 * switches in analysis/known-bugs.ts). All off is the canonical form.
 */
export interface ChallengeStyle {
  /** A `,` after the last parameter. */
  trailingComma?: boolean;
  /** Every parameter name lower-cased: `tokenissuance_uri`, `providerid`, `urlschemes`. */
  lowercaseNames?: boolean;
  /** `UrlSchemes` as the raw JSON, inserted verbatim: its quotes are not escaped. */
  rawUrlSchemes?: boolean;
}

/** JSON of the scheme lists, platforms without schemes omitted; undefined when no platform has one. */
export function urlSchemesJson(schemes: UrlSchemes | undefined): string | undefined {
  if (!schemes) return undefined;
  const present: UrlSchemes = {};
  for (const platform of urlSchemePlatforms) {
    const list = schemes[platform];
    // Spec: "Omit any platforms you do not support."
    if (list && list.length > 0) present[platform] = [...list];
  }
  return Object.keys(present).length === 0 ? undefined : JSON.stringify(present);
}

/**
 * Percent-encoded JSON of the scheme lists, platforms without schemes omitted.
 * Returns undefined when no platform has a scheme, so the parameter is left out.
 */
export function encodeUrlSchemes(schemes: UrlSchemes | undefined): string | undefined {
  const json = urlSchemesJson(schemes);
  // Spec: "The value itself must be URL encoded"; encodeURIComponent reproduces the sample byte for byte.
  return json === undefined ? undefined : encodeURIComponent(json);
}

/** Characters that break the naive `split on = and ,` parsers real clients use (https://github.com/gtritchie/WOPIAuth/blob/ce7ff14a93048562794663f99dafe36a4a6e9042/WOPIAuth/BootstrapInfo.swift). */
const unsafeInValue = /[",=\\\r\n]|Bearer/;

/** Problems that would make a challenge unparseable by Office or WOPIAuth; empty when fine. */
export function challengeProblems(challenge: BootstrapChallenge): string[] {
  const problems: string[] = [];
  const check = (name: string, value: string | undefined) => {
    if (value !== undefined && unsafeInValue.test(value)) {
      problems.push(`${name} contains a character clients cannot parse (",", "=", quote, backslash, line break or the word Bearer)`);
    }
  };
  check('authorization_uri', challenge.authorizationUri);
  check('tokenIssuance_uri', challenge.tokenIssuanceUri);
  check('providerId', challenge.providerId);
  return problems;
}

/**
 * Formats the one `WWW-Authenticate: Bearer` value a 401 from the bootstrapper carries.
 * Canonical form (the default style): exact parameter casing, every value double-quoted, `,`
 * between parameters and none after the last. Quotes and backslashes are escaped as RFC 7230
 * quoted-strings require, though configuration validation keeps them out.
 */
// Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/bootstrapper/bootstrap#www-authenticate-response-header-format
export function formatBootstrapChallenge(challenge: BootstrapChallenge, style: ChallengeStyle = {}): string {
  // Values marked raw go in as they are, unescaped, the way a host that builds the header by string concatenation sends them.
  const params: Array<[name: string, value: string, raw?: boolean]> = [
    ['authorization_uri', challenge.authorizationUri],
    ['tokenIssuance_uri', challenge.tokenIssuanceUri],
  ];
  if (challenge.providerId) params.push(['providerId', challenge.providerId]);
  const schemes = style.rawUrlSchemes ? urlSchemesJson(challenge.urlSchemes) : encodeUrlSchemes(challenge.urlSchemes);
  if (schemes !== undefined) params.push(['UrlSchemes', schemes, style.rawUrlSchemes]);
  if (challenge.error) params.push(['error', challenge.error]);
  const list = params
    .map(([name, value, raw]) => `${style.lowercaseNames ? name.toLowerCase() : name}="${raw ? value : quote(value)}"`)
    .join(',');
  return `Bearer ${list}${style.trailingComma ? ',' : ''}`;
}

/** RFC 6750 `error` codes of a Bearer challenge; the host sends only `invalid_token`, for a refused token. */
export const BearerError = {
  InvalidToken: 'invalid_token',
} as const;

/** The known-bug switches that bend the challenge's format (analysis/known-bugs.ts explains each). */
export interface ChallengeSwitches {
  challengeTrailingComma: boolean;
  challengeLowercaseParameters: boolean;
  challengeUnencodedUrlSchemes: boolean;
}

export type ChallengeSwitch = keyof ChallengeSwitches;

/** The config fields the challenge is built from: a whole config fits, and so does a screen's draft. */
export interface ChallengeSettings {
  providerId: string;
  urlSchemes?: UrlSchemes | undefined;
  knownBugs: ChallengeSwitches;
}

export interface ChallengeOptions {
  /** RFC 6750 `error` (BearerError), sent last; the engine adds it for a refused token when asked to. */
  error?: string | undefined;
}

export interface BuiltChallenge {
  /** The `WWW-Authenticate` value. */
  header: string;
  /** The known-bug switches that bent its format, for the log entries of the answers that carry it. */
  knownBugs: ChallengeSwitch[];
}

/** Each switch and the style option it sets, in the order they are reported. */
const styleSwitches = [
  ['challengeTrailingComma', 'trailingComma'],
  ['challengeLowercaseParameters', 'lowercaseNames'],
  ['challengeUnencodedUrlSchemes', 'rawUrlSchemes'],
] as const satisfies ReadonlyArray<readonly [ChallengeSwitch, keyof ChallengeStyle]>;

/**
 * The one challenge builder: the bootstrapper's `WWW-Authenticate` under these settings, with the
 * host's routes on `origin`, and which switches bent it. Pure, so the engine's 401s (and 200s,
 * when asked), `/api/challenge` and the Provider screen's preview are the same header.
 */
export function challengeFor(settings: ChallengeSettings, origin: string, options: ChallengeOptions = {}): BuiltChallenge {
  const style: ChallengeStyle = {};
  const bent: ChallengeSwitch[] = [];
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
      error: options.error,
    },
    style,
  );
  return { header, knownBugs: bent };
}

function quote(value: string): string {
  return value.replace(/["\\]/g, (c) => '\\' + c);
}

export interface ParsedChallenge {
  scheme: string;
  params: Record<string, string>;
  /** Parameters as they appeared, for showing order and duplicates. */
  ordered: Array<[string, string]>;
}

/**
 * Splits one challenge into scheme and parameters, tolerating `,` and `, ` separators and
 * quoted or bare values (the spec's own sample mixes both separators).
 */
export function parseChallenge(header: string): ParsedChallenge | null {
  const schemeMatch = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?:\s+|$)/.exec(header);
  if (!schemeMatch) return null;
  const ordered: Array<[string, string]> = [];
  const paramPattern = /\s*([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s"]*))\s*(,|$)/y;
  paramPattern.lastIndex = schemeMatch[0].length;
  while (paramPattern.lastIndex < header.length) {
    const match = paramPattern.exec(header);
    if (!match) return null;
    const value = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '');
    ordered.push([match[1]!, value]);
    if (match[4] === '') break;
  }
  return { scheme: schemeMatch[1]!, params: Object.fromEntries(ordered), ordered };
}

/** Decodes a `UrlSchemes` parameter back into its lists; null when it is not encoded JSON. */
export function decodeUrlSchemes(value: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(decodeURIComponent(value));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
