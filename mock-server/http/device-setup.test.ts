import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { NetworkInterfaceInfo } from 'node:os';
import os from 'node:os';
import path from 'node:path';
import { parse as parsePlist } from 'plist';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';

const interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = {
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
  eth0: [
    {
      address: '192.168.1.20',
      netmask: '255.255.255.0',
      family: 'IPv4',
      mac: '02:00:00:00:00:01',
      internal: false,
      cidr: '192.168.1.20/24',
    },
    {
      address: 'fe80::1',
      netmask: 'ffff:ffff:ffff:ffff::',
      family: 'IPv6',
      mac: '02:00:00:00:00:01',
      internal: false,
      cidr: 'fe80::1/64',
      scopeid: 2,
    },
  ],
};

let h: Harness;
let caDer: Buffer;
let fingerprint: string;
before(async () => {
  h = await startHarness({ hostname: 'devbox', interfaces });
  const ca = new X509Certificate(h.ca);
  caDer = ca.raw;
  fingerprint = ca.fingerprint256;
});
after(async () => {
  await h.close();
});

const uuid = /^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;

/** The profile as a parsed plist, with the one payload it must hold. */
function parseProfile(text: string) {
  const profile = parsePlist(text) as Record<string, any>;
  const payloads = profile['PayloadContent'] as Array<Record<string, any>>;
  assert.equal(payloads.length, 1);
  return { profile, root: payloads[0]! };
}

describe('connect a device: GET /api/status', () => {
  test('lists every address the certificate covers: the public host first, loopback last', async () => {
    const status = (await h.admin('GET', '/api/status')).json();
    const port = new URL(h.origin).port;
    const endpoint = (address: string, family: string, loopback: boolean) => {
      const origin = `https://${address.includes(':') ? `[${address}]` : address}:${port}`;
      return { address, family, loopback, wopiOrigin: origin, bootstrapperUrl: `${origin}/wopibootstrapper`, setupUrl: `${origin}/setup` };
    };
    assert.deepEqual(status.endpoints, [
      endpoint('localhost', 'DNS', true),
      endpoint('devbox', 'DNS', false),
      endpoint('devbox.local', 'DNS', false),
      endpoint('192.168.1.20', 'IPv4', false),
      endpoint('127.0.0.1', 'IPv4', true),
      endpoint('::1', 'IPv6', true),
    ]);
    assert.equal(status.deviceSetupUrl, `${h.origin}/setup`);
    assert.equal(h.engine.urls.deviceSetupUrl, `${h.origin}/setup`);
    assert.equal(status.caFingerprintSha256, fingerprint);
  });
});

describe('connect a device: /ca.mobileconfig', () => {
  test('is public, an attachment of the Apple profile type, and a plist holding the CA as a root payload', async () => {
    const reply = await h.request('GET', '/ca.mobileconfig');
    assert.equal(reply.status, 200);
    assert.equal(reply.header('content-type'), 'application/x-apple-aspen-config');
    assert.equal(reply.header('content-disposition'), 'attachment; filename="wopi-mock-host-ca.mobileconfig"');
    const { profile, root } = parseProfile(reply.text);
    const id = fingerprint.replace(/:/g, '').toLowerCase().slice(0, 16);
    assert.equal(profile['PayloadType'], 'Configuration');
    assert.equal(profile['PayloadVersion'], 1);
    assert.equal(profile['PayloadDisplayName'], 'WOPI Mock Host CA (localhost)');
    assert.equal(profile['PayloadIdentifier'], `host.wopi-mock.ca.${id}`);
    assert.equal(profile['PayloadRemovalDisallowed'], false);
    assert.ok(String(profile['PayloadDescription']).includes(fingerprint));
    assert.match(profile['PayloadUUID'], uuid);
    assert.equal(root['PayloadType'], 'com.apple.security.root');
    assert.equal(root['PayloadVersion'], 1);
    assert.equal(root['PayloadIdentifier'], `host.wopi-mock.ca.${id}.root`);
    assert.match(root['PayloadUUID'], uuid);
    assert.notEqual(root['PayloadUUID'], profile['PayloadUUID']);
    assert.deepEqual(Buffer.from(root['PayloadContent'] as Uint8Array), caDer);
  });

  test('the same CA always gives the same profile; another CA another identity', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'wopi-profile-'));
    try {
      const first = await startHarness({ dataDir });
      const before = (await first.request('GET', '/ca.mobileconfig')).text;
      await first.close();
      const again = await startHarness({ dataDir });
      const afterRestart = (await again.request('GET', '/ca.mobileconfig')).text;
      await again.close();
      assert.equal(afterRestart, before);
      const other = parseProfile(before);
      const ours = parseProfile((await h.request('GET', '/ca.mobileconfig')).text);
      assert.notEqual(other.profile['PayloadUUID'], ours.profile['PayloadUUID']);
      assert.notEqual(other.root['PayloadUUID'], ours.root['PayloadUUID']);
      assert.notEqual(other.profile['PayloadIdentifier'], ours.profile['PayloadIdentifier']);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('the admin API offers the same downloads for the desktop UI, behind the token', async () => {
    const profile = await h.admin('GET', '/api/ca.mobileconfig');
    assert.equal(profile.status, 200);
    assert.equal(profile.header('content-type'), 'application/x-apple-aspen-config');
    assert.equal(profile.header('content-disposition'), 'attachment; filename="wopi-mock-host-ca.mobileconfig"');
    assert.equal(profile.text, (await h.request('GET', '/ca.mobileconfig')).text);
    const certificate = await h.admin('GET', '/api/ca.crt');
    assert.equal(certificate.status, 200);
    assert.equal(certificate.header('content-type'), 'application/x-x509-ca-cert');
    assert.equal(certificate.header('content-disposition'), 'attachment; filename="wopi-mock-host-ca.crt"');
    assert.equal(certificate.text, h.ca);
    for (const route of ['/api/ca.mobileconfig', '/api/ca.crt'])
      assert.equal((await h.admin('GET', route, undefined, { token: null })).status, 401, route);
  });
});

describe('connect a device: /setup', () => {
  test("a phone page with both platforms' steps, both downloads, the fingerprint and the bootstrapper URL", async () => {
    const reply = await h.request('GET', '/setup');
    assert.equal(reply.status, 200);
    assert.equal(reply.header('content-type'), 'text/html; charset=utf-8');
    assert.equal(
      reply.header('content-security-policy'),
      "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    assert.equal(reply.header('cache-control'), 'no-store');
    const page = reply.text;
    for (const expected of [
      '<h1>Set up this device for WOPI Mock Host</h1>',
      `<code id="fingerprint">${fingerprint}</code>`,
      '<a class="download" href="/ca.mobileconfig">',
      '<a class="download" href="/ca.crt">',
      'Settings › General › About › Certificate Trust Settings and enable full trust',
      'Settings › Security',
      'Install a certificate › CA certificate',
      'apps trust user-installed CAs only if they opt in',
      `<code id="bootstrapper">${h.origin}/wopibootstrapper</code>`,
    ]) {
      assert.ok(page.includes(expected), `the page lacks ${expected}`);
    }
  });

  test('shows the URLs of the address the phone used, when the certificate covers it', async () => {
    const port = new URL(h.origin).port;
    const byIp = await h.request('GET', '/setup', { headers: { host: `192.168.1.20:${port}` } });
    assert.ok(byIp.text.includes(`<code id="bootstrapper">https://192.168.1.20:${port}/wopibootstrapper</code>`));
    const byV6 = await h.request('GET', '/setup', { headers: { host: `[fe80::1]:${port}` } });
    assert.ok(byV6.text.includes(`<code id="bootstrapper">https://[fe80::1]:${port}/wopibootstrapper</code>`));
    const foreign = await h.request('GET', '/setup', { headers: { host: `evil.example:${port}` } });
    assert.ok(foreign.text.includes(`<code id="bootstrapper">${h.origin}/wopibootstrapper</code>`));
  });

  test('each download and the page is a request log operation of its own, and fault rules can target them', async () => {
    await h.request('GET', '/ca.crt');
    await h.request('GET', '/ca.mobileconfig');
    await h.request('GET', '/setup');
    const { entries } = (await h.admin('GET', '/api/log?limit=3')).json();
    assert.deepEqual(
      entries.map((e: { operation: string; url: string; status: number }) => [e.operation, e.url, e.status]),
      [
        ['CaCertificate', '/ca.crt', 200],
        ['CaMobileConfig', '/ca.mobileconfig', 200],
        ['DeviceSetup', '/setup', 200],
      ],
    );
    assert.equal((await h.admin('POST', '/api/faults', { operation: 'DeviceSetup', status: 503, remaining: 1 })).status, 201);
    assert.equal((await h.request('GET', '/setup')).status, 503);
    assert.equal((await h.request('GET', '/setup')).status, 200);
  });
});
