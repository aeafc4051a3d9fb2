import { createSecureContext, type SecureContext } from 'node:tls';
import type { IssuedLeaf } from '../tls/certificates.js';
import { wopiCiphers } from '../tls/server-options.js';

/**
 * The forward proxy's certificates: one leaf per intercepted name, signed by the per-install CA
 * the phone already trusts, made on the first CONNECT (or SNI) for that name and kept for the
 * rest of the run. Signing is a few milliseconds; a handshake per request must not pay it.
 */
export class LeafCertificates {
  private readonly contexts = new Map<string, Promise<SecureContext>>();

  constructor(
    private readonly issueLeafFor: (name: string) => Promise<IssuedLeaf>,
    /** Names kept at most; a wildcard could otherwise grow the cache without end. */
    private readonly capacity = 1000,
  ) {}

  contextFor(name: string): Promise<SecureContext> {
    const key = name.toLowerCase();
    const cached = this.contexts.get(key);
    if (cached) return cached;
    const made = this.issueLeafFor(key).then(({ certPem, keyPem }) =>
      createSecureContext({ cert: certPem, key: keyPem, minVersion: 'TLSv1.2', ciphers: wopiCiphers, honorCipherOrder: false }),
    );
    // A failure is not cached: the next CONNECT tries again.
    made.catch(() => {
      if (this.contexts.get(key) === made) this.contexts.delete(key);
    });
    if (this.contexts.size >= this.capacity) this.contexts.delete(this.contexts.keys().next().value!);
    this.contexts.set(key, made);
    return made;
  }

  get size(): number {
    return this.contexts.size;
  }
}
