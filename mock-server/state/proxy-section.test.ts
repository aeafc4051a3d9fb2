import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parseConfig, type ConfigIssue } from './config-schema.js';
import { startHarness } from '../../test-support/host-fixture.js';

/** The config's proxy section on its own: defaults, what is stored normalized, and each refusal at its path. */

const errorsOf = (proxy: unknown): ConfigIssue[] => {
  const parsed = parseConfig({ proxy });
  return parsed.ok ? [] : parsed.errors;
};

test('an empty document runs no proxy: the mock answers, no forward proxy', () => {
  const parsed = parseConfig({});
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.config.proxy, { reverse: null, forward: null, upstreamCa: null, insecureUpstream: false, timeoutMs: 30_000 });
});

test('values are stored normalized, and what is stored parses to itself', () => {
  const parsed = parseConfig({
    proxy: {
      reverse: { upstream: ' HTTPS://Wopi.Contoso.COM:443/ ' },
      forward: {
        intercept: ['WOPI.contoso.com.', '*.Example.com', 'wopi.contoso.com'],
        resolve: ['Wopi.Contoso.com:443:[::1]', 'a.example.com:8443:127.0.0.1'],
      },
    },
  });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors));
  assert.deepEqual(parsed.config.proxy.reverse, { upstream: 'https://wopi.contoso.com', rewriteAll: false });
  assert.deepEqual(parsed.config.proxy.forward, {
    port: 8080,
    intercept: ['wopi.contoso.com', '*.example.com'],
    resolve: ['wopi.contoso.com:443:[::1]', 'a.example.com:8443:127.0.0.1'],
  });
  const again = parseConfig(parsed.config);
  assert.ok(again.ok);
  assert.deepEqual(again.config.proxy, parsed.config.proxy);
});

test('each mistake is refused at its own path, saying what to change', () => {
  const cases: Array<[unknown, ConfigIssue[]]> = [
    [
      { reverse: { upstream: 'http://wopi.contoso.com' } },
      [{ path: '$.proxy.reverse.upstream', message: '"http://wopi.contoso.com" is not an https URL (expected https://host[:port])' }],
    ],
    [
      { reverse: { upstream: 'https://wopi.contoso.com/wopi' } },
      [
        {
          path: '$.proxy.reverse.upstream',
          message:
            '"https://wopi.contoso.com/wopi" has a path, query or fragment; give the origin only (https://host[:port]): paths are kept as clients send them',
        },
      ],
    ],
    [{ reverse: {} }, [{ path: '$.proxy.reverse.upstream', message: 'Invalid input: expected string, received undefined' }]],
    [{ forward: { port: 70000 } }, [{ path: '$.proxy.forward.port', message: 'must be from 0 to 65535' }]],
    [
      { forward: { intercept: ['ok.example.com', '*.com'] } },
      [
        {
          path: '$.proxy.forward.intercept[1]',
          message: '"*.com" would intercept a whole top-level domain; name one below it (e.g. *.example.com)',
        },
      ],
    ],
    [
      { forward: { resolve: ['wopi.example.com:443:localhost'] } },
      [{ path: '$.proxy.forward.resolve[0]', message: '"wopi.example.com:443:localhost": "localhost" is not an IPv4 or IPv6 address' }],
    ],
    [
      { upstreamCa: 'hello' },
      [{ path: '$.proxy.upstreamCa', message: 'must be PEM text with at least one -----BEGIN CERTIFICATE----- block' }],
    ],
    [
      { upstreamCa: '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n' },
      [{ path: '$.proxy.upstreamCa', message: 'certificate 1 of 1 cannot be read as X.509' }],
    ],
    [{ timeoutMs: 5 }, [{ path: '$.proxy.timeoutMs', message: 'must be at least 100 ms' }]],
    [{ mode: 'reverse' }, [{ path: '$.proxy', message: 'unknown field: mode' }]],
  ];
  for (const [proxy, expected] of cases) assert.deepEqual(errorsOf(proxy), expected, JSON.stringify(proxy));
});

test('a real CA certificate is accepted as it is, several in one text too', async () => {
  const h = await startHarness();
  try {
    const pem = await readFile(h.engine.urls.caCertificatePath, 'utf8');
    assert.deepEqual(errorsOf({ upstreamCa: pem }), []);
    assert.deepEqual(errorsOf({ upstreamCa: `${pem}\n${pem}` }), []);
  } finally {
    await h.close();
  }
});
