import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { LoopbackTargetError, isLoopbackAddress, lookupRefusingLoopback, mayReachLoopback } from './loopback-guard.js';
import { upstreamFailure } from './failures.js';
import { startHarness } from '../../test-support/host-fixture.js';
import { connectThrough, readToEnd } from '../../test-support/forward-proxy-client.js';

test('isLoopbackAddress: this machine by any spelling, and nothing else', () => {
  const cases: Array<[string, boolean]> = [
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:10.0.0.1', false],
    ['10.0.0.1', false],
    ['192.168.1.20', false],
    ['fe80::1', false],
    ['fd00::1', false],
    ['localhost', false],
  ];
  for (const [address, expected] of cases) assert.equal(isLoopbackAddress(address), expected, address);
});

test('mayReachLoopback: only clients on this machine', () => {
  assert.equal(mayReachLoopback('127.0.0.1'), true);
  assert.equal(mayReachLoopback('::ffff:127.0.0.1'), true);
  assert.equal(mayReachLoopback('::1'), true);
  assert.equal(mayReachLoopback('192.168.1.30'), false);
  assert.equal(mayReachLoopback(undefined), false);
});

test('lookupRefusingLoopback refuses a name that resolves to this machine, and passes others in both shapes', async () => {
  const lookup = (hostname: string, all: boolean) =>
    new Promise<unknown[]>((resolve) => lookupRefusingLoopback(hostname, { all }, (...args: unknown[]) => resolve(args)));
  const [refused] = await lookup('localhost', false);
  assert.ok(refused instanceof LoopbackTargetError);
  assert.equal(refused.code, 'PROXY_LOOPBACK_TARGET');
  assert.deepEqual(await lookup('192.0.2.44', false), [null, '192.0.2.44', 4]);
  assert.deepEqual(await lookup('192.0.2.44', true), [null, [{ address: '192.0.2.44', family: 4 }]]);
});

test('upstreamFailure names a refused loopback target with a 403 and what to do', () => {
  assert.deepEqual(upstreamFailure(new LoopbackTargetError('127.0.0.1'), 'https://localhost:8444'), {
    status: 403,
    cause:
      "https://localhost:8444 is this machine (127.0.0.1): the forward proxy does not open this machine's own ports to other devices; point a name here on purpose with --resolve",
  });
});

const lanAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((entry) => entry !== undefined && !entry.internal && entry.family === 'IPv4')?.address;

test('a client on the LAN is refused tunnels to this machine, by address or by name, with 403; the proxy keeps serving', async (t) => {
  if (lanAddress === undefined) return t.skip('this machine has no LAN IPv4 address to be a LAN client from');
  const host = await startHarness({ host: lanAddress, forwardProxy: { port: 0, intercept: ['wopi.example.test'] } });
  try {
    const port = host.engine.status().forwardProxy!.port;
    const adminPort = Number(new URL(host.engine.urls.adminUrl).port);
    for (const authority of [`127.0.0.1:${adminPort}`, `localhost:${adminPort}`, `[::1]:${adminPort}`]) {
      // From the LAN address to the LAN address: the proxy sees a client that is not on loopback.
      const reply = await connectThrough(port, authority, undefined, lanAddress);
      assert.equal(reply.statusLine, 'HTTP/1.1 403 Forbidden', authority);
      assert.match(
        await readToEnd(reply),
        /is this machine \(.+\): the forward proxy does not open this machine's own ports to other devices/,
      );
    }
    const plain = await connectThrough(
      port,
      '',
      `GET http://127.0.0.1:${adminPort}/api/status HTTP/1.1\r\nHost: 127.0.0.1:${adminPort}\r\nConnection: close\r\n\r\n`,
      lanAddress,
    );
    assert.equal(plain.status, 403);
    assert.equal(host.engine.status().forwardProxy!.failed, 4);
    assert.equal(host.engine.status().forwardProxy!.tunnelled, 0);
  } finally {
    await host.close();
  }
});
