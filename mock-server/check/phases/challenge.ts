import { bearerChallenges } from '../../analysis/exchange/challenge.js';
import { parseChallenge } from '../../protocol/challenge.js';
import { EcosystemOperation } from '../../protocol/headers.js';
import { Operation } from '../../protocol/operations.js';
import { epochMsToSeconds } from '../../protocol/time.js';
import type { Exchange } from '../client.js';
import { HostUnreachable, type CheckRun } from '../run.js';

const ecosystemOperationHeader = 'X-WOPI-EcosystemOperation';

/** A JWT that expired an hour ago, unsigned: what a client holding a stale token sends. */
function expiredLookingToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = epochMsToSeconds(Date.now());
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'someone', iat: now - 7200, exp: now - 3600 })}.c2lnbmF0dXJl`;
}

/**
 * A challenge parameter found however it is written: in any case, and even when the challenge as a
 * whole cannot be parsed (raw JSON in UrlSchemes). Each of those is reported by its own rule; the
 * checker still goes on to the sign-in, so the rest of the host gets checked too.
 */
function leniently(header: string, name: string): string | undefined {
  const parsed = parseChallenge(header);
  const found = parsed ? Object.entries(parsed.params).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] : undefined;
  return found ?? new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`, 'i').exec(header)?.[1];
}

function hasBearerChallenge(exchange: Exchange): boolean {
  return bearerChallenges(exchange.entry.responseHeaders).length > 0;
}

/**
 * The unauthenticated challenge, as Office's parser reads it, and the answers to the credentials
 * a stale or confused client sends. The format rules come from the spec check of each exchange.
 */
export async function challengePhase(run: CheckRun): Promise<void> {
  const { ledger } = run;
  const bootstrap = { operation: Operation.Bootstrap, method: 'GET', url: run.bootstrapperUrl } as const;

  const first = await run.send(bootstrap, 'challenge-status');
  if (!first) throw new HostUnreachable(`the bootstrapper at ${run.bootstrapperUrl} did not answer`);
  ledger.expect('challenge-status', first.status === 401, `GET without credentials answered ${first.status}; it must be 401.`, first.entry);
  const challenge = bearerChallenges(first.entry.responseHeaders)[0];
  if (challenge) {
    const authorizationUri = leniently(challenge.value, 'authorization_uri');
    const tokenIssuanceUri = leniently(challenge.value, 'tokenIssuance_uri');
    if (authorizationUri) run.found.authorizationUri = authorizationUri;
    if (tokenIssuanceUri) run.found.tokenIssuanceUri = tokenIssuanceUri;
  }

  const probes: Array<[string, string]> = [
    ['a blank Authorization header', ''],
    ['a garbled Authorization header', 'garbage'],
    ['Basic credentials', `Basic ${Buffer.from('user:password').toString('base64')}`],
    ['an expired-looking Bearer token', `Bearer ${expiredLookingToken()}`],
  ];
  for (const [what, value] of probes) {
    const answer = await run.send({ ...bootstrap, headers: [['Authorization', value]] }, 'challenge-bad-credentials');
    if (!answer) continue;
    ledger.expect(
      'challenge-bad-credentials',
      answer.status === 401 && hasBearerChallenge(answer),
      `Bootstrap with ${what} answered ${answer.status}${answer.status === 401 ? ' without a Bearer challenge' : ''}; it must be 401 with the challenge, so the client starts a sign-in.`,
      answer.entry,
    );
  }

  const exchangeForToken = await run.send(
    {
      operation: Operation.GetNewAccessToken,
      method: 'POST',
      url: run.bootstrapperUrl,
      headers: [[ecosystemOperationHeader, EcosystemOperation.GetNewAccessToken]],
    },
    'challenge-get-new-access-token',
  );
  if (exchangeForToken) {
    ledger.expect(
      'challenge-get-new-access-token',
      exchangeForToken.status === 401 && hasBearerChallenge(exchangeForToken),
      `GET_NEW_ACCESS_TOKEN without a token answered ${exchangeForToken.status}${exchangeForToken.status === 401 ? ' without a Bearer challenge' : ''}; it must be 401 with the challenge.`,
      exchangeForToken.entry,
    );
  }
}
