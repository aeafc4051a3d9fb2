import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import type { SubjectAltName } from '../tls/subject-alt-names.js';
import { defaultPublicHost, deviceEndpoints, hostForUrl, lanBootstrapperUrls } from './endpoints.js';

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
    assert.deepEqual(lanBootstrapperUrls(names, 8443), [
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
