import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { browse, tokenOf, type Harness } from './host-fixture.js';

/** Every credential one mock user holds after a real sign-in and browse, for the token properties. */
export interface Grants {
  userId: string;
  access: string;
  refresh: string;
  /** Issued by the sign-in page and never redeemed. */
  code: string;
  ecosystem: string;
  rootId: string;
  rootToken: string;
  files: Array<{ id: string; name: string; size: number; token: string }>;
}

export async function grantsFor(h: Harness, userId: string, redirectUri = 'https://localhost'): Promise<Grants> {
  const { access_token, refresh_token } = await h.signIn(userId);
  const authorized = await h.request('POST', '/oauth/authorize', {
    form: { client_id: 'office-mobile', redirect_uri: redirectUri, response_type: 'code', user: userId },
  });
  const code = new URL(authorized.header('location')!).searchParams.get('code')!;
  const { bootstrap, rootUrl, files } = await browse(h, access_token);
  const idOf = (url: string) => decodeURIComponent(new URL(url).pathname.split('/').pop()!);
  // Child URLs carry tokens scoped to each file; check one is usable before handing it out.
  const first = files[0];
  if (!first || (await h.request('GET', first.Url)).status !== 200) throw new Error(`${userId}: the browse flow gave no usable file`);
  return {
    userId,
    access: access_token,
    refresh: refresh_token,
    code,
    ecosystem: tokenOf(bootstrap.EcosystemUrl),
    rootId: idOf(rootUrl),
    rootToken: tokenOf(rootUrl),
    files: files.map((f) => ({ id: idOf(f.Url), name: f.Name, size: f.Size, token: tokenOf(f.Url) })),
  };
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Ways to forge or damage a real token. Each keeps everything else exactly as issued. */
export const tampering = {
  /** `alg: none` and an empty signature: the classic JWT bypass. */
  algNone(token: string): string {
    const [, payload] = token.split('.');
    return `${b64({ ...decodeProtectedHeader(token), alg: 'none' })}.${payload}.`;
  },
  /** Another algorithm named, the original signature kept (algorithm confusion). */
  otherAlgorithm(token: string, alg: string): string {
    const [, payload, signature] = token.split('.');
    return `${b64({ ...decodeProtectedHeader(token), alg })}.${payload}.${signature}`;
  },
  /** The same header and claims, signed with a key the host never had. */
  async resigned(token: string): Promise<string> {
    return new SignJWT(decodeJwt(token))
      .setProtectedHeader(decodeProtectedHeader(token) as { alg: string })
      .sign(new TextEncoder().encode('a-key-the-mock-host-never-had-32b'));
  },
  /** One claim changed (say `sub` to another user), the original signature kept. */
  withClaim(token: string, claim: string, value: unknown): string {
    const [header, , signature] = token.split('.');
    return `${header}.${b64({ ...decodeJwt(token), [claim]: value })}.${signature}`;
  },
  /** The header's `typ` claimed to be another kind, the original signature kept. */
  withType(token: string, typ: string): string {
    const [, payload, signature] = token.split('.');
    return `${b64({ ...decodeProtectedHeader(token), typ })}.${payload}.${signature}`;
  },
  truncated(token: string, keep: number): string {
    return token.slice(0, Math.max(1, Math.min(keep, token.length - 1)));
  },
};
