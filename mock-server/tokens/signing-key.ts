import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { keepAside, readIfExists, writeFileAtomic } from '../state/atomic-file.js';

export interface SigningKey {
  secret: Uint8Array;
  warnings: string[];
}

const keyBytes = 32;

/** The HS256 secret every token is signed with, kept in the data dir (mode 0600) across restarts. */
export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  const file = path.join(dataDir, 'keys', 'token-signing.key');
  const warnings: string[] = [];
  const text = await readIfExists(file);
  if (text !== undefined) {
    const secret = Buffer.from(text.trim(), 'base64url');
    if (secret.length === keyBytes) return { secret, warnings };
    const aside = await keepAside(file);
    warnings.push(`token signing key ${file} was unreadable; kept it at ${aside} and made a new one (earlier tokens no longer verify)`);
  }
  const secret = randomBytes(keyBytes);
  await writeFileAtomic(file, secret.toString('base64url') + '\n', 0o600);
  return { secret, warnings };
}
