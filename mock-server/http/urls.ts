import { Route } from '../protocol/headers.js';
import type { ResourceKind } from '../protocol/wopi-src.js';

/** A WopiSrc: the resource URL without a token. Never ends in `/`, since clients append paths. */
export function resourceUrl(origin: string, kind: ResourceKind, id: string): string {
  return `${origin}${kind === 'file' ? Route.Files : Route.Containers}/${encodeURIComponent(id)}`;
}

export function withAccessToken(url: string, token: string): string {
  return `${url}?access_token=${encodeURIComponent(token)}`;
}
