import { KeyObject, X509Certificate, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import os from 'node:os';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate as PeculiarCertificate,
  X509CertificateGenerator,
} from '@peculiar/x509';
import type { Extension } from '@peculiar/x509';
import { keepAside, writeFileAtomic } from '../disk/atomic-file.js';
import { checkIosRules } from './ios-rules.js';
import { collectSubjectAltNames, sameSubjectAltNames } from './subject-alt-names.js';
import type { SubjectAltName } from './subject-alt-names.js';

export interface TlsMaterial {
  caCertPem: string;
  caCertPath: string;
  leafCertPem: string;
  leafKeyPem: string;
  caFingerprintSha256: string;
  leafSubjectAltNames: SubjectAltName[];
  leafNotAfter: Date;
  caCreated: boolean;
  leafIssued: boolean;
  warnings: string[];
  /**
   * Signs a leaf for one host name or IP address with the CA, kept in memory only: the forward
   * proxy's certificate for a name it intercepts (proxy/leaf-certificates.ts caches them).
   */
  issueLeafFor: (name: string) => Promise<IssuedLeaf>;
}

/** A leaf certificate and its key, PEM. */
export interface IssuedLeaf {
  certPem: string;
  keyPem: string;
  notAfter: Date;
}

export interface EnsureTlsMaterialOptions {
  dataDir: string;
  publicHost: string;
  now?: Date;
  hostname?: string;
  interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const ORGANIZATION = 'WOPI Mock Host';
// Backdating absorbs a phone whose clock runs behind this machine's.
const CLOCK_SKEW_MS = 60 * 60 * 1000;
// The CA is installed by hand on every phone, so it should outlive any realistic test campaign.
const CA_VALIDITY_DAYS = 3650;
// Below the 397-day ceiling enforced by checkIosRules even with the clock-skew backdating.
const LEAF_VALIDITY_DAYS = 390;
const LEAF_RENEWAL_MARGIN_DAYS = 30;
// X.520 upper bound for commonName; longer values are rejected by strict parsers.
const MAX_COMMON_NAME_LENGTH = 64;

// EC P-256 for both CA and leaf: every iOS/Android/Windows TLS stack accepts it, the handshake
// signature is far cheaper than RSA-2048 (matters on phones doing many short connections), and
// key generation is instant where RSA takes a noticeable fraction of a second.
const GENERATED_KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

const FILE_NAMES = { caCert: 'ca.crt', caKey: 'ca.key', leafCert: 'leaf.crt', leafKey: 'leaf.key' } as const;
type TlsPaths = Record<keyof typeof FILE_NAMES, string>;

interface CertificateAuthority {
  certPem: string;
  cert: X509Certificate;
  signingKey: webcrypto.CryptoKey;
  signingAlgorithm: { name: string; hash: string };
}

type Leaf = IssuedLeaf;

type FileRead = { state: 'missing' } | { state: 'unreadable'; reason: string } | { state: 'read'; text: string };

/**
 * Loads the per-install CA and the server certificate from `<dataDir>/tls/`, creating or
 * renewing what is missing or no longer fits. The CA is never replaced while it is usable,
 * because every phone would have to install it again.
 */
export async function ensureTlsMaterial(options: EnsureTlsMaterialOptions): Promise<TlsMaterial> {
  const now = options.now ?? new Date();
  const hostname = options.hostname ?? os.hostname();
  const interfaces = options.interfaces ?? os.networkInterfaces();
  const tlsDir = path.join(path.resolve(options.dataDir), 'tls');
  await fs.mkdir(tlsDir, { recursive: true, mode: 0o700 });
  const paths: TlsPaths = {
    caCert: path.join(tlsDir, FILE_NAMES.caCert),
    caKey: path.join(tlsDir, FILE_NAMES.caKey),
    leafCert: path.join(tlsDir, FILE_NAMES.leafCert),
    leafKey: path.join(tlsDir, FILE_NAMES.leafKey),
  };
  const warnings: string[] = [];

  let ca = await loadCertificateAuthority(paths, now, warnings);
  const caCreated = ca === undefined;
  ca ??= await createCertificateAuthority(paths, hostname, now);

  const caNotAfter = new PeculiarCertificate(ca.certPem).notAfter;
  if (caNotAfter.getTime() - now.getTime() < LEAF_RENEWAL_MARGIN_DAYS * DAY_MS) {
    warnings.push(
      `The CA certificate ${paths.caCert} expires at ${caNotAfter.toISOString()}. Delete ${paths.caCert} and ` +
        `${paths.caKey} to generate a new CA, then install it on every phone again.`,
    );
  }

  const wantedNames = collectSubjectAltNames({ publicHost: options.publicHost, hostname, interfaces });
  let leaf = caCreated ? undefined : await loadUsableLeaf(paths, ca, wantedNames, now);
  const leafIssued = leaf === undefined;
  leaf ??= await issueLeaf(paths, ca, options.publicHost, wantedNames, now);

  return {
    caCertPem: ca.certPem,
    caCertPath: paths.caCert,
    leafCertPem: leaf.certPem,
    leafKeyPem: leaf.keyPem,
    caFingerprintSha256: ca.cert.fingerprint256,
    leafSubjectAltNames: wantedNames,
    leafNotAfter: leaf.notAfter,
    caCreated,
    leafIssued,
    warnings,
    issueLeafFor: (name) => signLeaf(ca, name, [nameAsSubjectAltName(name)], new Date()),
  };
}

/** A DNS name or, when it reads as one, an IP address (IPv6 without brackets). */
function nameAsSubjectAltName(name: string): SubjectAltName {
  const bare = name.replace(/^\[|\]$/g, '');
  return isIP(bare) === 0 ? { type: 'dns', value: bare.toLowerCase() } : { type: 'ip', value: bare };
}

async function loadCertificateAuthority(paths: TlsPaths, now: Date, warnings: string[]): Promise<CertificateAuthority | undefined> {
  const certFile = await readTextFile(paths.caCert);
  const keyFile = await readTextFile(paths.caKey);
  if (certFile.state === 'missing' && keyFile.state === 'missing') return undefined;

  const loaded = await parseCertificateAuthority(paths, certFile, keyFile);
  if (typeof loaded !== 'string') return loaded;

  // Whatever is there may be the CA phones already trust (say, a truncated copy of a good key),
  // so it is kept for a human to look at rather than overwritten.
  for (const [file, read] of [
    [paths.caCert, certFile],
    [paths.caKey, keyFile],
  ] as const) {
    if (read.state === 'missing') continue;
    const asidePath = await keepAside(file, now);
    warnings.push(
      `Kept ${file} aside as ${asidePath} because ${loaded}. A new CA was generated; ` +
        `phones must install the new ${FILE_NAMES.caCert}.`,
    );
  }
  return undefined;
}

/** The CA, or the reason it cannot be used. */
async function parseCertificateAuthority(paths: TlsPaths, certFile: FileRead, keyFile: FileRead): Promise<CertificateAuthority | string> {
  if (certFile.state === 'missing') return `${paths.caCert} is missing`;
  if (certFile.state === 'unreadable') return `${paths.caCert} cannot be read (${certFile.reason})`;
  if (keyFile.state === 'missing') return `${paths.caKey} is missing`;
  if (keyFile.state === 'unreadable') return `${paths.caKey} cannot be read (${keyFile.reason})`;

  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certFile.text);
  } catch {
    return `${paths.caCert} is not a PEM certificate`;
  }
  if (!cert.ca) return `${paths.caCert} is not a CA certificate`;

  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(keyFile.text);
  } catch {
    return `${paths.caKey} is not an unencrypted PEM private key`;
  }
  if (!cert.checkPrivateKey(privateKey)) return `${paths.caKey} does not belong to ${paths.caCert}`;

  const signer = await importSigningKey(privateKey);
  if (signer === undefined) {
    return `${paths.caKey} holds a ${privateKey.asymmetricKeyType ?? 'unknown'} key, which cannot sign certificates here`;
  }
  return { certPem: certFile.text, cert, ...signer };
}

/** Existing CAs may come from elsewhere (e.g. an mkcert RSA root), so RSA and NIST curves are accepted. */
async function importSigningKey(privateKey: KeyObject): Promise<Pick<CertificateAuthority, 'signingKey' | 'signingAlgorithm'> | undefined> {
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  if (privateKey.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const signingKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
    return { signingKey, signingAlgorithm: algorithm };
  }
  if (privateKey.asymmetricKeyType === 'ec') {
    const curveName = privateKey.asymmetricKeyDetails?.namedCurve ?? '';
    const namedCurve = ({ prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' } as Record<string, string>)[curveName];
    if (namedCurve === undefined) return undefined;
    const signingKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve }, false, ['sign']);
    return { signingKey, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } };
  }
  return undefined;
}

async function createCertificateAuthority(paths: TlsPaths, hostname: string, now: Date): Promise<CertificateAuthority> {
  const keys = await webcrypto.subtle.generateKey(GENERATED_KEY_ALGORITHM, true, ['sign', 'verify']);
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' };
  const cert = await X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumberHex(),
    name: [{ CN: [caCommonName(hostname, now)] }, { O: [ORGANIZATION] }],
    notBefore,
    notAfter: new Date(notBefore.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    signingAlgorithm,
    keys,
    extensions: [
      // pathLen 0: this CA signs only leaves, so a leaked leaf key cannot mint further CAs.
      new BasicConstraintsExtension(true, 0, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
      await SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certPem = pemFile(cert.toString('pem'));
  const keyPem = privateKeyPem(keys.privateKey);
  // Key first: a crash between the writes leaves a key without a certificate, which the next
  // start keeps aside, never a certificate whose key is lost while phones already trust it.
  await writeFileAtomic(paths.caKey, keyPem, 0o600);
  await writeFileAtomic(paths.caCert, certPem, 0o644);
  return { certPem, cert: new X509Certificate(certPem), signingKey: keys.privateKey, signingAlgorithm };
}

function caCommonName(hostname: string, now: Date): string {
  const prefix = `${ORGANIZATION} CA (`;
  const suffix = `, ${now.toISOString().slice(0, 10)})`;
  const room = MAX_COMMON_NAME_LENGTH - prefix.length - suffix.length;
  return `${prefix}${hostname.trim().slice(0, room)}${suffix}`;
}

async function loadUsableLeaf(
  paths: TlsPaths,
  ca: CertificateAuthority,
  wantedNames: SubjectAltName[],
  now: Date,
): Promise<Leaf | undefined> {
  const certFile = await readTextFile(paths.leafCert);
  const keyFile = await readTextFile(paths.leafKey);
  // The leaf is derived material: anything unusable is simply issued again, nothing is lost.
  if (certFile.state !== 'read' || keyFile.state !== 'read') return undefined;
  let cert: X509Certificate;
  let parsed: PeculiarCertificate;
  let key: KeyObject;
  try {
    cert = new X509Certificate(certFile.text);
    parsed = new PeculiarCertificate(certFile.text);
    key = createPrivateKey(keyFile.text);
  } catch {
    return undefined;
  }
  if (!cert.checkPrivateKey(key)) return undefined;
  if (!cert.verify(ca.cert.publicKey)) return undefined;
  const names = readSubjectAltNames(parsed);
  if (names === undefined || !sameSubjectAltNames(names, wantedNames)) return undefined;
  if (parsed.notAfter.getTime() - now.getTime() < LEAF_RENEWAL_MARGIN_DAYS * DAY_MS) return undefined;
  if (checkIosRules(certFile.text, now).length > 0) return undefined;
  return { certPem: certFile.text, keyPem: keyFile.text, notAfter: parsed.notAfter };
}

/** undefined when the certificate carries names this module never issues, so it is replaced. */
function readSubjectAltNames(cert: PeculiarCertificate): SubjectAltName[] | undefined {
  const extension = cert.getExtension(SubjectAlternativeNameExtension);
  if (extension === null) return [];
  const names: SubjectAltName[] = [];
  for (const { type, value } of extension.names.items) {
    if (type === 'dns' || type === 'ip') names.push({ type, value });
    else return undefined;
  }
  return names;
}

async function issueLeaf(paths: TlsPaths, ca: CertificateAuthority, publicHost: string, names: SubjectAltName[], now: Date): Promise<Leaf> {
  const leaf = await signLeaf(ca, publicHost, names, now);
  await writeFileAtomic(paths.leafKey, leaf.keyPem, 0o600);
  await writeFileAtomic(paths.leafCert, leaf.certPem, 0o644);
  return leaf;
}

async function signLeaf(ca: CertificateAuthority, publicHost: string, names: SubjectAltName[], now: Date): Promise<Leaf> {
  const keys = await webcrypto.subtle.generateKey(GENERATED_KEY_ALGORITHM, true, ['sign', 'verify']);
  const caCert = new PeculiarCertificate(ca.certPem);
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  // A leaf outliving its CA would fail validation anyway; capping it lets the renewal margin
  // trigger a re-issue (and the CA expiry warning) instead.
  const notAfter = new Date(Math.min(notBefore.getTime() + LEAF_VALIDITY_DAYS * DAY_MS, caCert.notAfter.getTime()));
  const commonName = publicHost.trim();
  const cert = await X509CertificateGenerator.create({
    serialNumber: randomSerialNumberHex(),
    subject: [
      { CN: [commonName.length > 0 && commonName.length <= MAX_COMMON_NAME_LENGTH ? commonName : ORGANIZATION] },
      { O: [ORGANIZATION] },
    ],
    // The Name object, not its string form, so the issuer bytes match the CA subject exactly.
    issuer: caCert.subjectName,
    notBefore,
    notAfter,
    signingAlgorithm: ca.signingAlgorithm,
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    extensions: [
      new BasicConstraintsExtension(false, undefined, true),
      // ECDHE key exchange only needs signatures; keyEncipherment would apply to RSA key transport.
      new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
      new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
      new SubjectAlternativeNameExtension(names.map(({ type, value }) => ({ type, value }))),
      await SubjectKeyIdentifierExtension.create(keys.publicKey),
      await authorityKeyIdentifier(caCert),
    ],
  });
  return { certPem: pemFile(cert.toString('pem')), keyPem: privateKeyPem(keys.privateKey), notAfter: cert.notAfter };
}

async function authorityKeyIdentifier(caCert: PeculiarCertificate): Promise<Extension> {
  const subjectKeyId = caCert.getExtension(SubjectKeyIdentifierExtension);
  // Reusing the CA's own identifier matters for CAs not made here, whose SKI may not be the SHA-1 hash.
  return subjectKeyId === null
    ? AuthorityKeyIdentifierExtension.create(caCert.publicKey)
    : new AuthorityKeyIdentifierExtension(subjectKeyId.keyId);
}

function randomSerialNumberHex(): string {
  const serial = randomBytes(16);
  // RFC 5280 wants a positive INTEGER; a non-zero first byte below 0x80 keeps it at exactly 16 bytes.
  serial[0] = serial[0]! & 0x7f || 0x01;
  return serial.toString('hex');
}

function privateKeyPem(privateKey: webcrypto.CryptoKey): string {
  return KeyObject.from(privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
}

async function readTextFile(filePath: string): Promise<FileRead> {
  try {
    return { state: 'read', text: await fs.readFile(filePath, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { state: 'missing' } : { state: 'unreadable', reason: code ?? String(error) };
  }
}

/** PEM as a file: ending in a newline, so `cat ca.crt other.crt > both.pem` gives a bundle every tool reads. */
function pemFile(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}
