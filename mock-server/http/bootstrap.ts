import { WopiHeader } from '../protocol/headers.js';
import { resolveWopiSrc } from '../protocol/wopi-src.js';
import { notFound, notImplemented, unauthenticated } from '../errors.js';
import type { MockUser } from '../state/config-schema.js';
import type { Call, Handler } from './call.js';
import type { HostContext } from './context.js';
import { ecosystemUrl, freshWopiExpiry, issueWopiToken, resourceUrlWithToken } from './grants.js';
import { containerInfo } from './containers.js';
import { checkSessionContext } from './session-context.js';

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

async function bootstrapInfo(context: HostContext, user: MockUser) {
  return {
    EcosystemUrl: await ecosystemUrl(context, user, freshWopiExpiry(context)),
    UserId: user.id,
    SignInName: user.signInName,
    ...(user.friendlyName ? { UserFriendlyName: user.friendlyName } : {}),
  };
}

export function bootstrapHandlers(context: HostContext) {
  const bootstrap: Handler = async (req, res, call) => {
    const user = requireOAuthUser(call);
    const operation = req.headers['x-wopi-ecosystemoperation'];
    if (req.method === 'POST') checkSessionContext(req, call, context.store.config);
    if (
      req.method === 'POST' &&
      operation !== undefined &&
      context.store.config.compatibility.unknownEcosystemOperation === 'notImplemented'
    ) {
      throw notImplemented(
        `X-WOPI-EcosystemOperation ${String(operation)} is not implemented (compatibility.unknownEcosystemOperation is "notImplemented")`,
      );
    }
    res.json({ Bootstrap: await bootstrapInfo(context, user) });
  };

  const getNewAccessToken: Handler = async (req, res, call) => {
    const user = requireOAuthUser(call);
    checkSessionContext(req, call, context.store.config);
    const wopiSrc = req.headers[WopiHeader.WopiSrc];
    // Spec (GetNewAccessToken): missing, unknown or not the user's → 404 Not Found.
    const resolved = resolveWopiSrc(typeof wopiSrc === 'string' ? wopiSrc : undefined, context.wopiSrcContext());
    if (!resolved.ok) throw notFound(resolved.reason);
    const record = context.files.getOwned(resolved.kind, resolved.id, user.id);
    if (!record) throw notFound(`no ${resolved.kind} ${resolved.id} that user ${user.id} can access`);
    const issued = await issueWopiToken(context, user, `${record.kind}:${record.id}`, freshWopiExpiry(context));
    res.json({
      Bootstrap: await bootstrapInfo(context, user),
      // Spec: AccessTokenExpiry is defined as access_token_ttl: milliseconds since the epoch.
      AccessTokenInfo: { AccessToken: issued.token, AccessTokenExpiry: issued.expiresAtMs },
    });
  };

  const getRootContainer: Handler = async (req, res, call) => {
    const user = requireOAuthUser(call);
    checkSessionContext(req, call, context.store.config);
    const root = await context.files.ensureRoot(user);
    const expiry = freshWopiExpiry(context);
    res.json({
      Bootstrap: await bootstrapInfo(context, user),
      RootContainerInfo: {
        ContainerPointer: { Url: await resourceUrlWithToken(context, user, root, expiry), Name: root.name },
        ContainerInfo: containerInfo(context, root),
      },
    });
  };

  return { bootstrap, getNewAccessToken, getRootContainer };
}
