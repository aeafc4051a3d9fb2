import { bootstrapperOperations } from '../../protocol/classify.js';
import type { LogEntry } from '../../log/entry.js';
import { bearerToken, insightOf, queryOf } from '../token-insight.js';
import { looksLikeEpochSeconds, plausibleEpochMs, type ExchangeCheck } from './check.js';

/** Which token a request carried, and where: the OAuth token at the bootstrapper, WOPI tokens in WOPI URLs. */
export const requestTokens: ExchangeCheck = {
  name: 'request tokens',
  rulesFor: (entry) =>
    bootstrapperOperations.has(entry.operation)
      ? ['wopi-token-at-bootstrapper']
      : isWopiEndpoint(entry)
        ? ['wopi-token-in-header', 'oauth-token-at-wopi-endpoint', 'access-token-ttl-not-ms']
        : [],
  check(entry, report) {
    const bearer = bearerToken(entry);
    const time = Date.parse(entry.time);
    if (bootstrapperOperations.has(entry.operation)) {
      if (bearer !== undefined && insightOf(bearer, time)?.kind === 'wopi') {
        report(
          'wopi-token-at-bootstrapper',
          'The Authorization header carries a WOPI access token; the bootstrapper expects the OAuth 2.0 access token from the token endpoint.',
        );
      }
      return;
    }
    if (!isWopiEndpoint(entry)) return;
    const query = queryOf(entry.url);
    const queryToken = query?.get('access_token') ?? null;
    if (queryToken === null && bearer !== undefined) {
      report(
        'wopi-token-in-header',
        'The WOPI access token came only in the Authorization header; WOPI URLs carry it in the access_token query parameter, which is where hosts are expected to read it.',
      );
    }
    const wopiToken = queryToken ?? bearer;
    const kind = wopiToken !== undefined && wopiToken !== null ? insightOf(wopiToken, time)?.kind : undefined;
    if (kind === 'access' || kind === 'refresh' || kind === 'code') {
      report(
        'oauth-token-at-wopi-endpoint',
        `A WOPI endpoint was called with an OAuth ${kind} token; WOPI endpoints take the WOPI access token that Bootstrap's EcosystemUrl and the child URLs carry.`,
      );
    }
    const ttl = query?.get('access_token_ttl');
    // Spec: access_token_ttl is an expiry instant in ms since the epoch, 0 meaning unknown.
    if (ttl !== null && ttl !== undefined && ttl !== '0') {
      const value = Number(ttl);
      if (!Number.isFinite(value) || !plausibleEpochMs(value, time)) {
        report(
          'access-token-ttl-not-ms',
          `access_token_ttl=${ttl} is not an expiry instant in milliseconds since the epoch${looksLikeEpochSeconds(value, time) ? ' (it looks like seconds)' : ''}; despite its name it is not a duration, and 0 means unknown.`,
        );
      }
    }
  },
};

function isWopiEndpoint(entry: LogEntry): boolean {
  return /^\/wopi\//.test(entry.url);
}
