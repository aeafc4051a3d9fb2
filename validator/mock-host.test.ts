import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyText, Transport } from './http.js';
import { MockHost } from './mock-host.js';
import type { TestCaseDefinition } from './model.js';
import type { Target } from './requests.js';
import { buildWopiUrl } from './url-helper.js';

/** The runner's own mock host, over real HTTPS: configured per group, a fresh file per test. */

let host: MockHost;
let transport: Transport;
before(async () => {
  host = await MockHost.start();
  transport = new Transport({ ca: host.caCertificate });
});
after(async () => {
  transport.close();
  await host.stop();
});

const testCase = (name: string): TestCaseDefinition => ({
  name,
  category: 'WopiCore',
  description: '',
  failMessage: undefined,
  requests: [],
  cleanupRequests: [],
});

async function checkFileInfo(target: Target): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await transport.send(
    { method: 'GET', url: buildWopiUrl(target.wopiSrc, '', target.accessToken, target.accessTokenTtl), headers: [], body: null },
    true,
  );
  return { status: response.status, body: response.status === 200 ? (JSON.parse(bodyText(response)) as Record<string, unknown>) : {} };
}

test('configureFor switches the capabilities a group needs, and files are still made when containers are off', async () => {
  assert.equal(
    await host.configureFor({ capabilities: { containers: false, putRelativeFile: true }, conflicts: [] }),
    'capabilities.containers=false',
  );
  const target = await host.acquire(testCase('containers.Off test'));
  assert.match(target.wopiSrc, new RegExp(`^${host.origin}/wopi/files/[^/?]+$`));
  const info = await checkFileInfo(target);
  assert.equal(info.status, 200);
  assert.deepEqual(
    [info.body['BaseFileName'], info.body['Size'], info.body['SupportsContainers'], info.body['UserCanNotWriteRelative']],
    ['containers.Off_test.wopitest', 0, false, false],
  );

  assert.equal(await host.configureFor({ capabilities: { putRelativeFile: false }, conflicts: [] }), 'capabilities.putRelativeFile=false');
  const again = await checkFileInfo(target);
  assert.deepEqual([again.body['SupportsContainers'], again.body['UserCanNotWriteRelative']], [true, true]);

  await host.release(target);
  assert.equal((await checkFileInfo(target)).status, 404);
  // Released twice (the test deleted its file itself): not an error.
  await host.release(target);
});

test('conflicting prerequisites leave the switch on and say so', async () => {
  assert.equal(
    await host.configureFor({ capabilities: {}, conflicts: ['containers'] }),
    'defaults (the prerequisites ask for containers both on and off; left on)',
  );
  const target = await host.acquire(testCase('Conflict'));
  assert.equal((await checkFileInfo(target)).body['SupportsContainers'], true);
  await host.release(target);
});
