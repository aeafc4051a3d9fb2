/** The tokens the host issues, their claims and the answers of verifying one (token-service.ts signs and verifies them). */

/**
 * The four token kinds. Each has its own JWT `typ` header and audience, so one can never be
 * accepted where another is expected (a refresh token is not an access token).
 */
export const TokenKind = {
  Access: 'access',
  Refresh: 'refresh',
  Code: 'code',
  Wopi: 'wopi',
} as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

/**
 * What a WOPI token may be used on. `share:…` is the token of a share URL (protocol/share-url.ts):
 * it opens the share page only, since no WOPI operation accepts that scope.
 */
export type WopiScope = `file:${string}` | `container:${string}` | 'ecosystem' | `share:${string}`;

/** The claims every token carries. */
export interface CommonClaims {
  /** Mock user id. */
  sub: string;
  /** The user's token epoch when issued; revoking the user changes it. */
  ep: string;
  jti: string;
  iat: number;
  /** JWT expiry, seconds since the epoch. */
  exp: number;
}
/** `gr`: the jti of the authorization code the token chain started from (RFC 6749 §4.1.2 revocation). */
/** `st`: when the sign-in the chain started from happened, epoch seconds (absoluteLifetimeSeconds counts from it). */
export interface AccessClaims extends CommonClaims {
  kind: 'access';
  cid: string;
  gr?: string;
  st?: number;
}
export interface RefreshClaims extends CommonClaims {
  kind: 'refresh';
  cid: string;
  gr?: string;
  st?: number;
}
/** `cc`/`ccm`: the RFC 7636 code challenge and its method; `rus`: the authorization request named its redirect_uri. */
export interface CodeClaims extends CommonClaims {
  kind: 'code';
  cid: string;
  ru: string;
  cc?: string;
  ccm?: 'S256' | 'plain';
  rus?: boolean;
}
export interface WopiClaims extends CommonClaims {
  kind: 'wopi';
  res: WopiScope;
}
export type ClaimsOf<K extends TokenKind> = Extract<AccessClaims | RefreshClaims | CodeClaims | WopiClaims, { kind: K }>;

export type TokenFailure = 'malformed' | 'bad-signature' | 'wrong-kind' | 'expired';
export type VerifyResult<K extends TokenKind> = { ok: true; claims: ClaimsOf<K> } | { ok: false; failure: TokenFailure; detail: string };

export interface IssuedToken {
  token: string;
  /** Expiry in milliseconds since the epoch (whole seconds: JWT `exp` has second precision). */
  expiresAtMs: number;
}
