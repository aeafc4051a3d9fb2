import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError, parseCli, type CliOptions } from './args.js';

/** parseCli on its own: the forward proxy's flags, and the mistakes it names. */

function serveOptions(argv: string[]): CliOptions {
  const command = parseCli(argv, '/work');
  if (command.kind !== 'serve') assert.fail(`${argv.join(' ')} is not a serve command`);
  return command.options;
}

test('no forward proxy unless asked for', () => {
  assert.equal(serveOptions([]).forwardProxy, undefined);
  assert.equal(serveOptions([]).noProxy, false, 'the saved proxy settings stay in force');
  assert.equal(serveOptions(['--no-proxy']).noProxy, true);
});

test('--forward-proxy with repeated --intercept and --resolve, the default port, nothing insecure', () => {
  const options = serveOptions([
    '--forward-proxy',
    '--intercept',
    'WOPI.Example.com',
    '--intercept',
    '*.contoso.test',
    '--intercept',
    'wopi.example.com',
    '--resolve',
    'wopi.example.com:443:127.0.0.1',
    '--resolve',
    'a.contoso.test:8443:[::1]',
  ]);
  assert.deepEqual(options.forwardProxy, {
    port: 8080,
    intercept: ['wopi.example.com', '*.contoso.test'],
    resolve: ['wopi.example.com:443:127.0.0.1', 'a.contoso.test:8443:[::1]'],
    caFile: undefined,
    insecure: false,
  });
  assert.equal(options.proxy, undefined, 'the WOPI listener keeps serving the mock');
});

test('--forward-port (0 allowed), --upstream-ca resolved against the working directory, --insecure-upstream', () => {
  const options = serveOptions([
    '--forward-proxy',
    '--forward-port',
    '0',
    '--intercept',
    'wopi.example.com',
    '--upstream-ca',
    'certs/ca.pem',
    '--insecure-upstream',
  ]);
  assert.deepEqual(options.forwardProxy, {
    port: 0,
    intercept: ['wopi.example.com'],
    resolve: [],
    caFile: '/work/certs/ca.pem',
    insecure: true,
  });
});

test('--forward-proxy beside --proxy-to: both get the upstream CA', () => {
  const options = serveOptions([
    '--proxy-to',
    'https://their-host',
    '--forward-proxy',
    '--intercept',
    'their-host',
    '--upstream-ca',
    '/ca.pem',
  ]);
  assert.equal(options.proxy?.caFile, '/ca.pem');
  assert.equal(options.forwardProxy?.caFile, '/ca.pem');
});

test('usage errors name the flag and what to change', () => {
  const cases: Array<[string[], string]> = [
    [['--intercept', 'wopi.example.com'], '--intercept needs --forward-proxy'],
    [['--resolve', 'wopi.example.com:443:127.0.0.1'], '--resolve needs --forward-proxy'],
    [['--forward-port', '9090'], '--forward-port needs --forward-proxy'],
    [
      ['--forward-proxy'],
      '--forward-proxy needs at least one --intercept <domain>: the names to decrypt (e.g. --intercept wopi.example.com)',
    ],
    [
      ['--forward-proxy', '--intercept', 'wopi.example.com', '--resolve', 'wopi.example.com:127.0.0.1'],
      '--resolve: "wopi.example.com:127.0.0.1" is not host:port:address (e.g. wopi.example.com:443:127.0.0.1)',
    ],
    [
      ['--forward-proxy', '--intercept', 'wopi.example.com', '--resolve', 'wopi.example.com:443:localhost'],
      '--resolve: "wopi.example.com:443:localhost": "localhost" is not an IPv4 or IPv6 address',
    ],
    [
      ['--forward-proxy', '--intercept', 'https://wopi.example.com'],
      '--intercept: "https://wopi.example.com" is not a host name or *.domain (e.g. wopi.example.com, *.example.com)',
    ],
    [
      ['--forward-proxy', '--intercept', '*.com'],
      '--intercept: "*.com" would intercept a whole top-level domain; name one below it (e.g. *.example.com)',
    ],
    [
      ['--forward-proxy', '--intercept', 'wopi.example.com', '--forward-port', '99999'],
      '--forward-port must be a port number from 0 to 65535, not "99999"',
    ],
    [['--forward-proxy', '--intercept', 'wopi.example.com', '--forward-port', ''], '--forward-port must not be empty'],
    [['--forward-proxy', '--intercept', 'wopi.example.com', '--proxy-rewrite-all'], '--proxy-rewrite-all needs --proxy-to'],
    [['--upstream-ca', 'ca.pem'], '--upstream-ca needs --proxy-to or --forward-proxy'],
    [['--no-proxy', '--proxy-to', 'https://wopi.example.com'], '--no-proxy cannot go with --proxy-to'],
    [['--no-proxy', '--forward-proxy', '--intercept', 'wopi.example.com'], '--no-proxy cannot go with --forward-proxy'],
  ];
  for (const [argv, message] of cases)
    assert.throws(
      () => parseCli(argv, '/work'),
      (error: Error) => error instanceof UsageError && error.message === message,
      `${argv.join(' ')} → ${message}`,
    );
});
