import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnCli, testListenFlags } from '../../test-support/cli-process.js';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';
import { requestThrough } from '../../test-support/forward-proxy-client.js';

/** `--forward-proxy` and its companions, as users run the CLI. */

const realName = 'wopi.example.test';
let upstream: Harness;
let dir: string;

before(async () => {
  upstream = await startHarness({ publicHost: realName });
  dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-forward-cli-'));
});
after(async () => {
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

test('--help lists the forward proxy flags', async () => {
  const cli = spawnCli(['--help']);
  assert.equal((await cli.exited).code, 0);
  for (const flag of ['--forward-proxy', '--forward-port', '--intercept', '--resolve'])
    assert.match(cli.stdout(), new RegExp(`${flag}\\b`));
});

test('bad forward proxy flags exit 2 saying what to change', async () => {
  const cases: Array<[string[], string]> = [
    [['--intercept', 'wopi.example.com'], 'wopi-mock-host: --intercept needs --forward-proxy\n'],
    [
      ['--forward-proxy', '--intercept', 'wopi.example.com', '--resolve', 'nonsense'],
      'wopi-mock-host: --resolve: "nonsense" is not host:port:address (e.g. wopi.example.com:443:127.0.0.1)\n',
    ],
  ];
  for (const [args, message] of cases) {
    const cli = spawnCli(args);
    assert.equal((await cli.exited).code, 2, args.join(' '));
    assert.equal(cli.stderr(), message);
  }
});

test('a busy --forward-port exits 1 naming the port and the flag', async () => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = (busy.address() as AddressInfo).port;
  try {
    const cli = spawnCli([
      ...testListenFlags,
      '--data-dir',
      path.join(dir, 'busy-data'),
      '--forward-proxy',
      '--forward-port',
      String(port),
      '--intercept',
      realName,
    ]);
    assert.equal((await cli.exited).code, 1);
    assert.equal(
      cli.stderr(),
      `wopi-mock-host: the forward proxy port ${port} on 127.0.0.1 is already in use; choose another with --forward-port (0 picks any free port)\n`,
    );
  } finally {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
  }
});

test('--forward-proxy serves intercepted names through its own port, and the log says so', async () => {
  const upstreamPort = Number(new URL(upstream.origin).port);
  const ca = path.join(dir, 'upstream-ca.pem');
  await writeFile(ca, upstream.ca);
  const cli = spawnCli(
    [
      '--json',
      ...testListenFlags,
      '--data-dir',
      path.join(dir, 'forward-data'),
      '--forward-proxy',
      '--forward-port',
      '0',
      '--intercept',
      realName,
      '--resolve',
      `${realName}:${upstreamPort}:127.0.0.1`,
      '--upstream-ca',
      ca,
    ],
    { json: true },
  );
  try {
    const ready = await cli.next('ready');
    const proxyUrl = new URL(String(ready['forwardProxyUrl']));
    assert.equal(proxyUrl.hostname, 'localhost');
    assert.equal(ready['forwardProxyPort'], Number(proxyUrl.port));
    assert.deepEqual(ready['intercept'], [realName]);
    assert.equal(ready['forwardProxyInsecure'], false);
    const proxyCa = await readFile(String(ready['caCertificate']), 'utf8');
    const reply = await requestThrough(Number(proxyUrl.port), `https://${realName}:${upstreamPort}/wopibootstrapper`, proxyCa);
    assert.equal(reply.status, 401);
    const request = await cli.next('request');
    assert.deepEqual([request['operation'], request['status'], request['source']], ['Bootstrap', 401, 'proxy']);
    assert.equal(typeof request['upstreamTtfbMs'], 'number');
  } finally {
    cli.child.kill('SIGTERM');
    await cli.exited;
  }
});
