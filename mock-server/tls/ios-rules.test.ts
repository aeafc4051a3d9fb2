import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  X509CertificateGenerator,
} from '@peculiar/x509';
import type { Extension } from '@peculiar/x509';
import { checkIosRules } from './ios-rules.js';

const DAY_MS = 24 * 60 * 60 * 1000;
// Whole seconds, because X.509 times drop milliseconds and the day counts must come out exact.
const NOT_BEFORE = new Date(Date.UTC(2030, 0, 1, 12, 0, 0));
const DURING_VALIDITY = new Date(NOT_BEFORE.getTime() + DAY_MS);

type KeyChoice =
  { kind: 'ec'; curve: 'P-256' | 'P-384' | 'P-521'; hash: string } | { kind: 'rsa'; bits: number; hash: string } | { kind: 'ed25519' };

interface CertificateShape {
  key: KeyChoice;
  validityDays: number;
  extensions: Extension[];
}

const serverExtensions = (): Extension[] => [
  new BasicConstraintsExtension(false, undefined, true),
  new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
  new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
  new SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }]),
];

const compliantShape = (): CertificateShape => ({
  key: { kind: 'ec', curve: 'P-256', hash: 'SHA-256' },
  validityDays: 390,
  extensions: serverExtensions(),
});

async function makeCertificate(shape: CertificateShape): Promise<string> {
  const { keyAlgorithm, signingAlgorithm } = algorithmsFor(shape.key);
  const keys = (await webcrypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await X509CertificateGenerator.createSelfSigned({
    name: [{ CN: ['rules test'] }],
    notBefore: NOT_BEFORE,
    notAfter: new Date(NOT_BEFORE.getTime() + shape.validityDays * DAY_MS),
    signingAlgorithm,
    keys,
    extensions: shape.extensions,
  });
  return cert.toString('pem');
}

function algorithmsFor(key: KeyChoice): {
  keyAlgorithm: webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams | webcrypto.Algorithm;
  signingAlgorithm: { name: string; hash?: string };
} {
  switch (key.kind) {
    case 'ec':
      return {
        keyAlgorithm: { name: 'ECDSA', namedCurve: key.curve },
        signingAlgorithm: { name: 'ECDSA', hash: key.hash },
      };
    case 'rsa':
      return {
        keyAlgorithm: {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: key.bits,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: key.hash,
        },
        signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5' },
      };
    case 'ed25519':
      return { keyAlgorithm: { name: 'Ed25519' }, signingAlgorithm: { name: 'Ed25519' } };
  }
}

describe('checkIosRules', () => {
  test('accepts an EC P-256 / SHA-256 server certificate with SAN, serverAuth and 390 days', async () => {
    assert.deepEqual(checkIosRules(await makeCertificate(compliantShape()), DURING_VALIDITY), []);
  });

  test('accepts RSA-2048 and EC P-384 keys', async () => {
    const rsa = await makeCertificate({ ...compliantShape(), key: { kind: 'rsa', bits: 2048, hash: 'SHA-256' } });
    const p384 = await makeCertificate({ ...compliantShape(), key: { kind: 'ec', curve: 'P-384', hash: 'SHA-384' } });
    assert.deepEqual(checkIosRules(rsa, DURING_VALIDITY), []);
    assert.deepEqual(checkIosRules(p384, DURING_VALIDITY), []);
  });

  const violations: Array<[string, () => CertificateShape, string[]]> = [
    ['800-day validity', () => ({ ...compliantShape(), validityDays: 800 }), ['validity period: 800 days exceeds the 397-day maximum']],
    [
      '398-day validity (Apple allows it, the CA/Browser Forum does not)',
      () => ({ ...compliantShape(), validityDays: 398 }),
      ['validity period: 398 days exceeds the 397-day maximum'],
    ],
    [
      'no extendedKeyUsage',
      () => ({ ...compliantShape(), extensions: serverExtensions().filter((e) => !(e instanceof ExtendedKeyUsageExtension)) }),
      ['extendedKeyUsage: serverAuth (1.3.6.1.5.5.7.3.1) is missing'],
    ],
    [
      'extendedKeyUsage with clientAuth only',
      () => ({
        ...compliantShape(),
        extensions: [
          ...serverExtensions().filter((e) => !(e instanceof ExtendedKeyUsageExtension)),
          new ExtendedKeyUsageExtension([ExtendedKeyUsage.clientAuth]),
        ],
      }),
      ['extendedKeyUsage: serverAuth (1.3.6.1.5.5.7.3.1) is missing'],
    ],
    [
      'basicConstraints cA=true',
      () => ({
        ...compliantShape(),
        extensions: [
          ...serverExtensions().filter((e) => !(e instanceof BasicConstraintsExtension)),
          new BasicConstraintsExtension(true, undefined, true),
        ],
      }),
      ['basicConstraints: cA is true, a server certificate must not be a CA'],
    ],
    [
      'no subjectAltName',
      () => ({
        ...compliantShape(),
        extensions: serverExtensions().filter((e) => !(e instanceof SubjectAlternativeNameExtension)),
      }),
      ['subjectAltName: missing, iOS ignores the common name and needs at least one DNS or IP name'],
    ],
    [
      'RSA-1024 signed with SHA-1',
      () => ({ ...compliantShape(), key: { kind: 'rsa', bits: 1024, hash: 'SHA-1' } }),
      [
        'signature hash: SHA-1 is not accepted, SHA-256 or stronger is required',
        'key: RSA-1024 is too small, RSA 2048 bits or more (or EC P-256/P-384) is required',
      ],
    ],
    [
      'ECDSA P-256 signed with SHA-1',
      () => ({ ...compliantShape(), key: { kind: 'ec', curve: 'P-256', hash: 'SHA-1' } }),
      ['signature hash: SHA-1 is not accepted, SHA-256 or stronger is required'],
    ],
    [
      'EC P-521 key',
      () => ({ ...compliantShape(), key: { kind: 'ec', curve: 'P-521', hash: 'SHA-512' } }),
      ['key: EC P-521 is not accepted, EC P-256/P-384 (or RSA 2048 bits or more) is required'],
    ],
    [
      'Ed25519 key',
      () => ({ ...compliantShape(), key: { kind: 'ed25519' } }),
      [
        'signature hash: Ed25519 is not accepted, SHA-256 or stronger is required',
        'key: ed25519 is not accepted, RSA 2048 bits or more or EC P-256/P-384 is required',
      ],
    ],
  ];
  for (const [name, shape, expected] of violations) {
    test(`flags ${name}`, async () => {
      assert.deepEqual(checkIosRules(await makeCertificate(shape()), DURING_VALIDITY), expected);
    });
  }

  test('flags a certificate used before notBefore or after notAfter', async () => {
    const pem = await makeCertificate(compliantShape());
    const notAfter = new Date(NOT_BEFORE.getTime() + 390 * DAY_MS);
    assert.deepEqual(checkIosRules(pem, new Date(NOT_BEFORE.getTime() - 1000)), ['validity: not valid before 2030-01-01T12:00:00.000Z']);
    assert.deepEqual(checkIosRules(pem, new Date(notAfter.getTime() + 1000)), [`validity: expired at ${notAfter.toISOString()}`]);
  });

  test('reports every broken rule of a CA certificate used as a server certificate', async () => {
    const pem = await makeCertificate({
      key: { kind: 'ec', curve: 'P-256', hash: 'SHA-256' },
      validityDays: 3650,
      extensions: [new BasicConstraintsExtension(true, 0, true)],
    });
    assert.deepEqual(checkIosRules(pem, DURING_VALIDITY), [
      'subjectAltName: missing, iOS ignores the common name and needs at least one DNS or IP name',
      'extendedKeyUsage: serverAuth (1.3.6.1.5.5.7.3.1) is missing',
      'basicConstraints: cA is true, a server certificate must not be a CA',
      'validity period: 3650 days exceeds the 397-day maximum',
    ]);
  });

  test('says so when the input is not a certificate', () => {
    assert.deepEqual(checkIosRules('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n'), [
      'certificate: cannot be parsed as a PEM X.509 certificate',
    ]);
  });
});
