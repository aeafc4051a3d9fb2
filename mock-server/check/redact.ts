/*
 * Reports are pasted into tickets and CI logs: no token, code or secret may appear in them. The
 * checker registers every secret it handles, and every string a report shows passes through here.
 */

export const redacted = '[redacted]';

/** Query parameters and JSON properties whose values are always secret, whatever they hold. */
const secretNames = ['access_token', 'refresh_token', 'code', 'client_secret', 'AccessToken', 'id_token'];
const secretQuery = new RegExp(`([?&](?:${secretNames.join('|')})=)[^&#\\s"]*`, 'g');
const secretJson = new RegExp(`("(?:${secretNames.join('|')})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'g');
// Not a challenge's `Bearer authorization_uri="…"`: that names parameters, it holds no credential.
const credentials = /\b(Bearer:?|Basic)\s+(?![A-Za-z_]+\s*=\s*")[^\s,"]+/gi;

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remembers a secret so it is cut wherever it shows up, even in a place no pattern knows. */
  add(secret: string | undefined): void {
    // Very short values would redact ordinary words; nothing real is that short.
    if (secret !== undefined && secret.length >= 6) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text.replace(secretQuery, `$1${redacted}`).replace(secretJson, `$1"${redacted}"`).replace(credentials, `$1 ${redacted}`);
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(redacted);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(redacted);
    }
    return out;
  }
}
