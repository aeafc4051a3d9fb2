import { randomBytes } from 'node:crypto';
import type { RuleId } from '../../analysis/rulebook.js';
import { Operation } from '../../protocol/operations.js';
import type { Exchange } from '../client.js';
import type { ClientCredentials } from '../options.js';
import { asObject, type CheckRun } from '../run.js';
import { redirectParameters, signIn, SignInError } from '../sign-in.js';

const signInRules: readonly RuleId[] = ['authorize-accepts-office-parameters', 'authorize-redirect'];
const tokenRules: readonly RuleId[] = [
  'token-response-status',
  'token-response-json',
  'token-response-fields',
  'expires-in-not-number',
  'token-response-refresh-token',
  'token-response-no-store',
  'token-client-secret-basic',
];
const probeRules: readonly RuleId[] = ['oauth-code-replay', 'oauth-redirect-uri-mismatch', 'oauth-wrong-secret'];
const refreshRules: readonly RuleId[] = ['oauth-refresh', 'oauth-refresh-rotation'];

/** A token request, with the client authenticated the way the options say (RFC 6749 §2.3.1). */
function tokenRequest(run: CheckRun, client: ClientCredentials, fields: Array<[string, string]>, secret = client.clientSecret) {
  const form: Array<[string, string]> = [...fields];
  const headers: Array<[string, string]> = [];
  if (client.auth === 'basic') {
    const encode = (value: string) => encodeURIComponent(value);
    headers.push(['Authorization', `Basic ${Buffer.from(`${encode(client.clientId)}:${encode(secret)}`).toString('base64')}`]);
  } else form.push(['client_id', client.clientId], ['client_secret', secret]);
  return { operation: Operation.Token, method: 'POST' as const, url: run.found.tokenIssuanceUri!, form, headers };
}

function oauthError(exchange: Exchange): string | undefined {
  const error = asObject(exchange.json())?.['error'];
  return typeof error === 'string' ? error : undefined;
}

/** Keeps the tokens of a successful token response; false when there are none. */
function takeTokens(run: CheckRun, exchange: Exchange): boolean {
  const body = asObject(exchange.json());
  const access = body?.['access_token'];
  if (exchange.status !== 200 || typeof access !== 'string' || access === '') return false;
  run.found.accessToken = access;
  run.redactor.add(access);
  const refresh = body?.['refresh_token'];
  if (typeof refresh === 'string' && refresh !== '') {
    run.found.refreshToken = refresh;
    run.redactor.add(refresh);
  }
  return true;
}

/** Signs in once more and gives the code, or a reason why not (only an unattended sign-in can repeat). */
async function anotherCode(run: CheckRun, client: ClientCredentials): Promise<{ code: string; redirectUri: string } | string> {
  if (run.options.signIn !== 'form') return 'needs a second sign-in, which only --sign-in form can do unattended';
  try {
    const state = randomBytes(8).toString('hex');
    const result = await signIn(run, run.found.authorizationUri!, client.clientId, state);
    const code = new Map(redirectParameters(result.redirectedTo)).get('code');
    if (!code) return 'the second sign-in gave no code';
    run.redactor.add(code);
    return { code, redirectUri: result.redirectUri };
  } catch (error) {
    return `the second sign-in failed: ${(error as Error).message}`;
  }
}

/**
 * Office's sign-in as its identity service runs it: the authorization request with Office's
 * parameters, the code exchange, and a refresh. Negative probes and the old refresh token's fate
 * are left for the end of the run, because a host may rightly revoke tokens when it sees them.
 */
export async function oauthPhase(run: CheckRun): Promise<void> {
  const { ledger, options, found } = run;
  const client = options.client;
  if (options.signIn === 'given') {
    const reason = 'an access token was given (--access-token); no sign-in ran';
    ledger.skip([...signInRules, ...tokenRules, ...probeRules], reason);
    if (options.accessToken) found.accessToken = options.accessToken;
    else found.noAccessToken = 'no access token was given and no sign-in was asked for';
    if (options.refreshToken && client && found.tokenIssuanceUri) {
      found.refreshToken = options.refreshToken;
      await refresh(run, client);
    } else
      ledger.skip(refreshRules, options.refreshToken ? 'no client id and secret, or no tokenIssuance_uri' : 'no refresh token was given');
    return;
  }
  const missing = !found.authorizationUri
    ? 'the challenge named no authorization_uri'
    : !found.tokenIssuanceUri
      ? 'the challenge named no tokenIssuance_uri'
      : !client
        ? 'no OAuth client was given (--client-id and --client-secret)'
        : undefined;
  if (missing || !client) {
    ledger.skip([...signInRules, ...tokenRules, ...probeRules, ...refreshRules], missing ?? '');
    found.noAccessToken = `no sign-in could run: ${missing}`;
    return;
  }

  const state = randomBytes(12).toString('hex');
  let redirectedTo: string;
  let redirectUri: string;
  try {
    ({ redirectedTo, redirectUri } = await signIn(run, found.authorizationUri!, client.clientId, state));
  } catch (error) {
    if (!(error instanceof SignInError)) throw error;
    ledger.broken('authorize-accepts-office-parameters', `The sign-in did not finish: ${error.message}`);
    ledger.skip([...tokenRules, ...probeRules, ...refreshRules], 'the sign-in did not finish');
    found.noAccessToken = `the sign-in did not finish: ${error.message}`;
    return;
  }
  const params = redirectParameters(redirectedTo);
  const byName = new Map(params);
  const redirect = run.redactor.redact(redirectedTo);
  const error = byName.get('error');
  ledger.expect(
    'authorize-accepts-office-parameters',
    error === undefined,
    `The sign-in redirected with error=${error} (${byName.get('error_description') ?? 'no description'}) to Office's authorization request.`,
    undefined,
    redirect,
  );
  const code = byName.get('code');
  run.redactor.add(code);
  const miscased = params.map(([name]) => name).filter((name) => /^(code|state)$/i.test(name) && name !== name.toLowerCase());
  ledger.expect(
    'authorize-redirect',
    code !== undefined && byName.get('state') === state && miscased.length === 0,
    code === undefined
      ? `The redirect carries no code${miscased.length > 0 ? ` (it has ${miscased.join(', ')}: names must be lower case)` : ''}.`
      : miscased.length > 0
        ? `The redirect names ${miscased.join(', ')}; Office reads only lower-case code and state.`
        : `The redirect's state is ${byName.has('state') ? 'not the one sent' : 'missing'}; it must echo the state of the request.`,
    undefined,
    redirect,
  );
  if (code === undefined) {
    ledger.skip([...tokenRules, ...probeRules, ...refreshRules], 'the sign-in gave no code');
    found.noAccessToken = 'the sign-in gave no code';
    return;
  }

  const redeem = (codeValue: string, uri: string, secret?: string) =>
    tokenRequest(
      run,
      client,
      [
        ['grant_type', 'authorization_code'],
        ['code', codeValue],
        ['redirect_uri', uri],
      ],
      secret,
    );
  const exchange = await run.send(redeem(code, redirectUri), 'token-response-status');
  if (
    !exchange ||
    !ledger.expect(
      'token-response-status',
      exchange.status === 200,
      `Redeeming a fresh code answered ${exchange.status}: ${exchange.text.slice(0, 200)}`,
      exchange.entry,
    ) ||
    !takeTokens(run, exchange)
  ) {
    ledger.skip([...probeRules, ...refreshRules], 'the code exchange gave no access token');
    found.noAccessToken = 'the code exchange gave no access token';
    return;
  }
  if (client.auth === 'basic') ledger.tried('token-client-secret-basic', exchange.entry, 'the code exchange authenticated with HTTP Basic');
  else ledger.skip(['token-client-secret-basic'], 'client_secret_basic is checked on request (--client-auth basic)');

  await refresh(run, client);

  if (options.gentle) {
    ledger.skip(probeRules, 'negative probes are off (--gentle)');
    return;
  }
  found.deferred.push(async () => {
    const replay = await run.send(redeem(code, redirectUri), 'oauth-code-replay');
    if (replay)
      ledger.expect(
        'oauth-code-replay',
        replay.status === 400 && oauthError(replay) === 'invalid_grant',
        `Redeeming the same code again answered ${replay.status} ${oauthError(replay) ?? ''}; it must be 400 invalid_grant.`,
        replay.entry,
      );
    const second = await anotherCode(run, client);
    if (typeof second === 'string') ledger.skip(['oauth-redirect-uri-mismatch'], second);
    else {
      const wrongUri = `${second.redirectUri.replace(/\/?$/, '')}/not-registered`;
      const mismatch = await run.send(redeem(second.code, wrongUri), 'oauth-redirect-uri-mismatch');
      if (mismatch)
        ledger.expect(
          'oauth-redirect-uri-mismatch',
          mismatch.status === 400 && oauthError(mismatch) === 'invalid_grant',
          `Redeeming a code with another redirect_uri answered ${mismatch.status} ${oauthError(mismatch) ?? ''}; it must be 400 invalid_grant.`,
          mismatch.entry,
        );
    }
    const wrongSecret = await run.send(
      tokenRequest(
        run,
        client,
        [
          ['grant_type', 'authorization_code'],
          ['code', 'not-a-code'],
          ['redirect_uri', redirectUri],
        ],
        `${client.clientSecret}-wrong`,
      ),
      'oauth-wrong-secret',
    );
    if (wrongSecret)
      ledger.expect(
        'oauth-wrong-secret',
        (wrongSecret.status === 401 || wrongSecret.status === 400) && oauthError(wrongSecret) === 'invalid_client',
        `A token request with a wrong client secret answered ${wrongSecret.status} ${oauthError(wrongSecret) ?? ''}; it must be invalid_client (401 or 400).`,
        wrongSecret.entry,
      );
  });
}

/** Refresh buys a working token; whether the refresh token rotates, and what the old one then does, is a finding. */
async function refresh(run: CheckRun, client: ClientCredentials): Promise<void> {
  const { ledger, found } = run;
  const old = found.refreshToken;
  if (old === undefined) return ledger.skip(refreshRules, 'the token response had no refresh_token');
  const refreshed = await run.send(
    tokenRequest(run, client, [
      ['grant_type', 'refresh_token'],
      ['refresh_token', old],
    ]),
    'oauth-refresh',
  );
  if (!refreshed) return;
  const previousAccess = found.accessToken;
  if (
    !ledger.expect(
      'oauth-refresh',
      takeTokens(run, refreshed),
      `Refreshing answered ${refreshed.status}: ${refreshed.text.slice(0, 200)}`,
      refreshed.entry,
    )
  ) {
    ledger.skip(['oauth-refresh-rotation'], 'the refresh failed');
    if (previousAccess) found.accessToken = previousAccess;
    return;
  }
  const works = await run.send(
    { operation: Operation.Bootstrap, method: 'GET', url: run.bootstrapperUrl, headers: run.bearer() },
    'oauth-refresh',
  );
  if (works)
    ledger.expect(
      'oauth-refresh',
      works.status === 200,
      `The refreshed access token got ${works.status} from the bootstrapper.`,
      works.entry,
    );
  const rotated = found.refreshToken !== old;
  if (!rotated) {
    ledger.broken(
      'oauth-refresh-rotation',
      'The host does not rotate refresh tokens: refresh answered with the same (or no new) refresh token.',
    );
    return;
  }
  found.deferred.push(async () => {
    const reuse = await run.send(
      tokenRequest(run, client, [
        ['grant_type', 'refresh_token'],
        ['refresh_token', old],
      ]),
      'oauth-refresh-rotation',
    );
    if (!reuse) return;
    const fate =
      reuse.status === 200
        ? 'still works after rotation (reuse allowed)'
        : `is refused after rotation (${reuse.status} ${oauthError(reuse) ?? ''})`;
    ledger.broken('oauth-refresh-rotation', `The host rotates refresh tokens; the old one ${fate}.`, reuse.entry);
  });
}
