import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { connect as tlsConnect, checkServerIdentity, type DetailedPeerCertificate } from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parse as parsePlist } from 'plist';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';
import { traversalSegment } from '../../test-support/arbitraries.js';
import { checkAsync } from '../../test-support/fuzz.js';
import { wireTo, type Wire, type WireReply } from '../../test-support/wire.js';

/**
 * The private keys stay in the data dir: no URL of either listener serves them, whole or in
 * part; /ca.crt and the profile carry the CA certificate and nothing else. The leaf is accepted
 * by Node's own TLS verification at every name and address it lists, once the CA is trusted.
 */

let h: Harness;
let wire: Wire;
let caKeyPem: string;
let leafKeyPem: string;
let caCertPem: string;
/** Byte strings any of which, found in an answer, would give a key away. */
let keyMaterial: Array<[string, Buffer]>;
before(async () => {
  h = await startHarness({ host: undefined });
  wire = wireTo(h);
  const tlsDir = path.join(h.dataDir, 'tls');
  caKeyPem = await readFile(path.join(tlsDir, 'ca.key'), 'utf8');
  leafKeyPem = await readFile(path.join(tlsDir, 'leaf.key'), 'utf8');
  caCertPem = await readFile(path.join(tlsDir, 'ca.crt'), 'utf8');
  const signing = (await readFile(path.join(h.dataDir, 'keys', 'token-signing.key'), 'utf8')).trim();
  const scalar = (pem: string) => Buffer.from(createPrivateKey(pem).export({ format: 'jwk' }).d!, 'base64url');
  const derOf = (pem: string) => createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' });
  keyMaterial = [];
  for (const [name, pem] of [
    ['CA key', caKeyPem],
    ['leaf key', leafKeyPem],
  ] as const) {
    keyMaterial.push(
      [`${name} scalar`, scalar(pem)],
      [`${name} scalar (hex)`, Buffer.from(scalar(pem).toString('hex'))],
      [`${name} scalar (base64)`, Buffer.from(scalar(pem).toString('base64'))],
    );
    keyMaterial.push(
      [`${name} PKCS#8 (base64 run)`, Buffer.from(derOf(pem).toString('base64').slice(24, 64))],
      [`${name} PEM run`, Buffer.from(pem.split('\n')[1]!.slice(0, 40))],
    );
  }
  keyMaterial.push(['token-signing key', Buffer.from(signing)], ['token-signing key bytes', Buffer.from(signing, 'base64url')]);
});
after(async () => {
  wire.close();
  await h.close();
});

function assertNoKey(reply: WireReply, what: string): void {
  for (const [name, bytes] of keyMaterial) assert.equal(reply.body.indexOf(bytes), -1, `${name} in ${what}`);
  assert.doesNotMatch(reply.text, /PRIVATE KEY/, what);
}

describe('the keys never leave the data dir', () => {
  test('no path on either listener, with or without the admin token, serves any part of a key', async (t) => {
    const named = fc.constantFrom(
      '/ca.key',
      '/tls/ca.key',
      '/leaf.key',
      '/tls/leaf.key',
      '/keys/token-signing.key',
      '/api/ca.key',
      '/api/tls/ca.key',
      '/ca.crt',
      '/ca.mobileconfig',
      '/setup',
      '/api/ca.crt',
      '/api/ca.mobileconfig',
      '/api/status',
      '/api/log/har',
      '/api/log',
      '/api/config',
      '/index.html',
      '/ca.pem',
      '/ca.p12',
      '/ca.pfx',
    );
    const traversal = fc
      .array(fc.oneof(traversalSegment, fc.constantFrom('tls', 'ca.key', 'leaf.key', 'keys', 'assets', 'api', 'data')), {
        minLength: 1,
        maxLength: 6,
      })
      .map((s) => '/' + s.join('/'));
    await checkAsync(
      t,
      [fc.oneof(named, traversal), fc.constantFrom('wopi' as const, 'admin' as const), fc.boolean()],
      async (route, listener, withToken) => {
        const reply =
          listener === 'wopi'
            ? await wire.wopi('GET', route)
            : await wire.admin('GET', route, withToken ? {} : { headers: { authorization: undefined } });
        assertNoKey(reply, `${listener} ${route}`);
      },
      {
        examples: [
          ['/ca.crt', 'wopi', false],
          ['/api/ca.crt', 'admin', true],
          ['/ca.mobileconfig', 'wopi', false],
          ['/api/log/har', 'admin', true],
        ],
      },
    );
  });

  test('/ca.crt and /api/ca.crt are exactly the CA certificate: one PEM block, the key pair of ca.key, nothing else', async () => {
    for (const reply of [await wire.wopi('GET', '/ca.crt'), await wire.admin('GET', '/api/ca.crt')]) {
      assert.equal(reply.status, 200);
      assert.equal(reply.text, caCertPem);
      assert.match(reply.text, /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n?$/);
      const cert = new X509Certificate(reply.text);
      assert.equal(cert.ca, true);
      assert.ok(cert.publicKey.equals(createPublicKey(caKeyPem)), 'the certificate is for the CA key');
      assertNoKey(reply, '/ca.crt');
    }
  });

  test('the iOS profile carries the CA certificate DER as its one payload, and no key', async () => {
    const reply = await wire.wopi('GET', '/ca.mobileconfig');
    assertNoKey(reply, '/ca.mobileconfig');
    const profile = parsePlist(reply.text) as { PayloadContent: Array<{ PayloadContent: Buffer; PayloadType: string }> };
    assert.equal(profile.PayloadContent.length, 1);
    assert.equal(profile.PayloadContent[0]!.PayloadType, 'com.apple.security.root');
    assert.ok(Buffer.from(profile.PayloadContent[0]!.PayloadContent).equals(new X509Certificate(caCertPem).raw));
  });
});

describe("the leaf passes Node's TLS verification", () => {
  /** Dials an address with the CA trusted, checking the name as a client using that address would. */
  function handshake(
    connectTo: string,
    name: string,
    ca: string | undefined,
    servername?: string,
  ): Promise<{ authorized: boolean; error: string | null; peer: DetailedPeerCertificate }> {
    const port = Number(new URL(h.origin).port);
    return new Promise((resolve, reject) => {
      const socket = tlsConnect(
        { host: connectTo, port, ...(ca ? { ca } : {}), ...(servername ? { servername } : {}), rejectUnauthorized: false },
        () => {
          const peer = socket.getPeerCertificate(true);
          const identity = checkServerIdentity(name, peer);
          resolve({
            authorized: socket.authorized,
            error: socket.authorizationError
              ? String((socket.authorizationError as Error & { code?: string }).code ?? socket.authorizationError)
              : identity
                ? String((identity as Error & { code?: string }).code)
                : null,
            peer,
          });
          socket.destroy();
        },
      );
      socket.once('error', reject);
    });
  }

  /** Where to dial an IP SAN: itself, with the interface for a link-local IPv6 address. */
  function dialable(ip: string): string {
    if (!ip.startsWith('fe80:')) return ip;
    for (const [name, infos] of Object.entries(os.networkInterfaces())) if (infos?.some((i) => i.address === ip)) return `${ip}%${name}`;
    throw new Error(`no interface has ${ip}`);
  }

  test('at every DNS name (by SNI) and every IP address (dialled) the certificate lists, when the CA is trusted', async (t) => {
    const sans = h.engine.status().leafSubjectAltNames;
    assert.ok(sans.includes('DNS:localhost') && sans.includes('IP:127.0.0.1'), sans.join(', '));
    const caFingerprint = new X509Certificate(caCertPem).fingerprint256;
    const viaLoopback: string[] = [];
    for (const san of sans) {
      const [type, value] = [san.slice(0, san.indexOf(':')), san.slice(san.indexOf(':') + 1)];
      let outcome;
      try {
        outcome =
          type === 'DNS' ? await handshake('127.0.0.1', value, caCertPem, value) : await handshake(dialable(value), value, caCertPem);
      } catch (error) {
        // An address of an interface that is down cannot be dialled; the certificate is then checked for it over loopback.
        if (!['EADDRNOTAVAIL', 'ENETUNREACH', 'EHOSTUNREACH', 'EINVAL'].includes(String((error as NodeJS.ErrnoException).code)))
          throw error;
        viaLoopback.push(san);
        outcome = await handshake('127.0.0.1', value, caCertPem);
        assert.equal(outcome.error, null, san);
      }
      assert.deepEqual([outcome.authorized, outcome.error], [true, null], san);
      assert.equal(new X509Certificate(outcome.peer.issuerCertificate.raw).fingerprint256, caFingerprint, `${san}: issued by our CA`);
    }
    t.diagnostic(
      `${sans.length} names and addresses: ${sans.join(', ')}${viaLoopback.length ? `; not dialable, checked over loopback: ${viaLoopback.join(', ')}` : ''}`,
    );
  });

  test('and refuses as it should: without the CA, or at a name the certificate does not list', async () => {
    const untrusted = await handshake('127.0.0.1', 'localhost', undefined, 'localhost');
    assert.deepEqual([untrusted.authorized, untrusted.error], [false, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);
    const otherName = await handshake('127.0.0.1', 'wopi.contoso.test', caCertPem, 'wopi.contoso.test');
    assert.deepEqual([otherName.authorized, otherName.error], [false, 'ERR_TLS_CERT_ALTNAME_INVALID']);
  });
});
