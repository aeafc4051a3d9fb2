/*
 * RFC 7636 (PKCE), the parts a host checks. Pure: the S256 hash is passed in, so the rule stays
 * free of Node and runs in the UI and the checker as it does in the engine.
 */

export type PkceMethod = 'S256' | 'plain';

/** RFC 7636 §4.1: 43–128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const verifierPattern = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Whether a code_verifier or a code_challenge has the form §4.1 and §4.2 give both. */
export function isPkceValue(value: string): boolean {
  return verifierPattern.test(value);
}

/** The challenge method of an authorization request: absent means plain (§4.3); anything else is refused. */
export function pkceMethod(sent: string | undefined): PkceMethod | null {
  if (sent === undefined || sent === 'plain') return 'plain';
  return sent === 'S256' ? 'S256' : null;
}

/** Why a code_verifier does not match the challenge, or null when it does (§4.6). `s256` is BASE64URL(SHA256(ASCII(v))). */
export function pkceProblem(
  challenge: string,
  method: PkceMethod,
  verifier: string | undefined,
  s256: (verifier: string) => string,
): string | null {
  if (verifier === undefined) return 'code_verifier is missing, and the authorization request sent a code_challenge (RFC 7636 section 4.5)';
  if (!isPkceValue(verifier)) return 'code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 section 4.1)';
  const derived = method === 'S256' ? s256(verifier) : verifier;
  return derived === challenge ? null : `code_verifier does not match the code_challenge (${method}; RFC 7636 section 4.6)`;
}
