import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveWopiSrc } from './wopi-src.js';

const context = { hostNames: new Set(['192.168.1.20', 'laptop.local', 'localhost', '::1']), port: 8443 };

describe('resolveWopiSrc', () => {
  const accepted: Array<[string, string, { kind: 'file' | 'container'; id: string }]> = [
    ['file', 'https://192.168.1.20:8443/wopi/files/abc_DEF-1', { kind: 'file', id: 'abc_DEF-1' }],
    ['container', 'https://laptop.local:8443/wopi/containers/root1', { kind: 'container', id: 'root1' }],
    ['host case-insensitive', 'https://LAPTOP.local:8443/wopi/files/x', { kind: 'file', id: 'x' }],
    ['IPv6 literal', 'https://[::1]:8443/wopi/files/x', { kind: 'file', id: 'x' }],
    ['trailing slash', 'https://localhost:8443/wopi/files/x/', { kind: 'file', id: 'x' }],
    ['stray query string', 'https://localhost:8443/wopi/files/x?access_token=t&access_token_ttl=0', { kind: 'file', id: 'x' }],
    ['percent-encoded id characters', 'https://localhost:8443/wopi/files/%61b', { kind: 'file', id: 'ab' }],
    ['surrounding whitespace', '  https://localhost:8443/wopi/files/x ', { kind: 'file', id: 'x' }],
  ];
  for (const [name, value, expected] of accepted) {
    test(`accepts: ${name}`, () => assert.deepEqual(resolveWopiSrc(value, context), { ok: true, ...expected }));
  }

  const rejected: Array<[string, string | undefined, string]> = [
    ['missing', undefined, 'X-WOPI-WopiSrc is missing'],
    ['blank', ' ', 'X-WOPI-WopiSrc is missing'],
    ['relative', '/wopi/files/x', 'X-WOPI-WopiSrc is not an absolute URL'],
    ['http', 'http://localhost:8443/wopi/files/x', 'X-WOPI-WopiSrc is not an https URL'],
    ['other host', 'https://evil.example:8443/wopi/files/x', 'X-WOPI-WopiSrc names another host (evil.example)'],
    ['other port', 'https://localhost:9443/wopi/files/x', 'X-WOPI-WopiSrc names another port (9443)'],
    ['default port is 443', 'https://localhost/wopi/files/x', 'X-WOPI-WopiSrc names another port (443)'],
    ['not a resource', 'https://localhost:8443/wopi/ecosystem', 'X-WOPI-WopiSrc is not a /wopi/files/<id> or /wopi/containers/<id> URL'],
    ['sub-path', 'https://localhost:8443/wopi/files/x/contents', 'X-WOPI-WopiSrc is not a /wopi/files/<id> or /wopi/containers/<id> URL'],
    [
      'dot segments are resolved by URL, then rejected',
      'https://localhost:8443/wopi/files/../../etc/passwd',
      'X-WOPI-WopiSrc is not a /wopi/files/<id> or /wopi/containers/<id> URL',
    ],
    ['encoded slash', 'https://localhost:8443/wopi/files/a%2F..%2Fb', 'X-WOPI-WopiSrc has an invalid resource id'],
    [
      'encoded dot-dot is a dot segment to URL',
      'https://localhost:8443/wopi/files/%2E%2E',
      'X-WOPI-WopiSrc is not a /wopi/files/<id> or /wopi/containers/<id> URL',
    ],
    ['dot in id', 'https://localhost:8443/wopi/files/a.b', 'X-WOPI-WopiSrc has an invalid resource id'],
    ['bad percent-encoding', 'https://localhost:8443/wopi/files/%zz', 'X-WOPI-WopiSrc has a malformed percent-encoding'],
    ['over-long id', `https://localhost:8443/wopi/files/${'a'.repeat(65)}`, 'X-WOPI-WopiSrc has an invalid resource id'],
  ];
  for (const [name, value, reason] of rejected) {
    test(`rejects: ${name}`, () => assert.deepEqual(resolveWopiSrc(value, context), { ok: false, reason }));
  }
});
