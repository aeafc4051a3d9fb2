import type { MockUser } from '../state/config-schema.js';
import type { ResourceRecord } from '../storage/file-store.js';
import type { WopiScope } from '../tokens/token-service.js';
import { Route } from '../protocol/headers.js';
import type { EpochMilliseconds } from '../protocol/time.js';
import type { HostContext } from './context.js';
import { resourceUrl, withAccessToken } from './urls.js';

export type Expiry = { ttlSeconds: number } | { expiresAtMs: EpochMilliseconds };

/** The expiry for a WOPI token minted from OAuth: the configured WOPI lifetime. */
export function freshWopiExpiry(context: HostContext): Expiry {
  return { ttlSeconds: context.store.config.tokenTtlSeconds.wopiAccessToken };
}

export async function issueWopiToken(context: HostContext, user: MockUser, scope: WopiScope, expiry: Expiry) {
  const epoch = context.store.epochOf(user.id)!;
  return context.tokens.issue('wopi', { userId: user.id, epoch }, { res: scope }, expiry);
}

/** `<origin>/wopi/ecosystem?access_token=…`: a WOPI token, never the OAuth one. */
export async function ecosystemUrl(context: HostContext, user: MockUser, expiry: Expiry): Promise<string> {
  const { token } = await issueWopiToken(context, user, 'ecosystem', expiry);
  return withAccessToken(context.origin() + Route.Ecosystem, token);
}

/** The URL of a resource with a token scoped to it. */
export async function resourceUrlWithToken(context: HostContext, user: MockUser, record: ResourceRecord, expiry: Expiry): Promise<string> {
  const { token } = await issueWopiToken(context, user, `${record.kind}:${record.id}`, expiry);
  return withAccessToken(resourceUrl(context.origin(), record.kind, record.id), token);
}
