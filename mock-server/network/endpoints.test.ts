import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';
import { collectSubjectAltNames, type SubjectAltName } from '../tls/subject-alt-names.js';
import { defaultPublicHost, deviceEndpoints, hostForUrl, isLinkLocalIpv6, lanBootstrapperUrls } from './endpoints.js';

function address(address: string, internal = false): NetworkInterfaceInfo {
  const common = { address, netmask: '', mac: '00:00:00:00:00:00', internal, cidr: null };
  return address.includes(':') ? { ...common, family: 'IPv6', scopeid: 0 } : { ...common, family: 'IPv4' };
}
const dns = (value: string): SubjectAltName => ({ type: 'dns', value });
const ip = (value: string): SubjectAltName => ({ type: 'ip', value });

describe('defaultPublicHost', () => {
  test('is the first IPv4 address that is not internal', () => {
    const interfaces = {
      lo: [address('127.0.0.1', true)],
      eth0: [address('2001:db8::5'), address('192.168.1.20')],
      wlan0: [address('10.0.0.7')],
    };
    assert.equal(defaultPublicHost(interfaces), '192.168.1.20');
  });

  test('is localhost when the machine has no such address', () => {
    assert.equal(
      defaultPublicHost({ lo: [address('127.0.0.1', true), address('::1', true)], eth0: [address('2001:db8::5')] }),
      'localhost',
    );
    assert.equal(defaultPublicHost({}), 'localhost');
  });
});

test('hostForUrl brackets IPv6 addresses only', () => {
  assert.deepEqual(['box.local', '192.168.1.20', '2001:db8::1'].map(hostForUrl), ['box.local', '192.168.1.20', '[2001:db8::1]']);
});

describe('the URLs handed out', () => {
  const names = [dns('localhost'), dns('box'), ip('127.0.0.1'), ip('::1'), ip('192.168.1.20'), ip('2001:db8::20')];

  test('lanBootstrapperUrls: the bootstrapper at every name, in the certificate order', () => {
    assert.deepEqual(lanBootstrapperUrls(names, 'box', 8443), [
      'https://localhost:8443/wopibootstrapper',
      'https://box:8443/wopibootstrapper',
      'https://127.0.0.1:8443/wopibootstrapper',
      'https://[::1]:8443/wopibootstrapper',
      'https://192.168.1.20:8443/wopibootstrapper',
      'https://[2001:db8::20]:8443/wopibootstrapper',
    ]);
  });

  test('deviceEndpoints: the public host first, loopback last, otherwise in the certificate order', () => {
    const endpoints = deviceEndpoints(names, '2001:DB8:0::20', 8443);
    assert.deepEqual(
      endpoints.map((e) => [e.address, e.family, e.loopback]),
      [
        ['2001:db8::20', 'IPv6', false],
        ['box', 'DNS', false],
        ['192.168.1.20', 'IPv4', false],
        ['localhost', 'DNS', true],
        ['127.0.0.1', 'IPv4', true],
        ['::1', 'IPv6', true],
      ],
    );
    assert.deepEqual(endpoints[0], {
      address: '2001:db8::20',
      family: 'IPv6',
      loopback: false,
      wopiOrigin: 'https://[2001:db8::20]:8443',
      bootstrapperUrl: 'https://[2001:db8::20]:8443/wopibootstrapper',
      setupUrl: 'https://[2001:db8::20]:8443/setup',
    });
  });
});

describe('IPv6 link-local addresses (fe80::/10) are in the certificate but not handed out', () => {
  test('isLinkLocalIpv6 is exactly fe80::/10, in any spelling', () => {
    for (const yes of ['fe80::1', 'FE80::1c2b:3d4e:5f60:7a8b', 'fe80::1%en0', '[fe80::1]', 'fe80:0:0:0:0:0:0:1', 'febf:ffff::1', 'fe9a::7'])
      assert.equal(isLinkLocalIpv6(yes), true, yes);
    for (const no of [
      'fe7f::1',
      'fec0::1',
      'ff02::1',
      '2001:db8::1',
      '::1',
      '::',
      '::ffff:169.254.1.1',
      '169.254.1.1',
      '192.168.1.20',
      'fe80.local',
      'box',
    ])
      assert.equal(isLinkLocalIpv6(no), false, no);
  });

  // What a laptop on Wi-Fi lists: link-local addresses on every interface, the global ones beside them.
  const interfaces = {
    lo: [address('127.0.0.1', true), address('::1', true)],
    en0: [address('192.168.1.20'), address('fe80::1c2b:3d4e:5f60:7a8b%en0'), address('2001:db8::20')],
    awdl0: [address('fe80::a0b1:c2ff:fed3:e4f5%awdl0')],
    utun3: [address('febf::9%utun3')],
  };
  const names = collectSubjectAltNames({ publicHost: '192.168.1.20', hostname: 'box', interfaces });
  const linkLocal = ['fe80::1c2b:3d4e:5f60:7a8b', 'fe80::a0b1:c2ff:fed3:e4f5', 'febf::9'];

  test('the certificate still covers them (a client that dials one with its own zone is served)', () => {
    for (const value of linkLocal)
      assert.ok(
        names.some((san) => san.type === 'ip' && san.value === value),
        value,
      );
  });

  test('neither the bootstrapper URLs nor the device endpoints offer them; every other address stays', () => {
    assert.deepEqual(lanBootstrapperUrls(names, '192.168.1.20', 8443), [
      'https://localhost:8443/wopibootstrapper',
      'https://box:8443/wopibootstrapper',
      'https://box.local:8443/wopibootstrapper',
      'https://127.0.0.1:8443/wopibootstrapper',
      'https://[::1]:8443/wopibootstrapper',
      'https://192.168.1.20:8443/wopibootstrapper',
      'https://[2001:db8::20]:8443/wopibootstrapper',
    ]);
    assert.deepEqual(
      deviceEndpoints(names, '192.168.1.20', 8443).map((e) => e.address),
      ['192.168.1.20', 'box', 'box.local', '2001:db8::20', 'localhost', '127.0.0.1', '::1'],
    );
  });

  test('one chosen as the public host on purpose is still offered, first', () => {
    const chosen = collectSubjectAltNames({ publicHost: 'fe80::1c2b:3d4e:5f60:7a8b', hostname: 'box', interfaces });
    assert.deepEqual(deviceEndpoints(chosen, 'FE80::1c2b:3d4e:5f60:7a8b', 8443)[0]?.address, 'fe80::1c2b:3d4e:5f60:7a8b');
    const urls = lanBootstrapperUrls(chosen, 'fe80::1c2b:3d4e:5f60:7a8b', 8443);
    assert.ok(urls.includes('https://[fe80::1c2b:3d4e:5f60:7a8b]:8443/wopibootstrapper'));
    assert.equal(urls.filter((url) => url.includes('[fe')).length, 1, urls.join(', '));
  });

  describe('GET /api/status of a host on such a machine', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ hostname: 'box', interfaces, publicHost: '192.168.1.20' });
    });
    after(async () => {
      await h.close();
    });

    test('lists no link-local endpoint or URL, while the certificate names them', async () => {
      const status = (await h.admin('GET', '/api/status')).json();
      const port = new URL(h.origin).port;
      assert.deepEqual(
        status.endpoints.map((e: { address: string }) => e.address),
        ['192.168.1.20', 'box', 'box.local', '2001:db8::20', 'localhost', '127.0.0.1', '::1'],
      );
      assert.deepEqual(
        status.lanBootstrapperUrls.filter((url: string) => url.includes('[fe')),
        [],
      );
      assert.ok(status.lanBootstrapperUrls.includes(`https://[2001:db8::20]:${port}/wopibootstrapper`));
      for (const value of linkLocal) assert.ok(status.leafSubjectAltNames.includes(`IP:${value}`), value);
    });
  });
});
