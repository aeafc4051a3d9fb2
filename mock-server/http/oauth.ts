import type { Request, Response } from 'express';
import { OAuthErrorCode, oauthErrorBody } from '../protocol/oauth-errors.js';
import { parseBasicAuthorization } from '../protocol/authorization.js';
import { epochSecondsToMs, expiresInSeconds, secondsToMs } from '../protocol/time.js';
import { badRequest, oauthFailure } from '../errors.js';
import type { MockUser } from '../state/config-schema.js';
import type { Call, Handler } from './call.js';
import type { HostContext } from './context.js';
import { renderSignInPage } from './signin-page.js';
import { checkSessionContext, checkTokenEndpointChoice, signInExtras } from './session-context.js';
import { Route } from '../protocol/headers.js';
import { authenticate } from '../tokens/authenticate.js';
import { authorizationHeader } from './authorization-header.js';
import { safeEqual } from '../tokens/safe-equal.js';
import { isPkceValue, pkceMethod, pkceProblem, type PkceMethod } from '../protocol/pkce.js';
import { createHash } from 'node:crypto';

const s256 = (verifier: string) => createHash('sha256').update(verifier, 'ascii').digest('base64url');

// Spec: RFC 6749 §4.1 (authorization code grant) as Office mobile runs it (https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/mobile/scenarios/operational-flows).

type Params = Map<string, string>;

/** Office varies the case of its own parameters (`Build=`, `Platform=`); the OAuth ones are exact. */
function readParams(source: unknown): { params: Params; received: Array<[string, string]>; repeated: string[] } {
  const params: Params = new Map();
  const received: Array<[string, string]> = [];
  const repeated: string[] = [];
  for (const [name, value] of Object.entries((source ?? {}) as Record<string, unknown>)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.length > 1) repeated.push(name);
    for (const v of values) if (typeof v === 'string') received.push([name, v]);
    if (typeof values[0] === 'string') params.set(name, values[0]);
  }
  return { params, received, repeated };
}

/** Redirect URIs are compared as parsed URLs: scheme, host case and an empty path normalise; nothing else does. */
export function sameRedirectUri(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

const loopbackHosts = new Set(['127.0.0.1', '[::1]']);

/**
 * Whether a sent redirect URI is one of the registered ones. RFC 8252 §7.3: a registered loopback
 * URI without a port (`http://127.0.0.1/callback`) allows any port, since a native app or the host
 * checker listens on whatever port is free.
 */
export function redirectUriAllowed(registered: string, sent: string): boolean {
  if (sameRedirectUri(registered, sent)) return true;
  try {
    const allowed = new URL(registered);
    const actual = new URL(sent);
    if (allowed.protocol !== 'http:' || !loopbackHosts.has(allowed.hostname) || allowed.port !== '') return false;
    actual.port = '';
    return actual.href === allowed.href;
  } catch {
    return false;
  }
}

function redirectWith(redirectUri: string, values: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(values)) if (value !== undefined) url.searchParams.append(name, value);
  return url.href;
}

export function oauthHandlers(context: HostContext) {
  /** Checks client and redirect URI; failures here must not redirect (RFC 6749 §4.1.2.1). */
  function trustedRedirect(params: Params, repeated: string[]): string {
    const { clientId, redirectUris } = context.store.config.oauth;
    for (const name of ['client_id', 'redirect_uri', 'response_type', 'state']) {
      if (repeated.includes(name)) throw badRequest(`${name} was sent more than once`);
    }
    const clientIdSent = params.get('client_id');
    if (clientIdSent === undefined || clientIdSent === '') throw badRequest('client_id is missing');
    if (clientIdSent !== clientId) throw badRequest(`client_id "${clientIdSent}" is not the configured OAuth client`);
    const redirectUri = params.get('redirect_uri');
    if (redirectUri === undefined || redirectUri === '') {
      if (redirectUris.length === 1) return redirectUris[0]!;
      throw badRequest('redirect_uri is missing and more than one is configured');
    }
    if (!redirectUris.some((allowed) => redirectUriAllowed(allowed, redirectUri))) {
      throw badRequest(`redirect_uri "${redirectUri}" is not one of the configured redirect URIs`);
    }
    return redirectUri;
  }

  /** An error the client may see, sent back through the (already trusted) redirect. */
  function redirectError(
    res: Response,
    call: Call,
    redirectUri: string,
    error: string,
    description: string,
    state: string | undefined,
  ): void {
    call.notes.push(`${error}: ${description}`);
    res.redirect(302, redirectWith(redirectUri, { ...oauthErrorBody(error as OAuthErrorCode, description), state }));
  }

  const authorize: Handler = (req, res, call) => {
    const { params, received: sent, repeated } = readParams(req.method === 'POST' ? req.body : req.query);
    // The page echoes what it received, and the log keeps the page: a client secret sent here by mistake must not be in it.
    const received = sent.filter(([name]) => name !== 'client_secret');
    if (received.length < sent.length)
      call.notes.push('client_secret was sent to the authorization endpoint (it belongs only in the token request); not echoed');
    const redirectUri = trustedRedirect(params, repeated);
    const state = params.get('state');
    const { oauth } = context.store.config;
    const responseType = params.get('response_type');
    if (responseType === undefined && oauth.strict)
      return redirectError(
        res,
        call,
        redirectUri,
        OAuthErrorCode.InvalidRequest,
        'response_type is missing (oauth.strict); send response_type=code',
        state,
      );
    if (responseType === undefined) call.notes.push('response_type not sent; treated as code');
    else if (responseType !== 'code')
      return redirectError(
        res,
        call,
        redirectUri,
        OAuthErrorCode.UnsupportedResponseType,
        `response_type ${responseType} is not supported; use code`,
        state,
      );
    // Spec: RFC 7636 §4.3–4.4: a challenge is plain unless the method says S256; no other method exists.
    const challenge = params.get('code_challenge');
    const method = pkceMethod(params.get('code_challenge_method'));
    if (challenge === undefined && oauth.requirePkce)
      return redirectError(
        res,
        call,
        redirectUri,
        OAuthErrorCode.InvalidRequest,
        'code_challenge is required (oauth.requirePkce; RFC 7636)',
        state,
      );
    if (challenge !== undefined && method === null)
      return redirectError(
        res,
        call,
        redirectUri,
        OAuthErrorCode.InvalidRequest,
        'code_challenge_method must be S256 or plain (RFC 7636 section 4.3)',
        state,
      );
    if (challenge !== undefined && !isPkceValue(challenge))
      return redirectError(
        res,
        call,
        redirectUri,
        OAuthErrorCode.InvalidRequest,
        'code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 section 4.2)',
        state,
      );
    const pkce = challenge !== undefined && method !== null ? { cc: challenge, ccm: method } : {};

    if (req.method !== 'POST') {
      res.setHeader('Cache-Control', 'no-store');
      res.type('html').send(renderSignInPage({ providerId: context.store.config.providerId, users: context.store.config.users, received }));
      return;
    }
    if (params.get('action') === 'deny')
      return redirectError(res, call, redirectUri, OAuthErrorCode.AccessDenied, 'the user denied access', state);
    const userId = params.get('user');
    const user = userId === undefined ? undefined : context.store.findUser(userId);
    if (!user) {
      res
        .status(400)
        .type('html')
        .send(
          renderSignInPage({
            providerId: context.store.config.providerId,
            users: context.store.config.users,
            received,
            error: userId === undefined ? 'Choose a user to sign in as.' : `There is no mock user "${userId}".`,
          }),
        );
      call.notes.push(userId === undefined ? 'sign-in form sent without a user' : `sign-in as unknown user "${userId}"`);
      return;
    }
    return issueCode(res, call, user, redirectUri, state, { ...pkce, rus: params.has('redirect_uri') });
  };

  async function issueCode(
    res: Response,
    call: Call,
    user: MockUser,
    redirectUri: string,
    state: string | undefined,
    request: { cc?: string; ccm?: PkceMethod; rus: boolean },
  ): Promise<void> {
    const { config } = context.store;
    const { token } = await context.tokens.issue(
      'code',
      { userId: user.id, epoch: context.store.epochOf(user.id)! },
      { cid: config.oauth.clientId, ru: redirectUri, ...request },
      { ttlSeconds: config.tokenTtlSeconds.authorizationCode },
    );
    call.userId = user.id;
    res.redirect(302, redirectWith(redirectUri, { code: token, state, ...signInExtras(config, context.origin() + Route.Token) }));
  }

  /** RFC 6749 §2.3.1: client_secret_post or HTTP Basic, but not both. */
  function authenticateClient(req: Request, params: Params): void {
    const header = authorizationHeader(req);
    // Spec: RFC 6749 §5.2 invalid_request: "utilizes more than one mechanism for authenticating the client".
    if (Array.isArray(header)) throw oauthFailure(OAuthErrorCode.InvalidRequest, 'the Authorization header was sent more than once');
    const basic = parseBasicAuthorization(header);
    const bodyId = params.get('client_id');
    const bodySecret = params.get('client_secret');
    if (basic === null) throw oauthFailure(OAuthErrorCode.InvalidClient, 'the Basic Authorization header cannot be read');
    if (basic && bodySecret !== undefined)
      throw oauthFailure(OAuthErrorCode.InvalidRequest, 'client credentials were sent both in the Authorization header and in the body');
    const id = basic ? basic.username : bodyId;
    const secret = basic ? basic.password : bodySecret;
    if (basic && bodyId !== undefined && bodyId !== basic.username)
      throw oauthFailure(OAuthErrorCode.InvalidRequest, 'client_id in the body differs from the Basic credentials');
    const { clientId, clientSecret } = context.store.config.oauth;
    if (id === undefined || secret === undefined)
      throw oauthFailure(OAuthErrorCode.InvalidClient, 'client authentication is missing (send client_id and client_secret)');
    // The secret is compared in constant time, and whether or not the client id matched.
    const secretMatches = safeEqual(secret, clientSecret);
    if (id !== clientId || !secretMatches) throw oauthFailure(OAuthErrorCode.InvalidClient, 'unknown client or wrong client secret');
  }

  /**
   * `grant`: the code the chain started from, carried on so a replayed code can revoke it all.
   * `signedInAt`: when that sign-in was (epoch s), for oauth.refreshTokens.absoluteLifetimeSeconds.
   * `refreshing`: the refresh token presented, when this answers a refresh.
   */
  async function issueTokens(
    res: Response,
    call: Call,
    user: MockUser,
    chain: { grant: string; signedInAt: number; refreshing?: string },
  ): Promise<void> {
    const { config } = context.store;
    const policy = config.oauth.refreshTokens;
    const subject = { userId: user.id, epoch: context.store.epochOf(user.id)! };
    const endOfSignIn = policy.absoluteLifetimeSeconds > 0 ? epochSecondsToMs(chain.signedInAt + policy.absoluteLifetimeSeconds) : Infinity;
    // No access token outlives the sign-in's absolute lifetime.
    const lifetime = (seconds: number) =>
      endOfSignIn === Infinity ? { ttlSeconds: seconds } : { expiresAtMs: Math.min(context.clock() + secondsToMs(seconds), endOfSignIn) };
    const extra = { cid: config.oauth.clientId, gr: chain.grant, st: chain.signedInAt };
    const access = await context.tokens.issue('access', subject, extra, lifetime(config.tokenTtlSeconds.oauthAccessToken));
    let refreshToken: string | undefined;
    if (chain.refreshing !== undefined && policy.omitOnRefresh)
      call.notes.push('no refresh_token in the answer (oauth.refreshTokens.omitOnRefresh): the client keeps the one it has');
    else if (chain.refreshing !== undefined && !policy.rotate) {
      refreshToken = chain.refreshing;
      call.notes.push('the same refresh token is handed back (oauth.refreshTokens.rotate is false)');
      // Refresh tokens keep their own lifetime: past the sign-in's end the refresh is refused saying why.
    } else
      refreshToken = (await context.tokens.issue('refresh', subject, extra, { ttlSeconds: config.tokenTtlSeconds.refreshToken })).token;
    const expiresIn = expiresInSeconds(access.expiresAtMs, context.clock());
    call.userId = user.id;
    // Spec: RFC 6749 §5.1: the token response must not be cached.
    if (!call.bends(config, 'tokenResponseCacheable')) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
    }
    res.json({
      access_token: access.token,
      token_type: 'bearer',
      // Spec: expires_in is in seconds; WOPIAuth only reads it as a JSON number.
      expires_in: call.bends(config, 'expiresInAsString') ? String(expiresIn) : expiresIn,
      ...(refreshToken !== undefined ? { refresh_token: refreshToken } : {}),
    });
  }

  /** One grant of the token endpoint: checks what the request presented and answers with tokens. */
  type Grant = (res: Response, call: Call, params: Params) => Promise<void>;

  // Spec: RFC 6749 §4.1.3 (authorization code) and §6 (refresh).
  const authorizationCode: Grant = (res, call, params) => {
    if (!params.get('code')) throw oauthFailure(OAuthErrorCode.InvalidRequest, 'code is missing');
    const { credential } = call;
    const checked = credential.kind === 'form' && credential.tokenKind === 'code' ? credential.result : null;
    if (!checked?.ok) throw oauthFailure(OAuthErrorCode.InvalidGrant, checked?.reason ?? 'the code is invalid');
    const { claims } = checked;
    if (claims.cid !== context.store.config.oauth.clientId)
      throw oauthFailure(OAuthErrorCode.InvalidGrant, 'the code was issued to another client');
    const redirectUri = params.get('redirect_uri');
    // Spec: RFC 6749 §4.1.3: redirect_uri must be identical to the one the code was issued for.
    if (redirectUri === undefined && claims.rus !== false && context.store.config.oauth.strict)
      throw oauthFailure(
        OAuthErrorCode.InvalidGrant,
        'redirect_uri is missing; the authorization request named one (RFC 6749 section 4.1.3; oauth.strict)',
      );
    if (redirectUri === undefined) call.notes.push('redirect_uri not sent with the code (RFC 6749 §4.1.3 requires it); accepted');
    else if (!sameRedirectUri(redirectUri, claims.ru))
      throw oauthFailure(OAuthErrorCode.InvalidGrant, 'redirect_uri differs from the one the code was issued for');
    if (claims.cc !== undefined) {
      const problem = pkceProblem(claims.cc, claims.ccm ?? 'plain', params.get('code_verifier'), s256);
      if (problem !== null) throw oauthFailure(OAuthErrorCode.InvalidGrant, problem);
    } else if (params.has('code_verifier'))
      call.notes.push('code_verifier sent for a code requested without code_challenge; ignored (RFC 7636)');
    if (!context.usedCodes.markUsed(claims.jti, epochSecondsToMs(claims.exp))) {
      context.usedCodes.revokeGrant(claims.jti);
      throw oauthFailure(
        OAuthErrorCode.InvalidGrant,
        'the code was already used; the tokens issued for it are revoked (RFC 6749 section 4.1.2)',
      );
    }
    return issueTokens(res, call, checked.user, { grant: claims.jti, signedInAt: claims.iat });
  };

  const refreshToken: Grant = (res, call, params) => {
    if (!params.get('refresh_token')) throw oauthFailure(OAuthErrorCode.InvalidRequest, 'refresh_token is missing');
    const { credential } = call;
    const checked = credential.kind === 'form' && credential.tokenKind === 'refresh' ? credential.result : null;
    if (!checked?.ok) throw oauthFailure(OAuthErrorCode.InvalidGrant, checked?.reason ?? 'the refresh token is invalid');
    const { claims } = checked;
    if (claims.cid !== context.store.config.oauth.clientId)
      throw oauthFailure(OAuthErrorCode.InvalidGrant, 'the refresh token was issued to another client');
    const policy = context.store.config.oauth.refreshTokens;
    const signedInAt = claims.st ?? claims.iat;
    const now = context.clock();
    if (policy.absoluteLifetimeSeconds > 0 && now >= epochSecondsToMs(signedInAt + policy.absoluteLifetimeSeconds))
      throw oauthFailure(
        OAuthErrorCode.InvalidGrant,
        `the sign-in is older than its absolute lifetime of ${policy.absoluteLifetimeSeconds} s (oauth.refreshTokens.absoluteLifetimeSeconds); sign in again`,
      );
    const grant = claims.gr ?? claims.jti;
    const rotatedAt = context.rotatedRefreshTokens.rotatedAt(claims.jti);
    if (rotatedAt !== undefined) {
      const when = new Date(rotatedAt).toISOString();
      if (now - rotatedAt < secondsToMs(policy.graceSeconds))
        call.notes.push(
          `a refresh token rotated at ${when} came back within oauth.refreshTokens.graceSeconds (${policy.graceSeconds} s); accepted`,
        );
      else if (policy.reuse === 'reject')
        throw oauthFailure(
          OAuthErrorCode.InvalidGrant,
          `the refresh token was already used: a refresh at ${when} replaced it (oauth.refreshTokens.reuse is reject)`,
        );
      else if (policy.reuse === 'revokeFamily') {
        context.usedCodes.revokeGrant(grant, 'refresh-reused');
        throw oauthFailure(
          OAuthErrorCode.InvalidGrant,
          `the refresh token was already used (replaced at ${when}); every token of this sign-in is now revoked (oauth.refreshTokens.reuse is revokeFamily)`,
        );
      } else call.notes.push(`a refresh token rotated at ${when} was used again; accepted (oauth.refreshTokens.reuse is allow)`);
    }
    if (policy.rotate && !policy.omitOnRefresh) context.rotatedRefreshTokens.rotate(claims.jti, epochSecondsToMs(claims.exp));
    return issueTokens(res, call, checked.user, { grant, signedInAt, refreshing: params.get('refresh_token')! });
  };

  /** `grant_type` → its handler. A Map, so a grant_type such as `constructor` finds nothing. */
  const grants: ReadonlyMap<string, Grant> = new Map([
    ['authorization_code', authorizationCode],
    ['refresh_token', refreshToken],
  ]);

  const token: Handler = async (req, res, call) => {
    if (req.method !== 'POST') throw oauthFailure(OAuthErrorCode.InvalidRequest, 'the token endpoint takes POST');
    if (!req.is('application/x-www-form-urlencoded'))
      throw oauthFailure(OAuthErrorCode.InvalidRequest, 'the body must be application/x-www-form-urlencoded');
    const { params, repeated } = readParams(req.body);
    if (repeated.length > 0) throw oauthFailure(OAuthErrorCode.InvalidRequest, `${repeated.join(', ')} sent more than once`);
    authenticateClient(req, params);
    checkTokenEndpointChoice(req, call, context.store.config);
    checkSessionContext(req, call, context.store.config);
    const grantType = params.get('grant_type');
    if (grantType === undefined) throw oauthFailure(OAuthErrorCode.InvalidRequest, 'grant_type is missing');
    const grant = grants.get(grantType);
    if (!grant)
      throw oauthFailure(
        OAuthErrorCode.UnsupportedGrantType,
        `grant_type ${grantType} is not supported; use ${[...grants.keys()].join(' or ')}`,
      );
    return grant(res, call, params);
  };

  /**
   * RFC 7009: the client revokes an access or refresh token. Revoking either ends the whole sign-in
   * it came from (every token of the grant), as §2.1 allows. Unknown, expired and already revoked
   * tokens get 200 too: the client cannot tell, and need not care.
   */
  const revoke: Handler = async (req, res, call) => {
    if (req.method !== 'POST') throw oauthFailure(OAuthErrorCode.InvalidRequest, 'the revocation endpoint takes POST');
    if (!req.is('application/x-www-form-urlencoded'))
      throw oauthFailure(OAuthErrorCode.InvalidRequest, 'the body must be application/x-www-form-urlencoded');
    const { params, repeated } = readParams(req.body);
    if (repeated.length > 0) throw oauthFailure(OAuthErrorCode.InvalidRequest, `${repeated.join(', ')} sent more than once`);
    authenticateClient(req, params);
    const presented = params.get('token');
    if (!presented) throw oauthFailure(OAuthErrorCode.InvalidRequest, 'token is missing');
    // Spec: RFC 7009 §2.1: the hint only says where to look first; an unknown hint is ignored.
    const order: Array<'refresh' | 'access'> =
      params.get('token_type_hint') === 'access_token' ? ['access', 'refresh'] : ['refresh', 'access'];
    let revoked = false;
    for (const kind of order) {
      const checked = await authenticate(kind, presented, context);
      if (!checked.ok) continue;
      revoked = true;
      const grant = checked.claims.gr ?? checked.claims.jti;
      context.usedCodes.revokeGrant(grant, 'revoked');
      call.userId = checked.user.id;
      call.notes.push(`revoked the ${kind} token and every token of its sign-in (grant ${grant.slice(0, 8)}…; RFC 7009)`);
      break;
    }
    if (!revoked) call.notes.push('no live token of this host was presented; answered 200 as RFC 7009 §2.2 asks');
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).end();
  };

  return { authorize, token, revoke };
}
