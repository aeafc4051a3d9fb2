import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a secret someone sent with the one expected in time that depends on neither: both
 * are hashed first (SHA-256), so the comparison is over 32 bytes whatever their lengths, and
 * neither where they first differ nor how long the expected one is shows in the timing.
 */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

// UTF-16 code units, not UTF-8: UTF-8 turns every lone surrogate into U+FFFD, so two different
// strings would compare equal.
function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf16le').digest();
}
