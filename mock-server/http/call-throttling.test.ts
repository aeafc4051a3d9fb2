import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { browse, startHarness, type Harness, type Reply } from '../../test-support/host-fixture.js';

let h: Harness;
let fileUrl: string;

before(async () => {
  h = await startHarness();
  const alice = (await h.signIn('alice')).access_token;
  fileUrl = (await browse(h, alice)).files[0]!.Url;
});
after(async () => {
  await h.close();
});

async function setThrottling(wopi: unknown): Promise<Reply> {
  const config = (await h.admin('GET', '/api/config')).json();
  return h.admin('PUT', '/api/config', { ...config, wopi });
}

test('wopi.requestedCallThrottling sets CheckFileInfo RequestedCallThrottling, and the log says which setting did', async () => {
  assert.equal((await h.request('GET', fileUrl)).json().RequestedCallThrottling, undefined, 'absent by default');
  assert.equal((await setThrottling({ requestedCallThrottling: 'Major' })).status, 200);
  const info = await h.request('GET', fileUrl);
  assert.equal(info.status, 200);
  assert.equal(info.json().RequestedCallThrottling, 'Major');
  const [entry] = (await h.admin('GET', '/api/log?limit=1')).json().entries;
  assert.ok(
    entry.notes.includes('RequestedCallThrottling is Major: set by wopi.requestedCallThrottling, asking the client to call less often'),
    entry.notes.join('\n'),
  );
  const bad = await setThrottling({ requestedCallThrottling: 'Severe' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json().errors[0].path, '$.wopi.requestedCallThrottling');
  assert.equal((await setThrottling({})).status, 200);
  assert.equal((await h.request('GET', fileUrl)).json().RequestedCallThrottling, undefined);
});
