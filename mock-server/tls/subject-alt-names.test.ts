import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { canonicalIpAddress, collectSubjectAltNames, sameSubjectAltNames } from './subject-alt-names.js';
import type { SubjectAltName } from './subject-alt-names.js';

function address(address: string, internal = false): NetworkInterfaceInfo {
  const family = address.includes(':') ? 'IPv6' : 'IPv4';
  const common = { address, netmask: '', mac: '00:00:00:00:00:00', internal, cidr: null };
  return family === 'IPv6' ? { ...common, family, scopeid: 0 } : { ...common, family };
}

const loopbackInterface = { lo: [address('127.0.0.1', true), address('::1', true)] };
const dns = (value: string): SubjectAltName => ({ type: 'dns', value });
const ip = (value: string): SubjectAltName => ({ type: 'ip', value });

describe('collectSubjectAltNames', () => {
  const cases: Array<[string, Parameters<typeof collectSubjectAltNames>[0], SubjectAltName[]]> = [
    [
      'hostname plus .local, internal addresses skipped, IPv4 and IPv6 kept, publicHost as IP',
      {
        publicHost: '192.168.1.20',
        hostname: 'test-box',
        interfaces: {
          ...loopbackInterface,
          docker0: [address('172.17.0.1', true)],
          wlan0: [address('192.168.1.20'), address('2001:db8::20')],
        },
      },
      [dns('localhost'), dns('test-box'), dns('test-box.local'), ip('127.0.0.1'), ip('::1'), ip('192.168.1.20'), ip('2001:db8::20')],
    ],
    [
      'hostname that already ends with .local, lowercased',
      { publicHost: '10.0.0.5', hostname: 'Johns-MacBook.LOCAL', interfaces: loopbackInterface },
      [dns('localhost'), dns('johns-macbook.local'), ip('127.0.0.1'), ip('::1'), ip('10.0.0.5')],
    ],
    [
      'FQDN hostname gets its first label under .local, as mDNS publishes it',
      { publicHost: '10.0.0.5', hostname: 'Box.Corp.Example.', interfaces: {} },
      [dns('localhost'), dns('box.corp.example'), dns('box.local'), ip('127.0.0.1'), ip('::1'), ip('10.0.0.5')],
    ],
    [
      'publicHost as a name becomes a lowercase DNS SAN after the hostname names',
      { publicHost: 'WOPI.Example.test', hostname: 'box', interfaces: { eth0: [address('10.1.2.3')] } },
      [dns('localhost'), dns('box'), dns('box.local'), dns('wopi.example.test'), ip('127.0.0.1'), ip('::1'), ip('10.1.2.3')],
    ],
    [
      'publicHost as a bracketed IPv6 literal becomes an IP SAN',
      { publicHost: '[2001:DB8::7]', hostname: 'box', interfaces: {} },
      [dns('localhost'), dns('box'), dns('box.local'), ip('127.0.0.1'), ip('::1'), ip('2001:db8::7')],
    ],
    [
      'duplicates removed across spellings: repeated interface, publicHost equal to an interface, ::1',
      {
        publicHost: '2001:0DB8:0:0:0:0:0:0020',
        hostname: 'BOX',
        interfaces: {
          eth0: [address('192.168.1.20'), address('2001:db8::20')],
          eth0_alias: [address('192.168.1.20')],
          vpn: [address('::1')],
        },
      },
      [dns('localhost'), dns('box'), dns('box.local'), ip('127.0.0.1'), ip('::1'), ip('192.168.1.20'), ip('2001:db8::20')],
    ],
    [
      'publicHost equal to the derived .local name is not repeated',
      { publicHost: 'Box.local', hostname: 'box', interfaces: {} },
      [dns('localhost'), dns('box'), dns('box.local'), ip('127.0.0.1'), ip('::1')],
    ],
    [
      'link-local IPv6 kept without its %scope',
      { publicHost: 'box', hostname: 'box', interfaces: { en0: [address('fe80::1c2b:3d4e:5f60:7a8b%en0')] } },
      [dns('localhost'), dns('box'), dns('box.local'), ip('127.0.0.1'), ip('::1'), ip('fe80::1c2b:3d4e:5f60:7a8b')],
    ],
    [
      'IPv4-mapped IPv6 is rewritten to hex groups',
      { publicHost: 'box', hostname: 'box', interfaces: { eth0: [address('::ffff:192.168.1.20')] } },
      [dns('localhost'), dns('box'), dns('box.local'), ip('127.0.0.1'), ip('::1'), ip('::ffff:c0a8:114')],
    ],
    [
      'a hostname that is not a valid DNS name is left out, an empty publicHost adds nothing',
      { publicHost: '  ', hostname: "John's PC", interfaces: {} },
      [dns('localhost'), ip('127.0.0.1'), ip('::1')],
    ],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => {
      assert.deepEqual(collectSubjectAltNames(input), expected);
    });
  }

  test('the same input always yields the same list', () => {
    const input = {
      publicHost: 'wopi.test',
      hostname: 'box',
      interfaces: { b: [address('10.0.0.2'), address('fd00::2')], a: [address('10.0.0.1')] },
    };
    const first = collectSubjectAltNames(input);
    assert.deepEqual(collectSubjectAltNames(structuredClone(input)), first);
    assert.deepEqual(
      first.map((name) => name.value),
      ['localhost', 'box', 'box.local', 'wopi.test', '127.0.0.1', '::1', '10.0.0.2', 'fd00::2', '10.0.0.1'],
    );
  });
});

describe('sameSubjectAltNames', () => {
  test('ignores order', () => {
    assert.equal(sameSubjectAltNames([dns('a'), ip('10.0.0.1')], [ip('10.0.0.1'), dns('a')]), true);
  });

  test('ignores IPv6 spelling and DNS case', () => {
    assert.equal(sameSubjectAltNames([ip('0:0:0:0:0:0:0:1'), dns('Box.Local')], [dns('box.local'), ip('::1')]), true);
  });

  test('a missing, extra or different name counts', () => {
    assert.equal(sameSubjectAltNames([dns('a'), ip('10.0.0.1')], [dns('a')]), false);
    assert.equal(sameSubjectAltNames([dns('a')], [dns('a'), dns('b')]), false);
    assert.equal(sameSubjectAltNames([ip('10.0.0.1')], [ip('10.0.0.2')]), false);
  });

  test('a DNS name is not the same as an IP with the same text', () => {
    assert.equal(sameSubjectAltNames([dns('10.0.0.1')], [ip('10.0.0.1')]), false);
  });
});

describe('canonicalIpAddress', () => {
  test('canonicalises IPv6 and rejects names', () => {
    assert.equal(canonicalIpAddress('FE80:0:0:0:0:0:0:1%eth0'), 'fe80::1');
    assert.equal(canonicalIpAddress('[::1]'), '::1');
    assert.equal(canonicalIpAddress('192.168.0.1'), '192.168.0.1');
    assert.equal(canonicalIpAddress('box.local'), undefined);
  });
});
