import { X509Certificate } from 'node:crypto';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  X509Certificate as PeculiarCertificate,
} from '@peculiar/x509';

const DAY_MS = 24 * 60 * 60 * 1000;

// Apple (HT211025) allows 398 days; the CA/Browser Forum baseline requirements allow 397.
// Checking the stricter one keeps Chrome and Android happy with the same certificate.
export const MAX_LEAF_VALIDITY_DAYS = 397;

const ACCEPTED_HASHES = new Set(['SHA-256', 'SHA-384', 'SHA-512']);
const ACCEPTED_CURVES = new Set(['P-256', 'P-384']);
// Node reports OpenSSL's curve names; the messages use the NIST names people know.
const NIST_CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const MIN_RSA_BITS = 2048;

/**
 * Apple's requirements for trusted TLS server certificates (HT210176, HT211025) plus the
 * browser baseline, as messages a person can act on. Empty means the phone should accept it
 * once the issuing CA is trusted.
 */
export function checkIosRules(certPem: string, now: Date = new Date()): string[] {
  let cert: X509Certificate;
  let parsed: PeculiarCertificate;
  try {
    cert = new X509Certificate(certPem);
    parsed = new PeculiarCertificate(certPem);
  } catch {
    return ['certificate: cannot be parsed as a PEM X.509 certificate'];
  }

  const violations: string[] = [];

  const signatureHash = describeSignatureHash(parsed);
  if (!ACCEPTED_HASHES.has(signatureHash)) {
    violations.push(`signature hash: ${signatureHash} is not accepted, SHA-256 or stronger is required`);
  }

  const keyProblem = describeKeyProblem(cert);
  if (keyProblem !== undefined) violations.push(keyProblem);

  // Node leaves subjectAltName undefined when the extension is absent.
  if (!cert.subjectAltName) {
    violations.push('subjectAltName: missing, iOS ignores the common name and needs at least one DNS or IP name');
  }

  const extendedKeyUsage = parsed.getExtension(ExtendedKeyUsageExtension);
  if (!extendedKeyUsage?.usages.includes(ExtendedKeyUsage.serverAuth)) {
    violations.push(`extendedKeyUsage: serverAuth (${ExtendedKeyUsage.serverAuth}) is missing`);
  }

  if (parsed.getExtension(BasicConstraintsExtension)?.ca === true) {
    violations.push('basicConstraints: cA is true, a server certificate must not be a CA');
  }

  const validityDays = (parsed.notAfter.getTime() - parsed.notBefore.getTime()) / DAY_MS;
  if (validityDays > MAX_LEAF_VALIDITY_DAYS) {
    violations.push(`validity period: ${formatDays(validityDays)} days exceeds the ${MAX_LEAF_VALIDITY_DAYS}-day maximum`);
  }
  if (now.getTime() < parsed.notBefore.getTime()) {
    violations.push(`validity: not valid before ${parsed.notBefore.toISOString()}`);
  }
  if (now.getTime() > parsed.notAfter.getTime()) {
    violations.push(`validity: expired at ${parsed.notAfter.toISOString()}`);
  }

  return violations;
}

function describeSignatureHash(cert: PeculiarCertificate): string {
  // @peculiar/x509 types this with DOM's `Algorithm`, which the Node-only lib set lacks.
  const algorithm = cert.signatureAlgorithm as unknown as { name: string; hash?: { name: string } };
  // Ed25519/Ed448 carry no separate hash, and an unknown algorithm comes back named by its OID;
  // either way the name says why it was refused.
  return algorithm.hash?.name ?? algorithm.name;
}

function describeKeyProblem(cert: X509Certificate): string | undefined {
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    return bits >= MIN_RSA_BITS
      ? undefined
      : `key: RSA-${bits} is too small, RSA ${MIN_RSA_BITS} bits or more (or EC P-256/P-384) is required`;
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = NIST_CURVE_NAMES[details.namedCurve ?? ''] ?? details.namedCurve ?? 'unknown curve';
    return ACCEPTED_CURVES.has(curve)
      ? undefined
      : `key: EC ${curve} is not accepted, EC P-256/P-384 (or RSA ${MIN_RSA_BITS} bits or more) is required`;
  }
  return `key: ${key.asymmetricKeyType ?? 'unknown type'} is not accepted, RSA ${MIN_RSA_BITS} bits or more or EC P-256/P-384 is required`;
}

function formatDays(days: number): string {
  return Number.isInteger(days) ? String(days) : days.toFixed(1);
}
