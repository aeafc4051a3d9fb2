import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InterceptDomainError, InterceptList, normalizeInterceptDomain } from './intercept.js';

test('normalizeInterceptDomain lowercases, drops a trailing dot and keeps the wildcard form', () => {
  const cases: Array<[string, string]> = [
    ['WOPI.Example.com', 'wopi.example.com'],
    ['wopi.example.com.', 'wopi.example.com'],
    ['*.Example.COM', '*.example.com'],
    ['localhost', 'localhost'],
    ['192.168.1.20', '192.168.1.20'],
    ['[::1]', '::1'],
  ];
  for (const [pattern, normalized] of cases) assert.equal(normalizeInterceptDomain(pattern), normalized, pattern);
});

test('normalizeInterceptDomain refuses what no certificate could name, saying why', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /^"" is not a host name or \*\.domain/],
    ['https://wopi.example.com', /is not a host name or \*\.domain \(e\.g\. wopi\.example\.com, \*\.example\.com\)/],
    ['wopi.example.com:443', /is not a host name/],
    ['*.com', /^"\*\.com" would intercept a whole top-level domain/],
    ['*', /is not a host name/],
    ['a.*.example.com', /is not a host name/],
    ['*.10.0.0.1', /^"\*\.10\.0\.0\.1": a wildcard needs a domain name, not an address$/],
    ['-bad.example.com', /is not a host name/],
  ];
  for (const [pattern, message] of cases)
    assert.throws(
      () => normalizeInterceptDomain(pattern),
      (error: Error) => error instanceof InterceptDomainError && message.test(error.message),
      pattern,
    );
});

test('InterceptList: exact names match only themselves; *.domain matches every name below it, not the domain', () => {
  const list = new InterceptList(['wopi.example.com', '*.contoso.test', '10.0.0.5']);
  const cases: Array<[string, boolean]> = [
    ['wopi.example.com', true],
    ['WOPI.EXAMPLE.COM', true],
    ['wopi.example.com.', true],
    ['example.com', false],
    ['x.wopi.example.com', false],
    ['a.contoso.test', true],
    ['a.b.contoso.test', true],
    ['contoso.test', false],
    ['evilcontoso.test', false],
    ['10.0.0.5', true],
    ['10.0.0.50', false],
  ];
  for (const [host, expected] of cases) assert.equal(list.matches(host), expected, host);
});
