import { notFound, unauthenticated } from '../errors.js';
import type { MockUser } from '../state/config-schema.js';
import type { ContainerRecord, FileRecord } from '../storage/file-store.js';
import type { WopiClaims } from '../tokens/token-service.js';
import { epochSecondsToMs } from '../protocol/time.js';
import type { Call } from './call.js';
import type { HostContext } from './context.js';
import type { Expiry } from './grants.js';

interface Access {
  user: MockUser;
  claims: WopiClaims;
  /** Tokens minted from this one keep its expiry (WOPI security: preventing token trading). */
  inherited: Expiry;
}

function requireWopiToken(call: Call): Access {
  const { credential } = call;
  if (credential.kind !== 'query' && (credential.kind !== 'bearer' || credential.tokenKind !== 'wopi'))
    throw unauthenticated('no WOPI access token (?access_token=)');
  const { result } = credential;
  if (!result.ok) throw unauthenticated(result.reason);
  return { user: result.user, claims: result.claims, inherited: { expiresAtMs: epochSecondsToMs(result.claims.exp) } };
}

/**
 * The caller's access to the resource in the path. Unknown and other users' resources are both
 * 404, so ids cannot be probed; a token for a different resource of the same user is a 401.
 */
export function requireResource<K extends 'file' | 'container'>(
  call: Call,
  context: HostContext,
  kind: K,
): Access & { record: K extends 'file' ? FileRecord : ContainerRecord } {
  const access = requireWopiToken(call);
  const id = call.resource?.id ?? '';
  const record = context.files.getOwned(kind, id, access.user.id);
  if (!record) throw notFound(`no ${kind} ${id} that user ${access.user.id} can access`);
  if (access.claims.res !== `${kind}:${id}`) throw unauthenticated(`the access token is for ${access.claims.res}, not ${kind}:${id}`);
  return { ...access, record: record as never };
}

export function requireEcosystem(call: Call): Access {
  const access = requireWopiToken(call);
  if (access.claims.res !== 'ecosystem') throw unauthenticated(`the access token is for ${access.claims.res}, not the ecosystem`);
  return access;
}
