import { Operation } from '../../protocol/operations.js';
import { headerValue } from '../token-insight.js';
import type { ExchangeCheck } from './check.js';
import { jsonAnswers } from './json-answer.js';

// Spec: RFC 6749 §5.1, and the token issuance page of the Microsoft 365 for mobile docs.

const body = jsonAnswers(
  'token response body',
  new Map([
    [
      Operation.Token,
      {
        contentTypeRule: 'token-response-json',
        rules: ['token-response-fields', 'expires-in-not-number', 'token-response-refresh-token'],
        check(body, _entry, report) {
          const missingFields = ['access_token', 'token_type'].filter((k) => typeof body[k] !== 'string' || body[k] === '');
          if (missingFields.length > 0) report('token-response-fields', `The token response lacks ${missingFields.join(' and ')}.`);
          const tokenType = body['token_type'];
          // Spec: RFC 6749 §7.1: the type is matched case-insensitively.
          if (typeof tokenType === 'string' && tokenType !== '' && tokenType.toLowerCase() !== 'bearer') {
            report('token-response-fields', `token_type is "${tokenType}"; Office and the bootstrapper expect a bearer token.`);
          }
          if (!('expires_in' in body)) {
            report('expires-in-not-number', 'The token response has no expires_in; clients then cannot know when to refresh.');
          } else if (typeof body['expires_in'] !== 'number') {
            report(
              'expires-in-not-number',
              `expires_in is ${JSON.stringify(body['expires_in'])}, not a JSON number; clients such as WOPIAuth then treat the token as never expiring.`,
            );
          }
          if (typeof body['refresh_token'] !== 'string' || body['refresh_token'] === '') {
            report(
              'token-response-refresh-token',
              'The token response has no refresh_token; Office has to send the user through sign-in again when the access token expires.',
            );
          }
        },
      },
    ],
  ]),
);

/** The token endpoint's answers: the body, and the cache headers RFC 6749 requires of anything carrying tokens. */
export const tokenResponse: ExchangeCheck = {
  name: 'token response',
  rulesFor: (entry) =>
    entry.operation === Operation.Token && entry.status === 200 ? [...body.rulesFor(entry), 'token-response-no-store'] : [],
  check(entry, report) {
    if (entry.operation !== Operation.Token || entry.status !== 200) return;
    body.check(entry, report);
    const cacheControl = headerValue(entry.responseHeaders, 'cache-control') ?? '';
    // Spec: RFC 6749 §5.1: "Cache-Control header field with a value of no-store" on any response with tokens.
    if (!/(?:^|,)\s*no-store\s*(?:,|$)/i.test(cacheControl)) {
      report(
        'token-response-no-store',
        `The token response has Cache-Control "${cacheControl}"; it must be "no-store", so no cache keeps the tokens.`,
      );
    }
  },
};
