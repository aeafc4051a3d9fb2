import type { Response } from 'express';
import { Route, WopiHeader } from '../protocol/headers.js';
import { resolveWopiSrc } from '../protocol/wopi-src.js';
import { epochMsToSeconds } from '../protocol/time.js';
import { notFound, notImplemented, serverError, unauthenticated } from '../errors.js';
import type { MockUser } from '../state/config-schema.js';
import type { Call, Handler } from './call.js';
import type { HostContext } from './context.js';
import { ecosystemUrl, freshWopiExpiry, issueWopiToken, resourceUrlWithToken } from './grants.js';
import { containerInfo } from './containers.js';
import { checkSessionContext } from './session-context.js';
import { setChallenge } from './challenge.js';
import { respondWithError } from './map-errors.js';
import { withAccessToken } from './urls.js';

// Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/bootstrapper/bootstrap

/** What Express's `res.json` sets. */
const jsonContentType = 'application/json; charset=utf-8';

/**
 * The refusal of a request without a token: Office's first call, every time. Thrown as one shared
 * object (a HostError carries no stack and is never changed), so refusing allocates nothing.
 */
const noAccessToken = unauthenticated('no OAuth access token in the Authorization header');

/** The signed-in user and the OAuth access token they sent, or a 401 (which map-errors turns into the Bearer challenge). */
function requireOAuthUser(call: Call): { user: MockUser; token: string } {
  const { credential } = call;
  if (credential.kind === 'bearer' && credential.tokenKind === 'access') {
    if (credential.result.ok) return { user: credential.result.user, token: credential.token };
    throw unauthenticated(credential.result.reason);
  }
  throw credential.kind === 'malformed' ? unauthenticated(credential.reason) : noAccessToken;
}

async function bootstrapInfo(context: HostContext, call: Call, { user, token }: { user: MockUser; token: string }) {
  return {
    EcosystemUrl: call.bends(context.store.config, 'oauthTokenInEcosystemUrl')
      ? withAccessToken(context.origin() + Route.Ecosystem, token)
      : await ecosystemUrl(context, user, freshWopiExpiry(context)),
    UserId: user.id,
    SignInName: user.signInName,
    ...(user.friendlyName ? { UserFriendlyName: user.friendlyName } : {}),
  };
}

export function bootstrapHandlers(context: HostContext) {
  /**
   * Every 200 of the bootstrapper goes out here, so whether it carries a challenge is decided once.
   * The JSON is written as `res.json` would write it (same body, `Content-Type`, `Content-Length`),
   * without Express's send machinery: header lines and body leave in one write.
   */
  const answer = (res: Response, call: Call, body: object): void => {
    const { config } = context.store;
    const json = JSON.stringify(body);
    const length = String(Buffer.byteLength(json));
    if (call.bends(config, 'challengeOn200')) {
      setChallenge(res, call, config, context.origin());
      res.statusCode = 200;
      res.setHeader('Content-Type', jsonContentType);
      res.setHeader('Content-Length', length);
    } else {
      res.writeHead(200, ['Content-Type', jsonContentType, 'Content-Length', length]);
      call.sentHeaders = { 'content-type': jsonContentType, 'content-length': length };
    }
    // A HEAD answer has the GET's headers and no body (Node would drop it; the log must not keep it).
    res.end(res.req.method === 'HEAD' ? undefined : json);
  };

  // Not async, and no throw for Office's first call (no token at all): its 401 is written right
  // here, since unwinding through the router's frames costs more than the rest of the answer.
  const bootstrap: Handler = (req, res, call) => {
    if (call.credential.kind === 'none') return respondWithError(noAccessToken, req, res, call, context);
    const caller = requireOAuthUser(call);
    const operation = req.headers[WopiHeader.EcosystemOperation];
    if (req.method === 'POST') checkSessionContext(req, call, context.store.config);
    if (req.method === 'POST' && operation !== undefined && call.bends(context.store.config, 'unknownEcosystemOperation')) {
      throw notImplemented(
        `X-WOPI-EcosystemOperation ${String(operation)} is not implemented (compatibility.unknownEcosystemOperation is "notImplemented")`,
      );
    }
    return bootstrapInfo(context, call, caller).then((info) => answer(res, call, { Bootstrap: info }));
  };

  const getNewAccessToken: Handler = async (req, res, call) => {
    const caller = requireOAuthUser(call);
    const { user } = caller;
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
      Bootstrap: await bootstrapInfo(context, call, caller),
      AccessTokenInfo: {
        AccessToken: issued.token,
        // Spec: AccessTokenExpiry is defined as access_token_ttl: milliseconds since the epoch (WopiHost sends seconds).
        AccessTokenExpiry: call.bends(config, 'accessTokenExpiryInSeconds') ? epochMsToSeconds(issued.expiresAtMs) : issued.expiresAtMs,
      },
    });
  };

  const getRootContainer: Handler = async (req, res, call) => {
    const caller = requireOAuthUser(call);
    const { user } = caller;
    checkSessionContext(req, call, context.store.config);
    const bootstrapOnly = call.bends(context.store.config, 'rootContainerAsBootstrap');
    const info = await bootstrapInfo(context, call, caller);
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
