import { challengeProblems, decodeUrlSchemes, parseChallenge, urlSchemePlatforms } from '../../protocol/challenge.js';
import { bootstrapperOperations } from '../../protocol/classify.js';
import { WopiHeader } from '../../protocol/headers.js';
import { Operation } from '../../protocol/operations.js';
import type { HeaderLine } from '../../log/entry.js';
import type { RuleId } from '../rulebook.js';
import { headerValue } from '../token-insight.js';
import type { ExchangeCheck, Report } from './check.js';

// Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/bootstrapper/bootstrap#www-authenticate-response-header-format

/** The challenge parameters the spec defines, in its casing (clients look them up case-sensitively). */
const challengeParameters = ['authorization_uri', 'tokenIssuance_uri', 'providerId', 'UrlSchemes'] as const;

const challengeRules: readonly RuleId[] = [
  'challenge-missing',
  'challenge-not-single',
  'challenge-unparseable',
  'challenge-scheme-casing',
  'challenge-trailing-comma',
  'challenge-parameter-casing',
  'challenge-unknown-parameter',
  'challenge-duplicate-parameter',
  'challenge-unquoted-value',
  'challenge-missing-parameter',
  'challenge-unsafe-value',
  'challenge-uri-not-https',
  'provider-id-characters',
  'url-schemes-not-encoded',
  'url-schemes-shape',
  'url-schemes-platform',
  'url-schemes-android-triples',
];

export function bearerChallenges(headers: readonly HeaderLine[]): HeaderLine[] {
  return headers.filter((h) => h.name.toLowerCase() === 'www-authenticate' && /^\s*bearer\b/i.test(h.value));
}

const formatRules = challengeRules.filter((rule) => rule !== 'challenge-missing');

/**
 * The bootstrapper's Bearer challenge, in the form Office's parser reads: required on a 401, and
 * held to the same format wherever else a host sends it.
 */
export const challenge401: ExchangeCheck = {
  name: 'bootstrapper challenge',
  rulesFor: (entry) =>
    !bootstrapperOperations.has(entry.operation)
      ? []
      : entry.status === 401
        ? challengeRules
        : bearerChallenges(entry.responseHeaders).length > 0
          ? formatRules
          : [],
  check(entry, report) {
    const challenges = bearerChallenges(entry.responseHeaders);
    if (challenges.length === 0) {
      if (entry.status !== 401) return;
      return report(
        'challenge-missing',
        '401 from the bootstrapper without a WWW-Authenticate: Bearer challenge; the client cannot learn where to sign in.',
      );
    }
    if (challenges.length > 1) {
      return report(
        'challenge-not-single',
        `The ${entry.status} carries ${challenges.length} WWW-Authenticate headers with the Bearer qualifier; there must be exactly one.`,
      );
    }
    checkChallenge(challenges[0]!.value, report);
  },
};

/** Bootstrapper answers other than 401: no challenge, shortcuts answered, WopiSrc required. */
export const bootstrapperAnswers: ExchangeCheck = {
  name: 'bootstrapper answers',
  rulesFor: (entry) => {
    if (!bootstrapperOperations.has(entry.operation) || entry.status === 401 || entry.status === 0) return [];
    return entry.operation === Operation.GetNewAccessToken
      ? ['challenge-on-non-401', 'wopi-src-missing', 'wopi-src-not-found']
      : entry.operation === Operation.Bootstrap
        ? ['challenge-on-non-401', 'shortcut-not-implemented']
        : ['challenge-on-non-401'];
  },
  check(entry, report) {
    if (bearerChallenges(entry.responseHeaders).length > 0) {
      report('challenge-on-non-401', `A ${entry.status} answer carries a WWW-Authenticate Bearer challenge; it belongs only on a 401.`);
    }
    const operation = headerValue(entry.requestHeaders, WopiHeader.EcosystemOperation);
    if (entry.operation === Operation.Bootstrap && entry.status === 501 && operation !== undefined) {
      report(
        'shortcut-not-implemented',
        `X-WOPI-EcosystemOperation ${JSON.stringify(operation)} was answered 501; the spec says a host that does not implement a shortcut answers it as a plain Bootstrap.`,
      );
    }
    if (entry.operation !== Operation.GetNewAccessToken) return;
    const wopiSrc = headerValue(entry.requestHeaders, WopiHeader.WopiSrc);
    if (wopiSrc === undefined) report('wopi-src-missing', 'GetNewAccessToken was sent without the X-WOPI-WopiSrc header.');
    // Spec (GetNewAccessToken): "If not, or if the X-WOPI-WopiSrc header is not present, the host should return a 404 Not Found".
    if ((wopiSrc === undefined || !URL.canParse(wopiSrc.trim())) && entry.status !== 404) {
      report(
        'wopi-src-not-found',
        `GetNewAccessToken with ${wopiSrc === undefined ? 'no X-WOPI-WopiSrc' : 'an X-WOPI-WopiSrc that is not a URL'} was answered ${entry.status}; the host should answer 404 Not Found.`,
      );
    }
  },
};

function checkChallenge(header: string, report: Report): void {
  const parsed = parseChallenge(header);
  if (!parsed) {
    report('challenge-unparseable', `The WWW-Authenticate value cannot be split into name="value" parameters: ${header}`);
    // Raw JSON in UrlSchemes is the usual reason: its quotes and commas end the quoted value early.
    if (/UrlSchemes\s*=\s*"?\s*[{[]/i.test(header)) {
      report('url-schemes-not-encoded', 'UrlSchemes carries raw JSON; the value itself must be URL encoded.');
    }
    return;
  }
  if (parsed.scheme !== 'Bearer')
    report('challenge-scheme-casing', `The scheme is written "${parsed.scheme}"; clients look for "Bearer" exactly.`);
  // Spec: "no comma after the trailing parameter/value pair".
  if (/,\s*$/.test(header))
    report('challenge-trailing-comma', 'The challenge ends with a comma; there must be no comma after the last parameter.');
  const seen = new Set<string>();
  for (const [name] of parsed.ordered) {
    if (seen.has(name)) report('challenge-duplicate-parameter', `The parameter ${name} appears more than once.`);
    seen.add(name);
    const known = challengeParameters.find((p) => p.toLowerCase() === name.toLowerCase());
    if (known !== undefined && known !== name) {
      report(
        'challenge-parameter-casing',
        `The parameter is named "${name}"; it must be "${known}" (clients look names up case-sensitively).`,
      );
    } else if (known === undefined) {
      report(
        'challenge-unknown-parameter',
        `The parameter ${name} is not one the WOPI docs define; Office is not known to read it, and naive parsers may trip over it.`,
      );
    }
    // Spec: "Values are contained within double-quotes".
    if (!new RegExp(`(?:^|[\\s,])${escapeRegExp(name)}\\s*=\\s*"`).test(header)) {
      report('challenge-unquoted-value', `The value of ${name} is not in double quotes.`);
    }
  }

  const { params } = parsed;
  for (const required of ['authorization_uri', 'tokenIssuance_uri'] as const) {
    const value = params[required];
    if (value === undefined || value === '') report('challenge-missing-parameter', `The challenge has no ${required}; it is required.`);
    else if (!/^https:\/\/[^/]/i.test(value)) report('challenge-uri-not-https', `${required} "${value}" is not an absolute https:// URL.`);
  }
  for (const problem of challengeProblems({
    authorizationUri: params['authorization_uri'] ?? '',
    tokenIssuanceUri: params['tokenIssuance_uri'] ?? '',
    providerId: params['providerId'],
  })) {
    report('challenge-unsafe-value', `${problem}.`);
  }
  const providerId = params['providerId'];
  // Spec: providerId "Allowed characters: [a-z, A-Z, 0-9]", though the spec's own sample is tp_contoso.
  if (providerId !== undefined && !/^[A-Za-z0-9]+$/.test(providerId)) {
    report(
      'provider-id-characters',
      `providerId "${providerId}" has characters outside [A-Za-z0-9] (the spec allows only those, though its own sample is tp_contoso).`,
    );
  }
  const schemes = params['UrlSchemes'];
  if (schemes !== undefined) checkUrlSchemes(schemes, report);
}

function checkUrlSchemes(value: string, report: Report): void {
  const decoded = decodeUrlSchemes(value);
  // Spec: "The value itself must be URL encoded".
  if (/[{}[\]":,\s]/.test(value) || decoded === null) {
    return report('url-schemes-not-encoded', 'UrlSchemes is not percent-encoded JSON; the value itself must be URL encoded.');
  }
  for (const [platform, list] of Object.entries(decoded)) {
    if (!(urlSchemePlatforms as readonly string[]).includes(platform)) {
      report('url-schemes-platform', `UrlSchemes names the platform "${platform}"; Office knows ${urlSchemePlatforms.join(', ')}.`);
    } else if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) {
      report('url-schemes-shape', `UrlSchemes.${platform} is not an ordered list of strings.`);
    } else if (platform === 'Android' && list.length % 3 !== 0) {
      report(
        'url-schemes-android-triples',
        `UrlSchemes.Android has ${list.length} entries; Android entries are triples (version code, package, auth activity).`,
      );
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
