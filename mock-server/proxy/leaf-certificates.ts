import { createSecureContext, type SecureContext } from 'node:tls';
import type { IssuedLeaf } from '../tls/certificates.js';
import { wopiCiphers } from '../tls/server-options.js';

/**
 * The forward proxy's certificates: one leaf per intercepted name, signed by the per-install CA
 * the phone already trusts, made on the first CONNECT (or SNI) for that name and kept for the
 * rest of the run (renewed before it expires). Signing is a few milliseconds; a handshake per request must not pay it.
 */
export class LeafCertificates {
  private readonly contexts = new Map<string, Leaf>();

  constructor(
    private readonly issueLeafFor: (name: string) => Promise<IssuedLeaf>,
    /** Names kept at most; a wildcard could otherwise grow the cache without end. */
    private readonly capacity = 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A leaf is made again a day before it expires, so a host that runs for longer never shows an expired one. */
  contextFor(name: string): Promise<SecureContext> {
    const key = name.toLowerCase();
    const cached = this.contexts.get(key);
    if (cached && this.clock() < cached.renewAt) return cached.context;
    if (cached) this.contexts.delete(key);
    const issued = this.issueLeafFor(key);
    const leaf: Leaf = {
      context: issued.then(({ certPem, keyPem }) =>
        createSecureContext({ cert: certPem, key: keyPem, minVersion: 'TLSv1.2', ciphers: wopiCiphers, honorCipherOrder: false }),
      ),
      renewAt: Infinity,
    };
    issued.then(
      ({ notAfter }) => (leaf.renewAt = notAfter.getTime() - renewBeforeMs),
      () => {},
    );
    // A failure is not cached: the next CONNECT tries again.
    leaf.context.catch(() => {
      if (this.contexts.get(key) === leaf) this.contexts.delete(key);
    });
    if (this.contexts.size >= this.capacity) this.contexts.delete(this.contexts.keys().next().value!);
    this.contexts.set(key, leaf);
    return leaf.context;
  }

  get size(): number {
    return this.contexts.size;
  }
}

/** A leaf being made or made; `renewAt` is known once it is signed (until then it is not due). */
interface Leaf {
  context: Promise<SecureContext>;
  renewAt: number;
}

const renewBeforeMs = 24 * 60 * 60 * 1000;
