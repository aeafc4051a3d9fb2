/** How the token arrived; both are accepted because the spec and real clients disagree. */
export type BearerForm = 'Bearer' | 'Bearer:';

export type AuthorizationParse =
  { kind: 'bearer'; token: string; form: BearerForm } | { kind: 'missing' } | { kind: 'malformed'; reason: string };

// Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/bootstrapper/bootstrap
// The docs write `Bearer: <TOKEN>`; WOPIAuth and OAuth frameworks send `Bearer <TOKEN>` (https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/bootstrapper/bootstrap).
// Spec: RFC 9110 §5.6.3: the whitespace around and inside the credentials is SP or HTAB, nothing else.
const bearerPattern = /^[ \t]*Bearer(:?)[ \t]+([^ \t]+)[ \t]*$/i;

/**
 * Reads an `Authorization` header in either Bearer form. Several header lines (an array) are
 * malformed: a client that sends two tokens is asking the host to guess.
 */
export function parseBearerAuthorization(header: string | readonly string[] | undefined): AuthorizationParse {
  if (header === undefined) return { kind: 'missing' };
  if (typeof header !== 'string') {
    return header.length === 0 ? { kind: 'missing' } : { kind: 'malformed', reason: 'sent more than once' };
  }
  if (/^[ \t]*$/.test(header)) return { kind: 'missing' };
  const match = bearerPattern.exec(header);
  if (!match) {
    return /^[ \t]*Bearer:?[ \t]*$/i.test(header)
      ? { kind: 'missing' }
      : { kind: 'malformed', reason: 'not of the form "Bearer <token>" or "Bearer: <token>"' };
  }
  return { kind: 'bearer', token: match[2]!, form: match[1] === ':' ? 'Bearer:' : 'Bearer' };
}

export interface BasicCredentials {
  username: string;
  password: string;
}

/**
 * Reads HTTP Basic client credentials (RFC 6749 §2.3.1: both parts are form-urlencoded before
 * base64). Returns undefined when the header is absent or not Basic, null when Basic but unreadable.
 */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | null | undefined {
  if (header === undefined) return undefined;
  const match = /^[ \t]*Basic[ \t]+([A-Za-z0-9+/=_-]+)[ \t]*$/i.exec(header);
  if (!match) return /^[ \t]*Basic\b/i.test(header) ? null : undefined;
  const decoded = decodeBase64Utf8(match[1]!);
  if (decoded === null) return null;
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    return {
      username: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      password: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return null;
  }
}

function decodeBase64Utf8(value: string): string | null {
  try {
    const binary = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
