import { DEFAULT_CIPHERS } from 'node:tls';
import type { ServerOptions } from 'node:https';
import type { TlsMaterial } from './certificates.js';

/**
 * TLS 1.3's suites, as Node offers them by default: all are AEAD with forward secrecy by design.
 * They must be named here too: a cipher list without any makes Node turn TLS 1.3 off.
 */
const tls13Suites = DEFAULT_CIPHERS.split(':').filter((suite) => suite.startsWith('TLS_'));

/**
 * TLS 1.2: ephemeral ECDH key exchange (forward secrecy) with an AEAD cipher, and nothing else:
 * no CBC suites (Lucky13 and kin), no static-RSA key exchange, no finite-field DHE. Every
 * Office client and browser that speaks TLS 1.2 has these. The leaf key is EC P-256, so the
 * ECDSA ones serve; the RSA ones are for a leaf with an RSA key.
 */
export const tls12Suites = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
] as const;

export const wopiCiphers = [
  ...(tls13Suites.length > 0 ? tls13Suites : ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256']),
  ...tls12Suites,
].join(':');

/** The TLS side of the WOPI listener: the leaf certificate, TLS 1.2 at least, and the suites above. */
export function wopiTlsOptions(material: Pick<TlsMaterial, 'leafCertPem' | 'leafKeyPem'>): ServerOptions {
  return {
    cert: material.leafCertPem,
    key: material.leafKeyPem,
    minVersion: 'TLSv1.2',
    ciphers: wopiCiphers,
    // Every suite offered is strong, so the client's preference wins (as Mozilla's intermediate
    // profile has it): a phone without AES hardware asks for ChaCha20 first and should get it.
    honorCipherOrder: false,
  };
}
