import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureTlsMaterial, type TlsMaterial } from '../tls/certificates.js';
import { checkIosRules } from '../tls/ios-rules.js';
import { LeafCertificates } from './leaf-certificates.js';

/** The forward proxy's leaves: signed by the per-install CA for exactly the intercepted name, made once, never written to disk. */

let dir: string;
let material: TlsMaterial;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-leaves-'));
  material = await ensureTlsMaterial({ dataDir: dir, publicHost: 'localhost', hostname: 'laptop', interfaces: {} });
});
after(() => rm(dir, { recursive: true, force: true }));

test('issueLeafFor signs a leaf for one DNS name with the CA, following the iOS rules, kept in memory only', async () => {
  const leaf = await material.issueLeafFor('WOPI.Contoso.com');
  const cert = new X509Certificate(leaf.certPem);
  assert.ok(cert.checkIssued(new X509Certificate(material.caCertPem)));
  assert.ok(cert.verify(new X509Certificate(material.caCertPem).publicKey));
  assert.equal(cert.subjectAltName, 'DNS:wopi.contoso.com');
  assert.equal(cert.checkHost('wopi.contoso.com'), 'wopi.contoso.com');
  assert.equal(cert.checkHost('other.contoso.com'), undefined);
  assert.deepEqual(checkIosRules(leaf.certPem, new Date()), []);
  assert.deepEqual((await readdir(path.join(dir, 'tls'))).sort(), ['ca.crt', 'ca.key', 'leaf.crt', 'leaf.key']);
});

test('issueLeafFor names an IP address as an IP SAN', async () => {
  for (const [name, san] of [
    ['10.0.0.5', 'IP Address:10.0.0.5'],
    ['[::1]', 'IP Address:0:0:0:0:0:0:0:1'],
  ]) {
    const cert = new X509Certificate((await material.issueLeafFor(name!)).certPem);
    assert.equal(cert.subjectAltName, san, name);
  }
});

test('LeafCertificates makes one leaf per name (any casing), retries after a failure, and stays under its capacity', async () => {
  const issued: string[] = [];
  let failNext = false;
  const leaves = new LeafCertificates(async (name) => {
    issued.push(name);
    if (failNext) {
      failNext = false;
      throw new Error('signing failed');
    }
    return material.issueLeafFor(name);
  }, 2);
  const [a, b] = [leaves.contextFor('a.contoso.com'), leaves.contextFor('A.CONTOSO.COM')];
  assert.equal(a, b);
  await a;
  failNext = true;
  await assert.rejects(leaves.contextFor('b.contoso.com'), /signing failed/);
  await leaves.contextFor('b.contoso.com');
  assert.deepEqual(issued, ['a.contoso.com', 'b.contoso.com', 'b.contoso.com']);
  await leaves.contextFor('c.contoso.com');
  assert.equal(leaves.size, 2);
  await leaves.contextFor('a.contoso.com');
  assert.equal(issued.at(-1), 'a.contoso.com', 'the oldest name was let go');
});

test('a leaf is made again a day before it expires, and kept until then', async () => {
  let now = Date.parse('2027-01-01T00:00:00Z');
  const issued: string[] = [];
  const leaves = new LeafCertificates(
    async (name) => {
      issued.push(name);
      const leaf = await material.issueLeafFor(name);
      return { ...leaf, notAfter: new Date(now + 10 * 86_400_000) };
    },
    10,
    () => now,
  );
  const first = await leaves.contextFor('wopi.contoso.com');
  now += 8 * 86_400_000;
  assert.equal(await leaves.contextFor('wopi.contoso.com'), first, 'two days before expiry: the same leaf');
  now += 1.5 * 86_400_000;
  const renewed = await leaves.contextFor('wopi.contoso.com');
  assert.notEqual(renewed, first, 'half a day before expiry: a new one');
  assert.deepEqual(issued, ['wopi.contoso.com', 'wopi.contoso.com']);
  assert.equal(leaves.size, 1);
});
