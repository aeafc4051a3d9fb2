import { challengeProblems, decodeUrlSchemes, parseChallenge, urlSchemePlatforms } from '../protocol/challenge.js';
import { Operation, type OperationName } from '../protocol/operations.js';
import { officeSafeName } from '../protocol/file-names.js';
import type { LogEntry } from './entry.js';
import { bearerToken, decodeToken, headerValue, jsonBody, queryOf, type TokenInsight } from './token-insight.js';

/*
 * Where the traffic in a log entry breaks the rules in ../shared/spec: the Bootstrap and
 * GetNewAccessToken documents and the mobile protocol notes. The host itself answers by those
 * rules, so most warnings show up when a fault rule, a compatibility switch or a client bends
 * them, which is exactly when someone needs to be told. Pure and browser-safe: the UI's detail
 * pane runs it on the entry it shows.
 */

/** Stable names of the rules, for tests and for anyone filtering on them. */
export const SpecRule = {
  ChallengeMissing: 'challenge-missing',
  ChallengeNotSingle: 'challenge-not-single',
  ChallengeUnparseable: 'challenge-unparseable',
  ChallengeSchemeCasing: 'challenge-scheme-casing',
  ChallengeTrailingComma: 'challenge-trailing-comma',
  ChallengeParameterCasing: 'challenge-parameter-casing',
  ChallengeUnknownParameter: 'challenge-unknown-parameter',
  ChallengeDuplicateParameter: 'challenge-duplicate-parameter',
  ChallengeUnquotedValue: 'challenge-unquoted-value',
  ChallengeMissingParameter: 'challenge-missing-parameter',
  ChallengeUnsafeValue: 'challenge-unsafe-value',
  ChallengeUriNotHttps: 'challenge-uri-not-https',
  ChallengeOnNon401: 'challenge-on-non-401',
  ProviderIdCharacters: 'provider-id-characters',
  UrlSchemesNotEncoded: 'url-schemes-not-encoded',
  UrlSchemesShape: 'url-schemes-shape',
  NotJson: 'not-json',
  JsonContentType: 'json-content-type',
  MissingProperty: 'missing-property',
  NullProperties: 'null-properties',
  EcosystemUrlWithoutToken: 'ecosystem-url-without-token',
  EcosystemUrlOAuthToken: 'ecosystem-url-oauth-token',
  EcosystemUrlTrailingSlash: 'ecosystem-url-trailing-slash',
  AccessTokenExpirySeconds: 'access-token-expiry-seconds',
  AccessTokenExpiryImplausible: 'access-token-expiry-implausible',
  WopiSrcMissing: 'wopi-src-missing',
  ShortcutNotImplemented: 'shortcut-not-implemented',
  MobileRequiredProperty: 'mobile-required-property',
  PropertyType: 'property-type',
  OfficeInvalidCharacters: 'office-invalid-characters',
  ChildUrlWithoutToken: 'child-url-without-token',
  ExpiresInNotNumber: 'expires-in-not-number',
  WopiTokenInHeader: 'wopi-token-in-header',
  WopiTokenAtBootstrapper: 'wopi-token-at-bootstrapper',
  OAuthTokenAtWopiEndpoint: 'oauth-token-at-wopi-endpoint',
  AccessTokenTtlNotMs: 'access-token-ttl-not-ms',
  ItemVersionMissing: 'item-version-missing',
  LockHeaderMissing: 'lock-header-missing',
  LockHeaderOnSuccess: 'lock-header-on-success',
} as const;
export type SpecRule = (typeof SpecRule)[keyof typeof SpecRule];

export interface SpecWarning {
  rule: SpecRule;
  /** `error`: the spec says must. `warning`: should, a client-compatibility inference, or a spec contradiction. */
  level: 'error' | 'warning';
  message: string;
  /** The spec passages behind the rule: a document and section in ../shared/spec. */
  sources: string[];
}

/** The spec passages, named once so every warning cites them the same way. */
export const SpecSource = {
  BootstrapRequestHeaders: 'Bootstrap.txt, Request Headers (Authorization)',
  BootstrapAuthenticated: 'Bootstrap.txt, Authenticated response (Required response properties)',
  BootstrapUnauthenticated: 'Bootstrap.txt, Unauthenticated response',
  ChallengeFormat: 'Bootstrap.txt, WWW-Authenticate response header format',
  GetNewAccessTokenHeaders: 'GetNewAccessToken.txt, Request Headers and Response Headers',
  GetNewAccessTokenStatus: 'GetNewAccessToken.txt, Status Codes (401)',
  GetNewAccessTokenResponse: 'GetNewAccessToken.txt, Response (AccessTokenInfo)',
  NotesBearerForm: 'protocol notes §1.3 (Bearer: <TOKEN> or Bearer <TOKEN>)',
  NotesChallenge: 'protocol notes §1.4 (Unauthenticated response: 401 and WWW-Authenticate)',
  NotesAuthenticated: 'protocol notes §1.5 (Authenticated response: 200)',
  NotesGetNewAccessToken: 'protocol notes §2 (GetNewAccessToken)',
  NotesShortcuts: 'protocol notes §3.1 (Shortcut operations)',
  NotesEcosystem: 'protocol notes §3.2 (Ecosystem endpoint)',
  NotesTokenResponse: 'protocol notes §4.5 (Token endpoint response)',
  NotesUnits: 'protocol notes §5.1 (Units and semantics)',
  NotesMobileRequired: 'protocol notes §5.3 (Required operations for mobile)',
  NotesCheatSheet: 'protocol notes §5.4 (Operation cheat-sheet)',
  NotesCheckFileInfo: 'protocol notes §5.5 (CheckFileInfo for mobile)',
  NotesPitfalls: 'protocol notes §9 (Known pitfalls)',
} as const;

const bootstrapperOperations: ReadonlySet<OperationName> = new Set([
  Operation.Bootstrap,
  Operation.GetNewAccessToken,
  Operation.GetRootContainerBootstrapper,
  Operation.GetFileWopiSrcBootstrapper,
]);

/** The challenge parameters the spec defines, in its casing (clients look them up case-sensitively). */
const challengeParameters = ['authorization_uri', 'tokenIssuance_uri', 'providerId', 'UrlSchemes'] as const;

/** VAL accepts a Unix timestamp within ten years of now, in milliseconds (notes §5.1). */
const tenYearsMs = 10 * 365.25 * 24 * 3600 * 1000;

type Json = Record<string, unknown>;

/** Every spec violation visible in one exchange, most fundamental first. */
export function specWarnings(entry: LogEntry): SpecWarning[] {
  const warnings: SpecWarning[] = [];
  const warn = (rule: SpecRule, level: SpecWarning['level'], message: string, ...sources: string[]) =>
    warnings.push({ rule, level, message, sources });
  const atBootstrapper = bootstrapperOperations.has(entry.operation);
  const atWopiEndpoint = /^\/wopi\//.test(entry.url);

  requestTokenRules(entry, atBootstrapper, atWopiEndpoint, warn);
  if (atBootstrapper) bootstrapperRules(entry, warn);
  if (entry.status === 200) successBodyRules(entry, warn);
  lockRules(entry, warn);
  return warnings;
}

type Warn = (rule: SpecRule, level: SpecWarning['level'], message: string, ...sources: string[]) => void;

function requestTokenRules(entry: LogEntry, atBootstrapper: boolean, atWopiEndpoint: boolean, warn: Warn): void {
  const bearer = bearerToken(entry);
  const query = queryOf(entry.url);
  const queryToken = query?.get('access_token') ?? null;
  const time = Date.parse(entry.time);

  if (atBootstrapper && bearer !== undefined && insightOf(bearer, time)?.kind === 'wopi') {
    warn(
      SpecRule.WopiTokenAtBootstrapper,
      'error',
      'The Authorization header carries a WOPI access token; the bootstrapper expects the OAuth 2.0 access token from the token endpoint.',
      SpecSource.BootstrapRequestHeaders,
      SpecSource.NotesBearerForm,
    );
  }
  if (!atWopiEndpoint) return;
  if (queryToken === null && bearer !== undefined) {
    warn(
      SpecRule.WopiTokenInHeader,
      'warning',
      'The WOPI access token came only in the Authorization header; WOPI URLs carry it in the access_token query parameter, which is where hosts are expected to read it.',
      SpecSource.NotesUnits,
    );
  }
  const wopiToken = queryToken ?? bearer;
  const kind = wopiToken !== undefined && wopiToken !== null ? insightOf(wopiToken, time)?.kind : undefined;
  if (kind === 'access' || kind === 'refresh' || kind === 'code') {
    warn(
      SpecRule.OAuthTokenAtWopiEndpoint,
      'error',
      `A WOPI endpoint was called with an OAuth ${kind} token; WOPI endpoints take the WOPI access token that Bootstrap's EcosystemUrl and the child URLs carry.`,
      SpecSource.BootstrapAuthenticated,
      SpecSource.NotesAuthenticated,
    );
  }
  const ttl = query?.get('access_token_ttl');
  if (ttl !== null && ttl !== undefined && ttl !== '0') {
    const value = Number(ttl);
    if (!Number.isFinite(value) || !plausibleEpochMs(value, time)) {
      warn(
        SpecRule.AccessTokenTtlNotMs,
        'error',
        `access_token_ttl=${ttl} is not an expiry instant in milliseconds since the epoch${looksLikeEpochSeconds(value, time) ? ' (it looks like seconds)' : ''}; despite its name it is not a duration, and 0 means unknown.`,
        SpecSource.NotesUnits,
      );
    }
  }
}

function bootstrapperRules(entry: LogEntry, warn: Warn): void {
  const challenges = entry.responseHeaders.filter((h) => h.name.toLowerCase() === 'www-authenticate');
  const bearerChallenges = challenges.filter((h) => /^\s*bearer\b/i.test(h.value));
  if (entry.status !== 401) {
    if (bearerChallenges.length > 0 && entry.status !== 0) {
      warn(
        SpecRule.ChallengeOnNon401,
        'warning',
        `A ${entry.status} answer carries a WWW-Authenticate Bearer challenge; it belongs only on a 401.`,
        SpecSource.GetNewAccessTokenHeaders,
      );
    }
    if (
      entry.operation === Operation.Bootstrap &&
      entry.status === 501 &&
      headerValue(entry.requestHeaders, 'x-wopi-ecosystemoperation') !== undefined
    ) {
      warn(
        SpecRule.ShortcutNotImplemented,
        'warning',
        'An unknown X-WOPI-EcosystemOperation was answered 501; the spec says a host that does not implement a shortcut answers it as a plain Bootstrap.',
        SpecSource.NotesShortcuts,
      );
    }
    if (entry.operation === Operation.GetNewAccessToken && headerValue(entry.requestHeaders, 'x-wopi-wopisrc') === undefined) {
      const answered = entry.status === 200 ? ' and the host answered 200 where it should answer 404 Not Found' : '';
      warn(
        SpecRule.WopiSrcMissing,
        'error',
        `GetNewAccessToken was sent without the X-WOPI-WopiSrc header${answered}.`,
        SpecSource.GetNewAccessTokenHeaders,
        SpecSource.NotesGetNewAccessToken,
      );
    }
    return;
  }
  const sources401 =
    entry.operation === Operation.GetNewAccessToken
      ? [SpecSource.GetNewAccessTokenStatus, SpecSource.ChallengeFormat]
      : [SpecSource.BootstrapUnauthenticated, SpecSource.ChallengeFormat];
  if (bearerChallenges.length === 0) {
    return warn(
      SpecRule.ChallengeMissing,
      'error',
      '401 from the bootstrapper without a WWW-Authenticate: Bearer challenge; the client cannot learn where to sign in.',
      ...sources401,
    );
  }
  if (bearerChallenges.length > 1) {
    return warn(
      SpecRule.ChallengeNotSingle,
      'error',
      `The 401 carries ${bearerChallenges.length} WWW-Authenticate headers with the Bearer qualifier; there must be exactly one.`,
      SpecSource.ChallengeFormat,
    );
  }
  challengeRules(bearerChallenges[0]!.value, warn);
}

function challengeRules(header: string, warn: Warn): void {
  const parsed = parseChallenge(header);
  if (!parsed) {
    return warn(
      SpecRule.ChallengeUnparseable,
      'error',
      `The WWW-Authenticate value cannot be split into name="value" parameters: ${header}`,
      SpecSource.ChallengeFormat,
      SpecSource.NotesChallenge,
    );
  }
  if (parsed.scheme !== 'Bearer') {
    warn(
      SpecRule.ChallengeSchemeCasing,
      'warning',
      `The scheme is written "${parsed.scheme}"; clients look for "Bearer" exactly.`,
      SpecSource.ChallengeFormat,
      SpecSource.NotesChallenge,
    );
  }
  if (/,\s*$/.test(header)) {
    warn(
      SpecRule.ChallengeTrailingComma,
      'error',
      'The challenge ends with a comma; there must be no comma after the last parameter.',
      SpecSource.ChallengeFormat,
    );
  }
  const seen = new Set<string>();
  for (const [name] of parsed.ordered) {
    if (seen.has(name))
      warn(SpecRule.ChallengeDuplicateParameter, 'error', `The parameter ${name} appears more than once.`, SpecSource.ChallengeFormat);
    seen.add(name);
    const known = challengeParameters.find((p) => p.toLowerCase() === name.toLowerCase());
    if (known !== undefined && known !== name) {
      warn(
        SpecRule.ChallengeParameterCasing,
        'error',
        `The parameter is named "${name}"; it must be "${known}" (clients look names up case-sensitively).`,
        SpecSource.ChallengeFormat,
        SpecSource.NotesPitfalls,
      );
    } else if (known === undefined) {
      warn(
        SpecRule.ChallengeUnknownParameter,
        'warning',
        `The parameter ${name} is not one the WOPI docs define; Office is not known to read it, and naive parsers may trip over it.`,
        SpecSource.NotesChallenge,
      );
    }
    if (!new RegExp(`(?:^|[\\s,])${escapeRegExp(name)}\\s*=\\s*"`).test(header)) {
      warn(SpecRule.ChallengeUnquotedValue, 'error', `The value of ${name} is not in double quotes.`, SpecSource.ChallengeFormat);
    }
  }

  const { params } = parsed;
  for (const required of ['authorization_uri', 'tokenIssuance_uri'] as const) {
    const value = params[required];
    if (value === undefined || value === '') {
      warn(SpecRule.ChallengeMissingParameter, 'error', `The challenge has no ${required}; it is required.`, SpecSource.ChallengeFormat);
    } else if (!/^https:\/\/[^/]/i.test(value)) {
      warn(
        SpecRule.ChallengeUriNotHttps,
        'error',
        `${required} "${value}" is not an absolute https:// URL.`,
        SpecSource.ChallengeFormat,
        SpecSource.NotesPitfalls,
      );
    }
  }
  for (const problem of challengeProblems({
    authorizationUri: params['authorization_uri'] ?? '',
    tokenIssuanceUri: params['tokenIssuance_uri'] ?? '',
    providerId: params['providerId'],
  })) {
    warn(SpecRule.ChallengeUnsafeValue, 'warning', `${problem}.`, SpecSource.NotesChallenge, SpecSource.NotesPitfalls);
  }
  const providerId = params['providerId'];
  if (providerId !== undefined && !/^[A-Za-z0-9]+$/.test(providerId)) {
    warn(
      SpecRule.ProviderIdCharacters,
      'warning',
      `providerId "${providerId}" has characters outside [A-Za-z0-9] (the spec allows only those, though its own sample is tp_contoso).`,
      SpecSource.ChallengeFormat,
      SpecSource.NotesPitfalls,
    );
  }
  const schemes = params['UrlSchemes'];
  if (schemes !== undefined) urlSchemesRules(schemes, warn);
}

function urlSchemesRules(value: string, warn: Warn): void {
  const decoded = decodeUrlSchemes(value);
  if (/[{}[\]":,\s]/.test(value) || decoded === null) {
    return warn(
      SpecRule.UrlSchemesNotEncoded,
      'error',
      'UrlSchemes is not percent-encoded JSON; the value itself must be URL encoded.',
      SpecSource.ChallengeFormat,
      SpecSource.NotesPitfalls,
    );
  }
  for (const [platform, list] of Object.entries(decoded)) {
    if (!(urlSchemePlatforms as readonly string[]).includes(platform)) {
      warn(
        SpecRule.UrlSchemesShape,
        'warning',
        `UrlSchemes names the platform "${platform}"; Office knows ${urlSchemePlatforms.join(', ')}.`,
        SpecSource.ChallengeFormat,
      );
    } else if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) {
      warn(SpecRule.UrlSchemesShape, 'error', `UrlSchemes.${platform} is not an ordered list of strings.`, SpecSource.ChallengeFormat);
    } else if (platform === 'Android' && list.length % 3 !== 0) {
      warn(
        SpecRule.UrlSchemesShape,
        'warning',
        `UrlSchemes.Android has ${list.length} entries; Android entries are triples (version code, package, auth activity).`,
        SpecSource.NotesChallenge,
      );
    }
  }
}

/** Checks on the JSON bodies of 200 answers, per operation. */
function successBodyRules(entry: LogEntry, warn: Warn): void {
  const expectsJson = jsonOperations.get(entry.operation);
  if (!expectsJson) return;
  const contentType = headerValue(entry.responseHeaders, 'content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType.trim())) {
    warn(
      SpecRule.JsonContentType,
      'error',
      `${entry.operation} answered 200 with Content-Type "${contentType}"; the response must be application/json.`,
      ...expectsJson.sources,
    );
  }
  if (entry.responseBody?.truncated) return;
  const body = jsonBody(entry);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return warn(
      SpecRule.NotJson,
      'error',
      `${entry.operation} answered 200 but the body is not a JSON object${entry.responseBody ? '' : ' (it is empty)'}.`,
      ...expectsJson.sources,
    );
  }
  expectsJson.check(body as Json, entry, warn);
}

interface JsonOperation {
  sources: string[];
  check(body: Json, entry: LogEntry, warn: Warn): void;
}

const jsonOperations = new Map<OperationName, JsonOperation>([
  [
    Operation.Bootstrap,
    {
      sources: [SpecSource.BootstrapAuthenticated, SpecSource.NotesAuthenticated],
      check: (body, entry, warn) => {
        if (bootstrapObject(body, entry, warn)) {
          const nulls = ['RootContainerInfo', 'AccessTokenInfo'].filter((k) => k in body && body[k] === null);
          if (nulls.length > 0)
            warn(
              SpecRule.NullProperties,
              'warning',
              `A plain Bootstrap answer carries ${nulls.join(' and ')} as null; leave them out.`,
              SpecSource.NotesAuthenticated,
            );
        }
      },
    },
  ],
  [
    Operation.GetNewAccessToken,
    { sources: [SpecSource.GetNewAccessTokenResponse], check: (body, entry, warn) => accessTokenInfo(body, entry, warn) },
  ],
  [
    Operation.GetRootContainerBootstrapper,
    {
      sources: [SpecSource.NotesShortcuts],
      check: (body, entry, warn) => {
        bootstrapObject(body, entry, warn);
        containerPointer(
          object(object(body, 'RootContainerInfo'), 'ContainerPointer'),
          'RootContainerInfo.ContainerPointer',
          SpecSource.NotesShortcuts,
          warn,
        );
      },
    },
  ],
  [
    Operation.GetRootContainer,
    {
      sources: [SpecSource.NotesEcosystem],
      check: (body, _entry, warn) =>
        containerPointer(object(body, 'ContainerPointer'), 'ContainerPointer', SpecSource.NotesEcosystem, warn),
    },
  ],
  [
    Operation.Token,
    {
      sources: [SpecSource.NotesTokenResponse],
      check: (body, _entry, warn) => {
        missing(body, ['access_token', 'token_type'], 'The token response', SpecSource.NotesTokenResponse, warn);
        if ('expires_in' in body && typeof body['expires_in'] !== 'number') {
          warn(
            SpecRule.ExpiresInNotNumber,
            'warning',
            `expires_in is ${JSON.stringify(body['expires_in'])}, not a JSON number; clients such as WOPIAuth then treat the token as never expiring.`,
            SpecSource.NotesTokenResponse,
            SpecSource.NotesPitfalls,
          );
        }
      },
    },
  ],
  [
    Operation.CheckFileInfo,
    {
      sources: [SpecSource.NotesCheckFileInfo],
      check: (body, _entry, warn) => {
        missing(body, ['BaseFileName', 'OwnerId', 'Size', 'UserId', 'Version'], 'CheckFileInfo', SpecSource.NotesCheckFileInfo, warn);
        mobileRequired(body, 'CheckFileInfo', warn);
        if ('Version' in body && typeof body['Version'] !== 'string')
          warn(
            SpecRule.PropertyType,
            'error',
            `CheckFileInfo.Version is ${JSON.stringify(body['Version'])}; it must be a string.`,
            SpecSource.NotesCheckFileInfo,
          );
        if ('Size' in body && !Number.isInteger(body['Size']))
          warn(
            SpecRule.PropertyType,
            'error',
            `CheckFileInfo.Size is ${JSON.stringify(body['Size'])}; it must be a whole number of bytes.`,
            SpecSource.NotesCheckFileInfo,
          );
        officeNames(body, ['BaseFileName', 'UserId', 'OwnerId'], 'CheckFileInfo', warn);
      },
    },
  ],
  [
    Operation.CheckContainerInfo,
    {
      sources: [SpecSource.NotesCheatSheet],
      check: (body, _entry, warn) => {
        missing(body, ['Name'], 'CheckContainerInfo', SpecSource.NotesCheatSheet, warn);
        mobileRequired(body, 'CheckContainerInfo', warn);
        officeNames(body, ['Name'], 'CheckContainerInfo', warn);
      },
    },
  ],
  [
    Operation.EnumerateChildren,
    {
      sources: [SpecSource.NotesCheatSheet],
      check: (body, _entry, warn) => {
        for (const key of ['ChildContainers', 'ChildFiles']) {
          if (!Array.isArray(body[key]))
            warn(
              SpecRule.MissingProperty,
              'error',
              `EnumerateChildren has no ${key} array; both arrays must be present, even when empty.`,
              SpecSource.NotesCheatSheet,
              SpecSource.NotesPitfalls,
            );
        }
        for (const key of ['ChildContainers', 'ChildFiles']) {
          const children = body[key];
          if (!Array.isArray(children)) continue;
          children.forEach((child: unknown, i) => {
            const url = child !== null && typeof child === 'object' ? (child as Json)['Url'] : undefined;
            if (typeof url !== 'string' || !/^https?:\/\//i.test(url) || !queryOf(url)?.get('access_token')) {
              warn(
                SpecRule.ChildUrlWithoutToken,
                'error',
                `${key}[${i}].Url is not an absolute URL with an access_token.`,
                SpecSource.NotesCheatSheet,
                SpecSource.NotesPitfalls,
              );
            }
          });
        }
      },
    },
  ],
]);

/** The `Bootstrap` object every bootstrapper 200 carries; false when it is missing. */
function bootstrapObject(body: Json, entry: LogEntry, warn: Warn): boolean {
  const bootstrap = object(body, 'Bootstrap');
  if (!bootstrap) {
    warn(
      SpecRule.MissingProperty,
      'error',
      'The answer has no Bootstrap object; the response must include a single Bootstrap property.',
      SpecSource.BootstrapAuthenticated,
    );
    return false;
  }
  missing(bootstrap, ['EcosystemUrl', 'UserId', 'SignInName'], 'Bootstrap', SpecSource.BootstrapAuthenticated, warn);
  const ecosystemUrl = bootstrap['EcosystemUrl'];
  if (typeof ecosystemUrl !== 'string') return true;
  const token = queryOf(ecosystemUrl)?.get('access_token');
  if (!token) {
    warn(
      SpecRule.EcosystemUrlWithoutToken,
      'error',
      'Bootstrap.EcosystemUrl carries no access_token; it must have a WOPI access token appended.',
      SpecSource.BootstrapAuthenticated,
      SpecSource.NotesPitfalls,
    );
  } else {
    const bearer = bearerToken(entry);
    const kind = insightOf(token, Date.parse(entry.time))?.kind;
    if (token === bearer || kind === 'access' || kind === 'refresh') {
      warn(
        SpecRule.EcosystemUrlOAuthToken,
        'error',
        'Bootstrap.EcosystemUrl carries the OAuth token; it must carry a WOPI access token, which clients replay against /wopi/*.',
        SpecSource.BootstrapAuthenticated,
        SpecSource.NotesAuthenticated,
      );
    }
  }
  try {
    if (new URL(ecosystemUrl).pathname.endsWith('/')) {
      warn(
        SpecRule.EcosystemUrlTrailingSlash,
        'warning',
        'Bootstrap.EcosystemUrl ends in "/"; clients append /root_container_pointer to its path, which would give "//".',
        SpecSource.NotesEcosystem,
        SpecSource.NotesPitfalls,
      );
    }
  } catch {
    warn(
      SpecRule.PropertyType,
      'error',
      `Bootstrap.EcosystemUrl "${ecosystemUrl}" is not an absolute URL.`,
      SpecSource.BootstrapAuthenticated,
    );
  }
  return true;
}

function accessTokenInfo(body: Json, entry: LogEntry, warn: Warn): void {
  const info = object(body, 'AccessTokenInfo');
  if (!info)
    return warn(
      SpecRule.MissingProperty,
      'error',
      'The answer has no AccessTokenInfo object; it is required.',
      SpecSource.GetNewAccessTokenResponse,
    );
  missing(info, ['AccessToken', 'AccessTokenExpiry'], 'AccessTokenInfo', SpecSource.GetNewAccessTokenResponse, warn);
  const expiry = info['AccessTokenExpiry'];
  if (expiry === undefined) return;
  if (typeof expiry !== 'number' || !Number.isInteger(expiry)) {
    return warn(
      SpecRule.PropertyType,
      'error',
      `AccessTokenExpiry is ${JSON.stringify(expiry)}; it must be a long (milliseconds since the epoch).`,
      SpecSource.GetNewAccessTokenResponse,
      SpecSource.NotesUnits,
    );
  }
  const time = Date.parse(entry.time);
  // Spec: 0 means unknown; anything else is an instant in milliseconds, as access_token_ttl.
  if (expiry === 0 || plausibleEpochMs(expiry, time)) return;
  if (looksLikeEpochSeconds(expiry, time)) {
    warn(
      SpecRule.AccessTokenExpirySeconds,
      'error',
      `AccessTokenExpiry ${expiry} looks like seconds since the epoch (${new Date(expiry * 1000).toISOString()}); it must be milliseconds (${expiry * 1000}).`,
      SpecSource.GetNewAccessTokenResponse,
      SpecSource.NotesUnits,
    );
  } else {
    warn(
      SpecRule.AccessTokenExpiryImplausible,
      'error',
      `AccessTokenExpiry ${expiry} is not within ten years of the request in milliseconds since the epoch.`,
      SpecSource.GetNewAccessTokenResponse,
      SpecSource.NotesUnits,
    );
  }
}

function containerPointer(pointer: Json | undefined, path: string, source: string, warn: Warn): void {
  if (!pointer) return warn(SpecRule.MissingProperty, 'error', `The answer has no ${path} object; it is required.`, source);
  missing(pointer, ['Url', 'Name'], path, source, warn);
}

function mobileRequired(body: Json, what: string, warn: Warn): void {
  for (const key of ['IsEduUser', 'LicenseCheckForEditIsEnabled']) {
    if (typeof body[key] !== 'boolean')
      warn(
        SpecRule.MobileRequiredProperty,
        'error',
        `${what} has no boolean ${key}; Office mobile requires it.`,
        SpecSource.NotesMobileRequired,
        SpecSource.NotesPitfalls,
      );
  }
}

function officeNames(body: Json, keys: string[], what: string, warn: Warn): void {
  for (const key of keys) {
    const value = body[key];
    if (typeof value === 'string' && officeSafeName(value) !== value) {
      warn(
        SpecRule.OfficeInvalidCharacters,
        'error',
        `${what}.${key} "${value}" contains characters Office for iOS cannot load (\\ / : * ? " < > | # { } ^ [ ] \` %).`,
        SpecSource.NotesCheckFileInfo,
      );
    }
  }
}

function missing(body: Json, keys: string[], what: string, source: string, warn: Warn): void {
  const absent = keys.filter((k) => body[k] === undefined || body[k] === null);
  if (absent.length > 0)
    warn(
      SpecRule.MissingProperty,
      'error',
      `${what} lacks the required ${absent.length === 1 ? 'property' : 'properties'} ${absent.join(', ')}.`,
      source,
    );
}

const lockConflictOperations: ReadonlySet<OperationName> = new Set([
  Operation.Lock,
  Operation.Unlock,
  Operation.RefreshLock,
  Operation.UnlockAndRelock,
  Operation.PutFile,
]);
const itemVersionOperations: ReadonlySet<OperationName> = new Set([Operation.Lock, Operation.Unlock, Operation.PutFile]);

function lockRules(entry: LogEntry, warn: Warn): void {
  const lock = headerValue(entry.responseHeaders, 'x-wopi-lock');
  if (
    entry.status === 200 &&
    itemVersionOperations.has(entry.operation) &&
    headerValue(entry.responseHeaders, 'x-wopi-itemversion') === undefined
  ) {
    warn(
      SpecRule.ItemVersionMissing,
      'error',
      `${entry.operation} answered 200 without X-WOPI-ItemVersion; Office mobile requires it on PutFile, Lock and Unlock.`,
      SpecSource.NotesMobileRequired,
    );
  }
  if (entry.status === 200 && entry.operation === Operation.GetLock && lock === undefined) {
    warn(
      SpecRule.LockHeaderMissing,
      'error',
      'GetLock answered 200 without X-WOPI-Lock; it must always be sent (empty when the file is unlocked).',
      SpecSource.NotesCheatSheet,
      SpecSource.NotesPitfalls,
    );
  }
  if (entry.status === 409 && lockConflictOperations.has(entry.operation) && lock === undefined) {
    warn(
      SpecRule.LockHeaderMissing,
      'error',
      `${entry.operation} answered 409 without X-WOPI-Lock; a lock conflict must name the current lock ("" when unlocked).`,
      SpecSource.NotesCheatSheet,
      SpecSource.NotesPitfalls,
    );
  }
  if (entry.status === 200 && lockConflictOperations.has(entry.operation) && lock !== undefined) {
    warn(
      SpecRule.LockHeaderOnSuccess,
      'warning',
      `${entry.operation} answered 200 with X-WOPI-Lock; the header should only be sent on 200 by GetLock.`,
      SpecSource.NotesCheatSheet,
    );
  }
}

function object(parent: Json | undefined, key: string): Json | undefined {
  const value = parent?.[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function insightOf(token: string, nowMs: number): TokenInsight | undefined {
  const decoded = decodeToken(token, Number.isFinite(nowMs) ? nowMs : 0);
  return decoded.ok ? decoded.insight : undefined;
}

function plausibleEpochMs(value: number, aroundMs: number): boolean {
  const around = Number.isFinite(aroundMs) ? aroundMs : Date.now();
  return Math.abs(value - around) <= tenYearsMs;
}

function looksLikeEpochSeconds(value: number, aroundMs: number): boolean {
  return Number.isFinite(value) && plausibleEpochMs(value * 1000, aroundMs);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
