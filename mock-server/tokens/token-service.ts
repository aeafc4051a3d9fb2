import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { randomUUID, webcrypto } from 'node:crypto';
import type { IssuedTokens } from './issued-tokens.js';
import {
  TokenKind,
  type ClaimsOf,
  type CommonClaims,
  type IssuedToken,
  type TokenFailure,
  type VerifyResult,
  type WopiScope,
} from './types.js';

type CryptoKey = webcrypto.CryptoKey;

// The token types live in types.ts (so issued-tokens.ts needs nothing from here); http/ and analysis/ still import them from here.
export { TokenKind } from './types.js';
export type {
  AccessClaims,
  ClaimsOf,
  CodeClaims,
  IssuedToken,
  RefreshClaims,
  TokenFailure,
  VerifyResult,
  WopiClaims,
  WopiScope,
} from './types.js';

type Extra<K extends TokenKind> = Omit<ClaimsOf<K>, keyof CommonClaims | 'kind'>;

const algorithm = 'HS256';
const typOf = (kind: TokenKind) => `wopi-mock-${kind}+jwt`;
const audienceOf = (kind: TokenKind) => `urn:wopi-mock-host:${kind}`;
const issuer = 'urn:wopi-mock-host';

/** Signs and verifies every token the host issues. The algorithm is pinned; the clock is injected. */
export class TokenService {
  /**
   * Tokens that already verified, so a client re-sending the same bearer token (Office sends one
   * on every call) costs a map lookup instead of an HMAC. Only the signature check is skipped:
   * expiry is checked again on every use, and user and epoch checks happen in `authenticate`.
   */
  private readonly verified = new Map<string, { kind: TokenKind; claims: CommonClaims }>();

  /**
   * WOPI tokens minted in the current second, by grant. Two identical grants in one second would
   * differ only in `jti` (iat and exp have second precision), so they share one token; that keeps
   * a client polling Bootstrap from paying an HMAC per call. OAuth tokens are never shared.
   */
  private wopiThisSecond = { second: -1, byGrant: new Map<string, IssuedToken>() };

  private constructor(
    private readonly key: CryptoKey,
    private readonly clock: () => number,
    private readonly issued: IssuedTokens | undefined,
    private readonly verifiedCapacity = 10_000,
  ) {}

  /** `issued`, when given, is told about every token signed: this is the one place tokens are made. */
  static async create(secret: Uint8Array, clock: () => number = Date.now, issued?: IssuedTokens): Promise<TokenService> {
    const key = await webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    return new TokenService(key, clock, issued);
  }

  /** Issues a token that expires `ttlSeconds` from now, or at `expiresAtMs` when given (token trading). */
  async issue<K extends TokenKind>(
    kind: K,
    subject: { userId: string; epoch: string },
    extra: Extra<K>,
    expiry: { ttlSeconds: number } | { expiresAtMs: number },
  ): Promise<IssuedToken> {
    const nowSeconds = Math.floor(this.clock() / 1000);
    const exp = 'ttlSeconds' in expiry ? nowSeconds + expiry.ttlSeconds : Math.floor(expiry.expiresAtMs / 1000);
    if (kind !== TokenKind.Wopi) return this.sign(kind, subject, extra, nowSeconds, exp);
    if (this.wopiThisSecond.second !== nowSeconds) this.wopiThisSecond = { second: nowSeconds, byGrant: new Map() };
    const grant = JSON.stringify([subject.userId, subject.epoch, (extra as unknown as Extra<'wopi'>).res, exp]);
    const shared = this.wopiThisSecond.byGrant.get(grant);
    if (shared) return shared;
    const issued = await this.sign(kind, subject, extra, nowSeconds, exp);
    this.wopiThisSecond.byGrant.set(grant, issued);
    return issued;
  }

  private async sign<K extends TokenKind>(
    kind: K,
    subject: { userId: string; epoch: string },
    extra: Extra<K>,
    nowSeconds: number,
    exp: number,
  ): Promise<IssuedToken> {
    const jti = randomUUID();
    const token = await new SignJWT({ ...extra, ep: subject.epoch })
      .setProtectedHeader({ alg: algorithm, typ: typOf(kind) })
      .setIssuer(issuer)
      .setAudience(audienceOf(kind))
      .setSubject(subject.userId)
      .setJti(jti)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(exp)
      .sign(this.key);
    const claims = extra as Partial<{ cid: string; res: WopiScope }>;
    this.issued?.add(subject.userId, subject.epoch, {
      kind,
      jti,
      issuedAt: nowSeconds * 1000,
      expiresAt: exp * 1000,
      clientId: claims.cid ?? null,
      scope: claims.res ?? null,
    });
    return { token, expiresAtMs: exp * 1000 };
  }

  async verify<K extends TokenKind>(kind: K, token: string): Promise<VerifyResult<K>> {
    const known = this.verified.get(token);
    if (known && known.kind === kind) {
      if (known.claims.exp <= Math.floor(this.clock() / 1000)) {
        this.verified.delete(token);
        return { ok: false, failure: 'expired', detail: `the ${kind} token expired` };
      }
      return { ok: true, claims: { ...known.claims, kind } as unknown as ClaimsOf<K> };
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [algorithm],
        typ: typOf(kind),
        audience: audienceOf(kind),
        issuer,
        currentDate: new Date(this.clock()),
        requiredClaims: ['sub', 'exp', 'jti', 'ep'],
      });
      const claims = { ...payload, kind } as unknown as ClaimsOf<K>;
      this.remember(token, kind, claims);
      return { ok: true, claims };
    } catch (error) {
      return { ok: false, ...describeFailure(error, kind) };
    }
  }

  /** How many verified tokens are remembered (never more than the capacity). */
  get verifiedCount(): number {
    return this.verified.size;
  }

  private remember(token: string, kind: TokenKind, claims: CommonClaims): void {
    // Map keeps insertion order: dropping the first key evicts the oldest entry.
    if (this.verified.size >= this.verifiedCapacity) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { kind, claims });
  }
}

function describeFailure(error: unknown, kind: TokenKind): { failure: TokenFailure; detail: string } {
  if (error instanceof joseErrors.JWTExpired) return { failure: 'expired', detail: `the ${kind} token expired` };
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return { failure: 'bad-signature', detail: `the ${kind} token's signature does not verify` };
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return { failure: 'bad-signature', detail: 'the token uses an algorithm this host does not accept' };
  if (error instanceof joseErrors.JWTClaimValidationFailed && (error.claim === 'typ' || error.claim === 'aud')) {
    return { failure: 'wrong-kind', detail: `not ${kind === 'access' ? 'an' : 'a'} ${kind} token` };
  }
  if (error instanceof joseErrors.JOSEError) return { failure: 'malformed', detail: `the ${kind} token is invalid (${error.code})` };
  return { failure: 'malformed', detail: `the ${kind} token is invalid` };
}
