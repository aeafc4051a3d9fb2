import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { spawnCli, testListenFlags } from '../../test-support/cli-process.js';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';

/** `--proxy-to` and its companions, as users run the CLI. */

let upstream: Harness;
let dir: string;

before(async () => {
  upstream = await startHarness();
  dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-proxy-cli-'));
});
after(async () => {
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(args);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

test('--help lists the proxy flags', async () => {
  const { code, stdout } = await run(['--help']);
  assert.equal(code, 0);
  for (const flag of ['--proxy-to', '--upstream-ca', '--insecure-upstream', '--proxy-rewrite-all'])
    assert.match(stdout, new RegExp(`${flag}\\b`));
});

test('bad proxy flags exit 2 saying what to change', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--proxy-to', 'http://their-host'], /^wopi-mock-host: --proxy-to: "http:\/\/their-host" is not an https URL/],
    [['--proxy-to', 'https://their-host/wopi'], /--proxy-to: .* has a path, query or fragment; give the origin only/],
    [['--proxy-to', ''], /--proxy-to must not be empty/],
    [['--upstream-ca', 'ca.pem'], /^wopi-mock-host: --upstream-ca needs --proxy-to or --forward-proxy\n$/],
    [['--insecure-upstream'], /^wopi-mock-host: --insecure-upstream needs --proxy-to or --forward-proxy\n$/],
    [['--proxy-rewrite-all'], /^wopi-mock-host: --proxy-rewrite-all needs --proxy-to\n$/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await run(args);
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, message, args.join(' '));
  }
  const missing = await run([
    '--proxy-to',
    upstream.origin,
    '--upstream-ca',
    path.join(dir, 'nope.pem'),
    '--data-dir',
    path.join(dir, 'x'),
  ]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, `wopi-mock-host: --upstream-ca ${path.join(dir, 'nope.pem')}: no such file\n`);
  const notPem = path.join(dir, 'not.pem');
  await writeFile(notPem, 'hello');
  const wrong = await run(['--proxy-to', upstream.origin, '--upstream-ca', notPem, '--data-dir', path.join(dir, 'x')]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /not a PEM certificate/);
});

test('--proxy-to serves the upstream through the WOPI listener, and the log says so', async () => {
  const ca = path.join(dir, 'upstream-ca.pem');
  await writeFile(ca, upstream.ca);
  const cli = spawnCli(
    ['--json', ...testListenFlags, '--data-dir', path.join(dir, 'proxy-data'), '--proxy-to', upstream.origin, '--upstream-ca', ca],
    { json: true },
  );
  try {
    const ready = await cli.next('ready');
    assert.equal(ready['proxyTo'], upstream.origin);
    assert.equal(ready['insecureUpstream'], false);
    const proxyCa = await readFile(String(ready['caCertificate']), 'utf8');
    const challenge = await new Promise<string>((resolve, reject) => {
      get(String(ready['bootstrapperUrl']), { ca: proxyCa }, (res) => {
        res.resume();
        resolve(String(res.headers['www-authenticate']));
      }).on('error', reject);
    });
    assert.equal(
      challenge,
      `Bearer authorization_uri="${upstream.origin}/oauth/authorize",tokenIssuance_uri="${String(ready['wopiOrigin'])}/oauth/token",providerId="WopiMockHost"`,
    );
    const request = await cli.next('request');
    assert.deepEqual([request['operation'], request['status'], request['source']], ['Bootstrap', 401, 'proxy']);
    assert.equal(typeof request['upstreamTtfbMs'], 'number');
    assert.equal(upstream.engine.log.list().at(-1)?.operation, 'Bootstrap', 'the upstream answered it');
  } finally {
    cli.child.kill('SIGTERM');
    await cli.exited;
  }
});
