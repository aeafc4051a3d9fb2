import { Operation, type OperationName } from '../../protocol/operations.js';
import { epochSecondsToMs } from '../../protocol/time.js';
import type { LogEntry } from '../../log/entry.js';
import type { RuleId } from '../rulebook.js';
import { bearerToken, insightOf, queryOf } from '../token-insight.js';
import { looksLikeEpochSeconds, missing, object, plausibleEpochMs, type Json, type Report } from './check.js';
import { jsonAnswers, type JsonAnswerRules } from './json-answer.js';

// Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/bootstrapper/bootstrap#authenticated-response

const bootstrapRules: readonly RuleId[] = [
  'missing-property',
  'property-type',
  'ecosystem-url-without-token',
  'ecosystem-url-not-https',
  'ecosystem-url-oauth-token',
  'ecosystem-url-trailing-slash',
];

const table = new Map<OperationName, JsonAnswerRules>([
  [
    Operation.Bootstrap,
    {
      rules: [...bootstrapRules, 'null-properties'],
      check(body, entry, report) {
        if (!bootstrapObject(body, entry, report)) return;
        const nulls = ['RootContainerInfo', 'AccessTokenInfo'].filter((k) => k in body && body[k] === null);
        if (nulls.length > 0) report('null-properties', `A plain Bootstrap answer carries ${nulls.join(' and ')} as null; leave them out.`);
      },
    },
  ],
  [
    Operation.GetNewAccessToken,
    {
      rules: [...bootstrapRules, 'access-token-expiry-seconds', 'access-token-expiry-implausible'],
      check(body, entry, report) {
        bootstrapObject(body, entry, report);
        accessTokenInfo(body, entry, report);
      },
    },
  ],
  [
    Operation.GetRootContainerBootstrapper,
    {
      rules: [...bootstrapRules, 'root-container-missing'],
      check(body, entry, report) {
        bootstrapObject(body, entry, report);
        const pointer = object(object(body, 'RootContainerInfo'), 'ContainerPointer');
        if (!pointer) {
          report(
            'root-container-missing',
            'GET_ROOT_CONTAINER was answered without RootContainerInfo.ContainerPointer (a plain Bootstrap answer?); Office for iOS requires the shortcut to start browsing.',
          );
        } else missing(pointer, ['Url', 'Name'], 'RootContainerInfo.ContainerPointer', report);
      },
    },
  ],
]);

export const bootstrapperBodies = jsonAnswers('bootstrapper answers', table);

/** The `Bootstrap` object every bootstrapper 200 carries; false when it is missing. */
function bootstrapObject(body: Json, entry: LogEntry, report: Report): boolean {
  const bootstrap = object(body, 'Bootstrap');
  if (!bootstrap) {
    report('missing-property', 'The answer has no Bootstrap object; the response must include a single Bootstrap property.');
    return false;
  }
  missing(bootstrap, ['EcosystemUrl', 'UserId', 'SignInName'], 'Bootstrap', report);
  const ecosystemUrl = bootstrap['EcosystemUrl'];
  if (ecosystemUrl !== undefined && ecosystemUrl !== null && typeof ecosystemUrl !== 'string') {
    report('property-type', `Bootstrap.EcosystemUrl is ${JSON.stringify(ecosystemUrl)}; it must be a string URL.`);
  }
  if (typeof ecosystemUrl !== 'string') return true;
  let url: URL;
  try {
    url = new URL(ecosystemUrl);
  } catch {
    report('ecosystem-url-not-https', 'Bootstrap.EcosystemUrl is not an absolute URL.');
    return true;
  }
  if (url.protocol !== 'https:') report('ecosystem-url-not-https', `Bootstrap.EcosystemUrl uses ${url.protocol.slice(0, -1)}, not https.`);
  const token = queryOf(ecosystemUrl)?.get('access_token');
  if (!token) {
    report('ecosystem-url-without-token', 'Bootstrap.EcosystemUrl carries no access_token; it must have a WOPI access token appended.');
  } else {
    const kind = insightOf(token, Date.parse(entry.time))?.kind;
    if (token === bearerToken(entry) || kind === 'access' || kind === 'refresh') {
      report(
        'ecosystem-url-oauth-token',
        'Bootstrap.EcosystemUrl carries the OAuth token; it must carry a WOPI access token, which clients replay against /wopi/*.',
      );
    }
  }
  if (url.pathname.endsWith('/')) {
    report(
      'ecosystem-url-trailing-slash',
      'Bootstrap.EcosystemUrl ends in "/"; clients append /root_container_pointer to its path, which would give "//".',
    );
  }
  return true;
}

function accessTokenInfo(body: Json, entry: LogEntry, report: Report): void {
  const info = object(body, 'AccessTokenInfo');
  if (!info) return report('missing-property', 'The answer has no AccessTokenInfo object; it is required.');
  missing(info, ['AccessToken', 'AccessTokenExpiry'], 'AccessTokenInfo', report);
  const expiry = info['AccessTokenExpiry'];
  if (expiry === undefined || expiry === null) return;
  if (typeof expiry !== 'number' || !Number.isInteger(expiry)) {
    return report('property-type', `AccessTokenExpiry is ${JSON.stringify(expiry)}; it must be a long (milliseconds since the epoch).`);
  }
  const time = Date.parse(entry.time);
  // Spec: AccessTokenExpiry is defined as access_token_ttl: 0 means unknown, anything else an instant in ms.
  if (expiry === 0 || plausibleEpochMs(expiry, time)) return;
  if (looksLikeEpochSeconds(expiry, time)) {
    report(
      'access-token-expiry-seconds',
      `AccessTokenExpiry ${expiry} looks like seconds since the epoch (${new Date(epochSecondsToMs(expiry)).toISOString()}); it must be milliseconds (${epochSecondsToMs(expiry)}).`,
    );
  } else {
    report(
      'access-token-expiry-implausible',
      `AccessTokenExpiry ${expiry} is not within ten years of the request in milliseconds since the epoch.`,
    );
  }
}
