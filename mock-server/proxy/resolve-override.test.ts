import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResolveOverrideError, ResolveOverrides, formatResolveOverride, parseResolveOverride } from './resolve-override.js';

test("parseResolveOverride reads curl's host:port:address, IPv6 bracketed or not", () => {
  assert.deepEqual(parseResolveOverride('WOPI.example.com:443:127.0.0.1'), { host: 'wopi.example.com', port: 443, address: '127.0.0.1' });
  assert.deepEqual(parseResolveOverride('wopi.example.com:8443:[::1]'), { host: 'wopi.example.com', port: 8443, address: '::1' });
  assert.deepEqual(parseResolveOverride('wopi.example.com:443:fe80::1'), { host: 'wopi.example.com', port: 443, address: 'fe80::1' });
  assert.deepEqual(parseResolveOverride('[::1]:443:127.0.0.1'), { host: '::1', port: 443, address: '127.0.0.1' });
});

test('parseResolveOverride refuses anything else, saying what to change', () => {
  const cases: Array<[string, RegExp]> = [
    [
      'wopi.example.com:127.0.0.1',
      /^"wopi\.example\.com:127\.0\.0\.1" is not host:port:address \(e\.g\. wopi\.example\.com:443:127\.0\.0\.1\)$/,
    ],
    ['wopi.example.com:443:', /is not host:port:address/],
    ['wopi.example.com:0:127.0.0.1', /the port must be from 1 to 65535$/],
    ['wopi.example.com:65536:127.0.0.1', /the port must be from 1 to 65535$/],
    ['wopi.example.com:443:localhost', /"localhost" is not an IPv4 or IPv6 address$/],
    ['wopi.example.com:443:127.0.0.1,10.0.0.1', /is not an IPv4 or IPv6 address$/],
  ];
  for (const [text, message] of cases)
    assert.throws(
      () => parseResolveOverride(text),
      (error: Error) => error instanceof ResolveOverrideError && message.test(error.message),
      text,
    );
});

test("formatResolveOverride gives curl's form back", () => {
  for (const text of ['wopi.example.com:443:127.0.0.1', 'wopi.example.com:8443:[::1]', '[::1]:443:127.0.0.1'])
    assert.equal(formatResolveOverride(parseResolveOverride(text)), text);
});

test('ResolveOverrides: the address for a name and port, the later of two winning; none for other ports or names', () => {
  const overrides = new ResolveOverrides(
    ['wopi.example.com:443:10.0.0.1', 'wopi.example.com:443:127.0.0.1', 'wopi.example.com:8443:[::1]'].map(parseResolveOverride),
  );
  assert.equal(overrides.addressFor('WOPI.example.com', 443), '127.0.0.1');
  assert.equal(overrides.addressFor('wopi.example.com', 8443), '::1');
  assert.equal(overrides.addressFor('wopi.example.com', 80), undefined);
  assert.equal(overrides.addressFor('other.example.com', 443), undefined);
  assert.equal(overrides.lookupFor('other.example.com', 443), undefined);
});

test('ResolveOverrides.lookupFor answers both lookup shapes Node uses', async () => {
  const lookup = new ResolveOverrides([parseResolveOverride('wopi.example.com:443:[::1]')]).lookupFor('wopi.example.com', 443)!;
  const single = await new Promise<unknown[]>((resolve) => lookup('wopi.example.com', {}, (...args: unknown[]) => resolve(args)));
  assert.deepEqual(single, [null, '::1', 6]);
  const all = await new Promise<unknown[]>((resolve) => lookup('wopi.example.com', { all: true }, (...args: unknown[]) => resolve(args)));
  assert.deepEqual(all, [null, [{ address: '::1', family: 6 }]]);
});
