import type { Request, Response } from 'express';
import { Route, WopiHeader } from '../protocol/headers.js';
import { resolveWopiSrc } from '../protocol/wopi-src.js';
import { parseBearerAuthorization } from '../protocol/authorization.js';
import { epochMsToSeconds } from '../protocol/time.js';
import { notFound, notImplemented, serverError, unauthenticated } from '../errors.js';
import type { MockUser } from '../state/config-schema.js';
import type { Call, Handler } from './call.js';
import type { HostContext } from './context.js';
import { ecosystemUrl, freshWopiExpiry, issueWopiToken, resourceUrlWithToken } from './grants.js';
import { containerInfo } from './containers.js';
import { checkSessionContext } from './session-context.js';
import { setChallenge } from './challenge.js';
import { authorizationHeader } from './authorization-header.js';
import { withAccessToken } from './urls.js';

// Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/bootstrapper/bootstrap

/** The signed-in user, or a 401 (which map-errors turns into the Bearer challenge). */
export function requireOAuthUser(call: Call): MockUser {
  if (call.auth?.ok) return call.auth.user;
  throw unauthenticated(
    call.auth
      ? call.auth.reason
      : (call.notes.find((n) => n.startsWith('Authorization')) ?? 'no OAuth access token in the Authorization header'),
  );
}

/** The OAuth access token the caller sent; only read once requireOAuthUser accepted it. */
function oauthToken(req: Request): string {
  const parsed = parseBearerAuthorization(authorizationHeader(req));
  return parsed.kind === 'bearer' ? parsed.token : '';
}

async function bootstrapInfo(context: HostContext, req: Request, call: Call, user: MockUser) {
  return {
    EcosystemUrl: call.bends(context.store.config, 'oauthTokenInEcosystemUrl')
      ? withAccessToken(context.origin() + Route.Ecosystem, oauthToken(req))
      : await ecosystemUrl(context, user, freshWopiExpiry(context)),
    UserId: user.id,
    SignInName: user.signInName,
    ...(user.friendlyName ? { UserFriendlyName: user.friendlyName } : {}),
  };
}

export function bootstrapHandlers(context: HostContext) {
  /** Every 200 of the bootstrapper goes out here, so whether it carries a challenge is decided once. */
  const answer = (res: Response, call: Call, body: object): void => {
    const { config } = context.store;
    if (call.bends(config, 'challengeOn200')) setChallenge(res, call, config, context.origin());
    res.json(body);
  };

  const bootstrap: Handler = async (req, res, call) => {
    const user = requireOAuthUser(call);
    const operation = req.headers[WopiHeader.EcosystemOperation];
    if (req.method === 'POST') checkSessionContext(req, call, context.store.config);
    if (req.method === 'POST' && operation !== undefined && call.bends(context.store.config, 'unknownEcosystemOperation')) {
      throw notImplemented(
        `X-WOPI-EcosystemOperation ${String(operation)} is not implemented (compatibility.unknownEcosystemOperation is "notImplemented")`,
      );
    }
    answer(res, call, { Bootstrap: await bootstrapInfo(context, req, call, user) });
  };

  const getNewAccessToken: Handler = async (req, res, call) => {
    const user = requireOAuthUser(call);
    const { config } = context.store;
    checkSessionContext(req, call, config);
    // Spec (GetNewAccessToken): missing, unknown or not the user's → 404 Not Found.
    const notFoundHere = (reason: string) => (call.bends(config, 'missingWopiSrcAnswers500') ? serverError(reason) : notFound(reason));
    const wopiSrc = req.headers[WopiHeader.WopiSrc];
    const resolved = resolveWopiSrc(typeof wopiSrc === 'string' ? wopiSrc : undefined, context.wopiSrcContext());
    if (!resolved.ok) throw notFoundHere(resolved.reason);
    const record = context.files.getOwned(resolved.kind, resolved.id, user.id);
    if (!record) throw notFoundHere(`no ${resolved.kind} ${resolved.id} that user ${user.id} can access`);
    const issued = await issueWopiToken(context, user, `${record.kind}:${record.id}`, freshWopiExpiry(context));
    answer(res, call, {
      Bootstrap: await bootstrapInfo(context, req, call, user),
      AccessTokenInfo: {
        AccessToken: issued.token,
        // Spec: AccessTokenExpiry is defined as access_token_ttl: milliseconds since the epoch (WopiHost sends seconds).
        AccessTokenExpiry: call.bends(config, 'accessTokenExpiryInSeconds') ? epochMsToSeconds(issued.expiresAtMs) : issued.expiresAtMs,
      },
    });
  };

  const getRootContainer: Handler = async (req, res, call) => {
    const user = requireOAuthUser(call);
    checkSessionContext(req, call, context.store.config);
    const bootstrapOnly = call.bends(context.store.config, 'rootContainerAsBootstrap');
    const info = await bootstrapInfo(context, req, call, user);
    if (bootstrapOnly) return answer(res, call, { Bootstrap: info });
    const root = await context.files.ensureRoot(user);
    const expiry = freshWopiExpiry(context);
    answer(res, call, {
      Bootstrap: info,
      RootContainerInfo: {
        ContainerPointer: { Url: await resourceUrlWithToken(context, user, root, expiry), Name: root.name },
        ContainerInfo: containerInfo(context, root),
      },
    });
  };

  return { bootstrap, getNewAccessToken, getRootContainer };
}
