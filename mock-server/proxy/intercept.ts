import { isIP } from 'node:net';

/*
 * Which CONNECT targets the forward proxy decrypts: exact names, and `*.example.com`, which
 * matches every name below example.com (a.example.com, a.b.example.com) but not example.com
 * itself, as a wildcard certificate would not. Everything else is tunnelled untouched.
 */

/** A domain the forward proxy cannot intercept; the message says what to change. */
export class InterceptDomainError extends Error {}

const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The pattern, lowercased, or an error naming what is wrong with it. */
export function normalizeInterceptDomain(pattern: string): string {
  const value = pattern.trim().toLowerCase().replace(/\.$/, '');
  const name = value.startsWith('*.') ? value.slice(2) : value;
  if (isIP(name.replace(/^\[|\]$/g, '')) !== 0) {
    if (value.startsWith('*.')) throw new InterceptDomainError(`"${pattern}": a wildcard needs a domain name, not an address`);
    return name.replace(/^\[|\]$/g, '');
  }
  if (name === '' || name.length > 253 || !name.split('.').every((part) => label.test(part)))
    throw new InterceptDomainError(`"${pattern}" is not a host name or *.domain (e.g. wopi.example.com, *.example.com)`);
  if (value.startsWith('*.') && !name.includes('.'))
    throw new InterceptDomainError(`"${pattern}" would intercept a whole top-level domain; name one below it (e.g. *.example.com)`);
  return value;
}

export class InterceptList {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];

  /** Patterns already normalized (normalizeInterceptDomain). */
  constructor(readonly patterns: readonly string[]) {
    for (const pattern of patterns) {
      if (pattern.startsWith('*.')) this.suffixes.push(pattern.slice(1));
      else this.exact.add(pattern);
    }
  }

  matches(host: string): boolean {
    const name = host
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '')
      .toLowerCase();
    return this.exact.has(name) || this.suffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
  }
}
