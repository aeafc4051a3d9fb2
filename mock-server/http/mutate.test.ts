import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addFault, bearer, loggedEntry, startHarness, withoutQuery, type Harness } from '../../test-support/host-fixture.js';
import { aliceRoot, newFile } from '../../test-support/file-fixture.js';

/** Phase "mutate" on mocked traffic: the real handler answers, the client gets its JSON patched. */

let h: Harness;
let root: string;

before(async () => {
  h = await startHarness();
  root = await aliceRoot(h);
});
after(async () => {
  await h.close();
});
afterEach(async () => {
  await h.admin('DELETE', '/api/faults');
});

const addFaultId = async (rule: Record<string, unknown>) => (await addFault(h, rule)).id;

test('CheckFileInfo without Size and with FileUrl stripped of its token: every other property as the handler answered, Content-Length to fit', async () => {
  const { url } = await newFile(h, root);
  const real = (await h.request('GET', url)).json();
  const id = await addFaultId({
    operation: 'CheckFileInfo',
    phase: 'mutate',
    patch: [
      { op: 'remove', path: '/Size' },
      { op: 'stripQuery', path: '/FileUrl', value: 'access_token' },
    ],
    remaining: 1,
  });
  const reply = await h.request('GET', url);
  assert.equal(reply.status, 200);
  assert.equal(reply.header('content-length'), String(reply.body.length));
  assert.match(reply.header('content-type')!, /^application\/json/);
  const { Size, FileUrl, ...rest } = real;
  assert.equal(typeof Size, 'number');
  const patched = reply.json();
  assert.equal(patched.Size, undefined);
  assert.equal(patched.FileUrl, FileUrl.slice(0, FileUrl.indexOf('?')));
  const { FileUrl: _, ...patchedRest } = patched;
  assert.deepEqual(patchedRest, rest);
  const entry = await loggedEntry(h, (e) => e.faultId === id);
  assert.ok(entry.notes.includes(`fault rule ${id}: patched the JSON answer (remove /Size, stripQuery /FileUrl)`), entry.notes.join('\n'));

  assert.equal(typeof (await h.request('GET', url)).json().Size, 'number', 'the rule ran out after one answer');
});

test('GetNewAccessToken with AccessTokenExpiry in seconds instead of milliseconds, the unit mistake hosts make', async () => {
  const { access_token } = await h.signIn('alice');
  const { url } = await newFile(h, root);
  const ask = () =>
    h.request('POST', '/wopibootstrapper', {
      headers: { ...bearer(access_token), 'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN', 'x-wopi-wopisrc': withoutQuery(url) },
    });
  const first = await ask();
  assert.equal(first.status, 200, first.text);
  const real = first.json().AccessTokenInfo.AccessTokenExpiry as number;
  await addFaultId({
    operation: 'GetNewAccessToken',
    phase: 'mutate',
    patch: [{ op: 'multiply', path: '/AccessTokenInfo/AccessTokenExpiry', value: 0.001 }],
  });
  const patched = (await ask()).json().AccessTokenInfo;
  // The harness's clock is frozen, so the new token's expiry in ms is the first one's.
  assert.equal(patched.AccessTokenExpiry, real * 0.001);
  assert.ok(patched.AccessTokenExpiry > 1.7e9 && patched.AccessTokenExpiry < 1e10, 'seconds since the epoch');
  assert.equal(typeof patched.AccessToken, 'string');
});

test('a patch that cannot apply leaves the answer as the handler wrote it, and the log says why', async () => {
  const { url } = await newFile(h, root);
  const id = await addFaultId({ operation: 'CheckFileInfo', phase: 'mutate', patch: [{ op: 'test', path: '/Size', value: -1 }] });
  const reply = await h.request('GET', url);
  assert.equal(reply.status, 200);
  assert.equal(typeof reply.json().Size, 'number');
  const entry = await loggedEntry(h, (e) => e.faultId === id);
  assert.ok(
    entry.notes.includes(
      `fault rule ${id}: patch not applied, operation 0 (test /Size): the value is not -1; the answer passed as it came`,
    ),
    entry.notes.join('\n'),
  );
});
