import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a sent secret is the expected one, in time that depends on neither: both are hashed
 * first, so the comparison always covers 32 bytes and not even their lengths show. Hashed as
 * UTF-16 code units, so no two different strings meet (UTF-8 would turn lone surrogates into one
 * replacement character).
 */
export function sameSecret(sent: string, expected: string): boolean {
  return timingSafeEqual(digest(sent), digest(expected));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(Buffer.from(text, 'utf16le')).digest();
}
