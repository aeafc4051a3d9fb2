import type { ResourceKind } from './wopi-src.js';

// Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/getshareurl
// and …/rest/containers/getshareurl. A Share URL opens a web page for the file or container; the
// types a host offers are its SupportedShareUrlTypes.

export const ShareUrlType = {
  /** The link lets people view the item, not change it. */
  ReadOnly: 'ReadOnly',
  /** The link lets people view and edit the item. */
  ReadWrite: 'ReadWrite',
} as const;
export type ShareUrlType = (typeof ShareUrlType)[keyof typeof ShareUrlType];

export const supportedShareUrlTypes: readonly ShareUrlType[] = [ShareUrlType.ReadOnly, ShareUrlType.ReadWrite];

/** X-WOPI-UrlType, matched case-insensitively; anything else is a reason to answer 501. */
// Spec (GetShareUrl): "If the X-WOPI-UrlType header is not present or contains a value that is invalid
// or not supported by the host, the host should respond with a 501".
export function parseShareUrlType(header: string | string[] | undefined): { ok: true; type: ShareUrlType } | { ok: false; reason: string } {
  if (header === undefined) return { ok: false, reason: 'X-WOPI-UrlType is missing' };
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  const type = supportedShareUrlTypes.find((t) => t.toLowerCase() === value.toLowerCase());
  if (!type)
    return {
      ok: false,
      reason: `X-WOPI-UrlType ${JSON.stringify(value)} is not a share URL type this host supports (${supportedShareUrlTypes.join(', ')})`,
    };
  return { ok: true, type };
}

/**
 * The scope of the token in a share URL: `share:<type>:<kind>:<id>`. It can never equal the scope a
 * WOPI operation demands (`file:<id>`, `container:<id>`, `ecosystem`), so a share link is not a WOPI
 * access token, nor is a WOPI access token a share link.
 */
export type ShareScope = `share:${ShareUrlType}:${ResourceKind}:${string}`;

export interface SharedItem {
  type: ShareUrlType;
  kind: ResourceKind;
  id: string;
}

export function shareScope(item: SharedItem): ShareScope {
  return `share:${item.type}:${item.kind}:${item.id}`;
}

const scopePattern = /^share:(ReadOnly|ReadWrite):(file|container):(.+)$/;

export function parseShareScope(scope: string): SharedItem | null {
  const match = scopePattern.exec(scope);
  if (!match) return null;
  return { type: match[1] as ShareUrlType, kind: match[2] as ResourceKind, id: match[3]! };
}
