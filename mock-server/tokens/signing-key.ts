import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { keepAside, readIfExists, writeFileAtomic } from '../disk/atomic-file.js';

export interface SigningKey {
  secret: Uint8Array;
  warnings: string[];
}

const keyBytes = 32;

/** The HS256 secret every token is signed with, kept in the data dir (mode 0600) across restarts. */
export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  const file = path.join(dataDir, 'keys', 'token-signing.key');
  const warnings: string[] = [];
  let text: string | undefined;
  let unreadable = false;
  try {
    text = await readIfExists(file);
  } catch {
    unreadable = true; // a folder in its place, no permission: kept aside like a corrupt key
  }
  const secret = text === undefined ? undefined : Buffer.from(text.trim(), 'base64url');
  if (secret?.length === keyBytes) return { secret, warnings };
  if (unreadable || text !== undefined) {
    const aside = await keepAside(file).catch((error: Error) => {
      throw new Error(
        `token signing key ${file} is unreadable and could not be moved aside (${error.message}); move or remove it, then start again`,
      );
    });
    warnings.push(`token signing key ${file} was unreadable; kept it at ${aside} and made a new one (earlier tokens no longer verify)`);
  }
  const fresh = randomBytes(keyBytes);
  await writeFileAtomic(file, fresh.toString('base64url') + '\n', 0o600);
  return { secret: fresh, warnings };
}
