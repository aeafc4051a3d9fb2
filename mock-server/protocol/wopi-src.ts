import { Route } from './headers.js';

export type ResourceKind = 'file' | 'container';

export type WopiSrcResolution = { ok: true; kind: ResourceKind; id: string } | { ok: false; reason: string };

export interface WopiSrcContext {
  /** Lowercased host names and IP literals (IPv6 without brackets) this host answers to. */
  hostNames: ReadonlySet<string>;
  /** The port the WOPI listener is reachable on. */
  port: number;
}

// The routes hold no pattern characters, so they go into the pattern as they are.
const resourcePath = new RegExp(`^(${Route.Files}|${Route.Containers})/([^/]+)/?$`);

/**
 * Turns an `X-WOPI-WopiSrc` value into the resource it names. Lenient in form (a trailing
 * slash, a query string such as a stray access_token, percent-encoding, host case) and strict in
 * substance: it must be https, one of this host's own names and port, and exactly one id segment,
 * so an encoded slash or a dot segment can never reach another resource or the disk.
 */
// Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/bootstrapper/getnewaccesstoken
// "hosts must validate X-WOPI-WopiSrc … If not, or if the header is not present, return 404".
export function resolveWopiSrc(value: string | undefined, context: WopiSrcContext): WopiSrcResolution {
  if (value === undefined || value.trim() === '') return { ok: false, reason: 'X-WOPI-WopiSrc is missing' };
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { ok: false, reason: 'X-WOPI-WopiSrc is not an absolute URL' };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: 'X-WOPI-WopiSrc is not an https URL' };
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!context.hostNames.has(host)) return { ok: false, reason: `X-WOPI-WopiSrc names another host (${host})` };
  const port = url.port === '' ? 443 : Number(url.port);
  if (port !== context.port) return { ok: false, reason: `X-WOPI-WopiSrc names another port (${port})` };
  const match = resourcePath.exec(url.pathname);
  if (!match) return { ok: false, reason: 'X-WOPI-WopiSrc is not a /wopi/files/<id> or /wopi/containers/<id> URL' };
  let id: string;
  try {
    id = decodeURIComponent(match[2]!);
  } catch {
    return { ok: false, reason: 'X-WOPI-WopiSrc has a malformed percent-encoding' };
  }
  if (!isPlausibleResourceId(id)) return { ok: false, reason: 'X-WOPI-WopiSrc has an invalid resource id' };
  return { ok: true, kind: match[1] === Route.Files ? 'file' : 'container', id };
}

/** Resource ids are ours (base64url); anything else cannot name a resource and never touches disk. */
export function isPlausibleResourceId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id);
}
