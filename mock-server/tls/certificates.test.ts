import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import type { NetworkInterfaceInfo } from 'node:os';
import path from 'node:path';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate as PeculiarCertificate,
} from '@peculiar/x509';
import { ensureTlsMaterial } from './certificates.js';
import type { TlsMaterial } from './certificates.js';
import { checkIosRules } from './ios-rules.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const NOW = new Date(Date.UTC(2030, 5, 15, 9, 30, 0));
const HOSTNAME = 'test-box';

function ipv4(address: string, internal = false): NetworkInterfaceInfo {
  return { address, family: 'IPv4', internal, netmask: '255.255.255.0', mac: '02:00:00:00:00:01', cidr: null };
}
function ipv6(address: string, internal = false): NetworkInterfaceInfo {
  return { address, family: 'IPv6', internal, netmask: 'ffff:ffff:ffff:ffff::', mac: '02:00:00:00:00:01', cidr: null, scopeid: 0 };
}

const INTERFACES: NodeJS.Dict<NetworkInterfaceInfo[]> = {
  lo: [ipv4('127.0.0.1', true), ipv6('::1', true)],
  wlan0: [ipv4('192.168.1.20'), ipv6('2001:db8::20'), ipv6('fe80::1c2b:3d4e:5f60:7a8b')],
};

const temporaryDirectories: string[] = [];
after(async () => {
  await Promise.all(temporaryDirectories.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

async function makeDataDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wopi-tls-test-'));
  temporaryDirectories.push(dir);
  return dir;
}

function ensure(dataDir: string, overrides: Partial<Parameters<typeof ensureTlsMaterial>[0]> = {}): Promise<TlsMaterial> {
  return ensureTlsMaterial({ dataDir, publicHost: '192.168.1.20', now: NOW, hostname: HOSTNAME, interfaces: INTERFACES, ...overrides });
}

const tlsFile = (dataDir: string, name: string): string => path.join(dataDir, 'tls', name);
const readTls = (dataDir: string, name: string): Promise<string> => fs.readFile(tlsFile(dataDir, name), 'utf8');

describe('ensureTlsMaterial, first run', async () => {
  const dataDir = await makeDataDir();
  const material = await ensure(dataDir);
  const ca = new X509Certificate(material.caCertPem);
  const leaf = new X509Certificate(material.leafCertPem);

  test('creates a CA and a leaf, without warnings', () => {
    assert.equal(material.caCreated, true);
    assert.equal(material.leafIssued, true);
    assert.deepEqual(material.warnings, []);
  });

  test('the leaf is issued and signed by the CA', () => {
    assert.equal(leaf.checkIssued(ca), true);
    assert.equal(leaf.verify(ca.publicKey), true);
  });

  test('the leaf matches every DNS and IP SAN it was asked for', () => {
    assert.deepEqual(
      material.leafSubjectAltNames.map((name) => `${name.type}:${name.value}`),
      [
        'dns:localhost',
        'dns:test-box',
        'dns:test-box.local',
        'ip:127.0.0.1',
        'ip:::1',
        'ip:192.168.1.20',
        'ip:2001:db8::20',
        'ip:fe80::1c2b:3d4e:5f60:7a8b',
      ],
    );
    for (const name of material.leafSubjectAltNames) {
      if (name.type === 'dns') assert.equal(leaf.checkHost(name.value), name.value, name.value);
      else assert.equal(leaf.checkIP(name.value), name.value, name.value);
    }
    assert.equal(leaf.checkHost('other.example'), undefined);
    assert.equal(leaf.checkIP('192.168.1.21'), undefined);
  });

  test('the leaf passes the iOS rules', () => {
    assert.deepEqual(checkIosRules(material.leafCertPem, NOW), []);
  });

  test('the leaf is an EC P-256 server certificate backdated one hour, valid 390 days', () => {
    const parsed = new PeculiarCertificate(material.leafCertPem);
    assert.equal(leaf.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(leaf.subject, 'CN=192.168.1.20\nO=WOPI Mock Host');
    assert.equal(parsed.notBefore.getTime(), NOW.getTime() - HOUR_MS);
    assert.equal(parsed.notAfter.getTime() - parsed.notBefore.getTime(), 390 * DAY_MS);
    assert.deepEqual(material.leafNotAfter, parsed.notAfter);
    assert.equal(parsed.getExtension(BasicConstraintsExtension)?.ca, false);
    assert.equal(parsed.getExtension(KeyUsagesExtension)?.usages, KeyUsageFlags.digitalSignature);
    assert.ok(parsed.getExtension(SubjectKeyIdentifierExtension)?.keyId);
    assert.equal(
      parsed.getExtension(AuthorityKeyIdentifierExtension)?.keyId,
      new PeculiarCertificate(material.caCertPem).getExtension(SubjectKeyIdentifierExtension)?.keyId,
    );
    assert.match(leaf.serialNumber, /^[0-7][0-9A-F]{31}$/);
  });

  test('the CA is a self-signed, pathLen 0, ten-year EC P-256 CA named after the machine', () => {
    const parsed = new PeculiarCertificate(material.caCertPem);
    assert.equal(ca.subject, `CN=WOPI Mock Host CA (test-box\\, 2030-06-15)\nO=WOPI Mock Host`);
    assert.equal(ca.issuer, ca.subject);
    assert.equal(ca.verify(ca.publicKey), true);
    assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const basicConstraints = parsed.getExtension(BasicConstraintsExtension);
    assert.equal(basicConstraints?.ca, true);
    assert.equal(basicConstraints?.pathLength, 0);
    assert.equal(basicConstraints?.critical, true);
    const keyUsage = parsed.getExtension(KeyUsagesExtension);
    assert.equal(keyUsage?.usages, KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign);
    assert.equal(keyUsage?.critical, true);
    assert.ok(parsed.getExtension(SubjectKeyIdentifierExtension)?.keyId);
    assert.equal(parsed.notAfter.getTime() - parsed.notBefore.getTime(), 3650 * DAY_MS);
    assert.equal(parsed.signatureAlgorithm.hash.name, 'SHA-256');
    assert.match(ca.serialNumber, /^[0-7][0-9A-F]{31}$/);
  });

  test('reports the CA path and the SHA-256 fingerprint of its DER', async () => {
    assert.equal(material.caCertPath, tlsFile(dataDir, 'ca.crt'));
    assert.equal(await readTls(dataDir, 'ca.crt'), material.caCertPem);
    assert.match(material.caFingerprintSha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(material.caFingerprintSha256, ca.fingerprint256);
  });

  test('writes the leaf files it returns', async () => {
    assert.equal(await readTls(dataDir, 'leaf.crt'), material.leafCertPem);
    assert.equal(await readTls(dataDir, 'leaf.key'), material.leafKeyPem);
  });

  test('private keys are readable by the owner only', async () => {
    assert.equal((await fs.stat(tlsFile(dataDir, 'ca.key'))).mode & 0o777, 0o600);
    assert.equal((await fs.stat(tlsFile(dataDir, 'leaf.key'))).mode & 0o777, 0o600);
  });

  test('never hands out the CA private key', async () => {
    const caKeyPem = await readTls(dataDir, 'ca.key');
    const serialised = JSON.stringify(material);
    assert.equal(serialised.includes(caKeyPem.split('\n')[1]!), false);
    assert.equal(serialised.split('PRIVATE KEY').length - 1, 2, 'only the leaf key, BEGIN and END');
  });

  test('leaves no temporary files behind', async () => {
    assert.deepEqual((await fs.readdir(path.join(dataDir, 'tls'))).sort(), ['ca.crt', 'ca.key', 'leaf.crt', 'leaf.key']);
  });
});

describe('ensureTlsMaterial, later runs', () => {
  async function firstRun(): Promise<{ dataDir: string; first: TlsMaterial; caKeyPem: string }> {
    const dataDir = await makeDataDir();
    const first = await ensure(dataDir);
    return { dataDir, first, caKeyPem: await readTls(dataDir, 'ca.key') };
  }

  async function assertCaUntouched(dataDir: string, first: TlsMaterial, caKeyPem: string, again: TlsMaterial) {
    assert.equal(again.caCreated, false);
    assert.equal(again.caCertPem, first.caCertPem);
    assert.equal(await readTls(dataDir, 'ca.crt'), first.caCertPem);
    assert.equal(await readTls(dataDir, 'ca.key'), caKeyPem);
    assert.deepEqual(again.warnings, []);
  }

  test('the same inputs reuse everything', async () => {
    const { dataDir, first, caKeyPem } = await firstRun();
    const again = await ensure(dataDir);
    await assertCaUntouched(dataDir, first, caKeyPem, again);
    assert.equal(again.leafIssued, false);
    assert.equal(again.leafCertPem, first.leafCertPem);
    assert.equal(again.leafKeyPem, first.leafKeyPem);
    assert.deepEqual(again.leafNotAfter, first.leafNotAfter);
  });

  test('interfaces listed in another order reuse the leaf', async () => {
    const { dataDir, first } = await firstRun();
    const reordered = { wlan0: [...INTERFACES['wlan0']!].reverse(), lo: INTERFACES['lo'] };
    const again = await ensure(dataDir, { interfaces: reordered });
    assert.equal(again.leafIssued, false);
    assert.equal(again.leafCertPem, first.leafCertPem);
  });

  test('the leaf is reused until 30 days before it expires', async () => {
    const { dataDir, first } = await firstRun();
    const again = await ensure(dataDir, { now: new Date(NOW.getTime() + 355 * DAY_MS) });
    assert.equal(again.leafIssued, false);
    assert.equal(again.leafCertPem, first.leafCertPem);
  });

  const leafChanges: Array<[string, Partial<Parameters<typeof ensureTlsMaterial>[0]>, (material: TlsMaterial) => void]> = [
    [
      'a changed publicHost',
      { publicHost: 'wopi.test' },
      (material) => assert.equal(new X509Certificate(material.leafCertPem).checkHost('wopi.test'), 'wopi.test'),
    ],
    [
      'a changed interface list',
      { interfaces: { ...INTERFACES, eth1: [ipv4('10.20.30.40')] } },
      (material) => assert.equal(new X509Certificate(material.leafCertPem).checkIP('10.20.30.40'), '10.20.30.40'),
    ],
    [
      'a leaf about to expire (380 days later)',
      { now: new Date(NOW.getTime() + 380 * DAY_MS) },
      (material) => assert.equal(material.leafNotAfter.getTime(), NOW.getTime() + 380 * DAY_MS - HOUR_MS + 390 * DAY_MS),
    ],
  ];
  for (const [name, overrides, check] of leafChanges) {
    test(`${name} re-issues the leaf and keeps the CA byte-identical`, async () => {
      const { dataDir, first, caKeyPem } = await firstRun();
      const again = await ensure(dataDir, overrides);
      await assertCaUntouched(dataDir, first, caKeyPem, again);
      assert.equal(again.leafIssued, true);
      assert.notEqual(again.leafCertPem, first.leafCertPem);
      assert.notEqual(again.leafKeyPem, first.leafKeyPem);
      assert.equal(await readTls(dataDir, 'leaf.crt'), again.leafCertPem);
      assert.equal(new X509Certificate(again.leafCertPem).verify(new X509Certificate(again.caCertPem).publicKey), true);
      check(again);
    });
  }

  const brokenLeaves: Array<[string, (dataDir: string, otherDataDir: string) => Promise<void>]> = [
    ['missing leaf files', async (dataDir) => fs.rm(tlsFile(dataDir, 'leaf.crt'))],
    ['an unparseable leaf.key', async (dataDir) => fs.writeFile(tlsFile(dataDir, 'leaf.key'), 'garbage')],
    [
      'a leaf signed by another CA',
      async (dataDir, otherDataDir) => {
        await fs.copyFile(tlsFile(otherDataDir, 'leaf.crt'), tlsFile(dataDir, 'leaf.crt'));
        await fs.copyFile(tlsFile(otherDataDir, 'leaf.key'), tlsFile(dataDir, 'leaf.key'));
      },
    ],
    [
      'a leaf key that does not belong to the leaf certificate',
      async (dataDir, otherDataDir) => fs.copyFile(tlsFile(otherDataDir, 'leaf.key'), tlsFile(dataDir, 'leaf.key')),
    ],
  ];
  for (const [name, breakLeaf] of brokenLeaves) {
    test(`${name} re-issues the leaf and keeps the CA`, async () => {
      const { dataDir, first, caKeyPem } = await firstRun();
      const other = await firstRun();
      await breakLeaf(dataDir, other.dataDir);
      const again = await ensure(dataDir);
      await assertCaUntouched(dataDir, first, caKeyPem, again);
      assert.equal(again.leafIssued, true);
      const leaf = new X509Certificate(again.leafCertPem);
      assert.equal(leaf.verify(new X509Certificate(first.caCertPem).publicKey), true);
      assert.equal(leaf.checkPrivateKey(createPrivateKey(again.leafKeyPem)), true);
    });
  }

  test('a CA close to its end is kept, warned about, and caps the leaf lifetime', async () => {
    const { dataDir, first } = await firstRun();
    const late = new Date(NOW.getTime() + 3630 * DAY_MS);
    const again = await ensure(dataDir, { now: late });
    const caNotAfter = new PeculiarCertificate(first.caCertPem).notAfter;
    assert.equal(again.caCreated, false);
    assert.equal(again.caCertPem, first.caCertPem);
    assert.equal(again.leafIssued, true);
    assert.deepEqual(again.leafNotAfter, caNotAfter);
    assert.deepEqual(again.warnings, [
      `The CA certificate ${again.caCertPath} expires at ${caNotAfter.toISOString()}. Delete ${again.caCertPath} and ` +
        `${tlsFile(dataDir, 'ca.key')} to generate a new CA, then install it on every phone again.`,
    ]);
  });

  test('a corrupt ca.crt is kept aside with a warning and a fresh CA is made', async () => {
    const { dataDir, first, caKeyPem } = await firstRun();
    await fs.writeFile(tlsFile(dataDir, 'ca.crt'), 'not a certificate');
    const again = await ensure(dataDir);

    assert.equal(again.caCreated, true);
    assert.equal(again.leafIssued, true);
    assert.notEqual(again.caCertPem, first.caCertPem);
    assert.equal(new X509Certificate(again.leafCertPem).verify(new X509Certificate(again.caCertPem).publicKey), true);

    const stamp = NOW.toISOString().replace(/[:.]/g, '-');
    const certAside = `${tlsFile(dataDir, 'ca.crt')}.corrupt-${stamp}`;
    const keyAside = `${tlsFile(dataDir, 'ca.key')}.corrupt-${stamp}`;
    assert.equal(await fs.readFile(certAside, 'utf8'), 'not a certificate');
    assert.equal(await fs.readFile(keyAside, 'utf8'), caKeyPem);
    const reason = `${tlsFile(dataDir, 'ca.crt')} is not a PEM certificate`;
    assert.deepEqual(again.warnings, [
      `Kept ${tlsFile(dataDir, 'ca.crt')} aside as ${certAside} because ${reason}. A new CA was generated; phones must install the new ca.crt.`,
      `Kept ${tlsFile(dataDir, 'ca.key')} aside as ${keyAside} because ${reason}. A new CA was generated; phones must install the new ca.crt.`,
    ]);
  });

  test('a ca.key that does not match ca.crt is kept aside, never overwritten', async () => {
    const { dataDir, first } = await firstRun();
    const other = await firstRun();
    await fs.copyFile(tlsFile(other.dataDir, 'ca.key'), tlsFile(dataDir, 'ca.key'));
    const again = await ensure(dataDir);

    assert.equal(again.caCreated, true);
    assert.equal(again.warnings.length, 2);
    for (const warning of again.warnings) {
      assert.match(warning, /because .*ca\.key does not belong to .*ca\.crt\./);
    }
    const stamp = NOW.toISOString().replace(/[:.]/g, '-');
    assert.equal(await readTls(dataDir, `ca.crt.corrupt-${stamp}`), first.caCertPem);
    assert.equal(await readTls(dataDir, `ca.key.corrupt-${stamp}`), other.caKeyPem);
  });

  test('a second corrupt CA at the same instant does not overwrite the first one kept aside', async () => {
    const dataDir = await makeDataDir();
    await fs.mkdir(path.join(dataDir, 'tls'));
    await fs.writeFile(tlsFile(dataDir, 'ca.crt'), 'first broken');
    await ensure(dataDir);
    await fs.writeFile(tlsFile(dataDir, 'ca.crt'), 'second broken');
    const again = await ensure(dataDir);

    const stamp = NOW.toISOString().replace(/[:.]/g, '-');
    assert.equal(await readTls(dataDir, `ca.crt.corrupt-${stamp}`), 'first broken');
    assert.equal(await readTls(dataDir, `ca.crt.corrupt-${stamp}-2`), 'second broken');
    assert.match(again.warnings[0]!, /ca\.crt\.corrupt-.*-2 because/);
  });
});

describe('a real TLS handshake with the issued certificate', async () => {
  const dataDir = await makeDataDir();
  const material = await ensureTlsMaterial({ dataDir, publicHost: '127.0.0.1', hostname: HOSTNAME, interfaces: INTERFACES });

  async function startServer(host: string): Promise<{ port: number; close: () => Promise<void> }> {
    const server = https.createServer({ cert: material.leafCertPem, key: material.leafKeyPem }, (_request, response) => {
      response.end('ok');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, resolve);
    });
    return {
      port: (server.address() as AddressInfo).port,
      close: () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  function get(url: string, options: https.RequestOptions): Promise<string> {
    return new Promise((resolve, reject) => {
      const request = https.get(url, { agent: false, ...options }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve(body));
        response.on('error', reject);
      });
      request.on('error', reject);
    });
  }

  const ipv4Server = await startServer('127.0.0.1');
  after(() => ipv4Server.close());

  test('a client trusting the CA connects to https://localhost', async () => {
    // family 4: the server listens on 127.0.0.1 only, and localhost may resolve to ::1 first.
    assert.equal(await get(`https://localhost:${ipv4Server.port}/`, { ca: material.caCertPem, family: 4 }), 'ok');
  });

  test('a client trusting the CA connects to https://127.0.0.1', async () => {
    assert.equal(await get(`https://127.0.0.1:${ipv4Server.port}/`, { ca: material.caCertPem }), 'ok');
  });

  const hasIpv6Loopback = Object.values(os.networkInterfaces()).some((addresses) =>
    addresses?.some((info) => info.internal && info.family === 'IPv6' && info.address === '::1'),
  );
  if (hasIpv6Loopback) {
    test('a client trusting the CA connects to https://[::1]', async () => {
      const ipv6Server = await startServer('::1');
      try {
        assert.equal(await get(`https://[::1]:${ipv6Server.port}/`, { ca: material.caCertPem }), 'ok');
      } finally {
        await ipv6Server.close();
      }
    });
  }

  test('a client without the CA is refused with a certificate error', async () => {
    await assert.rejects(get(`https://127.0.0.1:${ipv4Server.port}/`, {}), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  test('a client trusting the CA still refuses a name the leaf does not carry', async () => {
    await assert.rejects(get(`https://127.0.0.1:${ipv4Server.port}/`, { ca: material.caCertPem, servername: 'other.example' }), {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });
});
