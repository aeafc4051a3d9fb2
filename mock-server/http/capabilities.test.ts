import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendPath, bearer, browse, startHarness, type Harness, type Reply } from '../../test-support/host-fixture.js';
import { fileInfo, newFile, override, utf7 } from '../../test-support/file-fixture.js';

let h: Harness;
let alice: string;
let root: string;
let ecosystemUrl: string;

before(async () => {
  h = await startHarness();
  alice = (await h.signIn('alice')).access_token;
  const browsed = await browse(h, alice);
  root = browsed.rootUrl;
  ecosystemUrl = browsed.bootstrap.EcosystemUrl;
});
after(async () => {
  await h.close();
});
beforeEach(async () => {
  await setCapabilities({ putRelativeFile: true, containers: true });
});

async function setCapabilities(capabilities: unknown): Promise<Reply> {
  const config = (await h.admin('GET', '/api/config')).json();
  return h.admin('PUT', '/api/config', { ...config, capabilities });
}

async function lastLogEntry(): Promise<{ operation: string; status: number; notes: string[] }> {
  return (await h.admin('GET', '/api/log?limit=1')).json().entries[0];
}

function assert501(reply: Reply, reason: string): void {
  assert.equal(reply.status, 501, reply.text);
  assert.equal(reply.text, '');
  assert.equal(reply.header('x-wopi-servererror'), reason);
}

describe('capabilities config', () => {
  test('defaults to everything on; a value that is not a boolean is refused with its path', async () => {
    assert.deepEqual((await h.admin('GET', '/api/config')).json().capabilities, { putRelativeFile: true, containers: true });
    const bad = await setCapabilities({ containers: 'no', extra: true });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json(), {
      errors: [
        { path: '$.capabilities.containers', message: 'Invalid input: expected boolean, received string' },
        { path: '$.capabilities', message: 'unknown field: extra' },
      ],
    });
  });
});

describe('capabilities.putRelativeFile = false', () => {
  test('CheckFileInfo says UserCanNotWriteRelative, and PutRelativeFile answers 501 in every mode, creating nothing', async () => {
    const { url } = await newFile(h, root, 'source');
    assert.equal((await fileInfo(h, url)).UserCanNotWriteRelative, false);
    assert.equal((await setCapabilities({ putRelativeFile: false, containers: true })).status, 200);
    const info = await fileInfo(h, url);
    assert.equal(info.UserCanNotWriteRelative, true);
    assert.equal(info.SupportsUpdate, true);
    const before = (await h.request('GET', appendPath(root, '/children'))).json().ChildFiles.length;
    for (const headers of [
      { 'x-wopi-suggestedtarget': utf7('.wopitestx') } as Record<string, string>,
      { 'x-wopi-relativetarget': utf7('Relative.docx') },
      { 'x-wopi-relativetarget': utf7('Relative.docx'), 'x-wopi-overwriterelativetarget': 'true' },
      { 'x-wopi-suggestedtarget': utf7('Both.docx'), 'x-wopi-relativetarget': utf7('Both.docx') },
    ]) {
      assert501(
        await override(h, url, 'PUT_RELATIVE', headers, 'new content'),
        'PutRelativeFile is switched off: capabilities.putRelativeFile is false',
      );
    }
    const logged = await lastLogEntry();
    assert.deepEqual(
      [logged.operation, logged.status, logged.notes],
      ['PutRelativeFile', 501, ['PutRelativeFile is switched off: capabilities.putRelativeFile is false']],
    );
    assert.equal((await h.request('GET', appendPath(root, '/children'))).json().ChildFiles.length, before);
    // The rest of the file surface is untouched: CreateChildFile still makes files.
    assert.equal((await override(h, root, 'CREATE_CHILD_FILE', { 'x-wopi-relativetarget': utf7('Still works.docx') })).status, 200);
  });
});

describe('capabilities.containers = false', () => {
  test('CheckFileInfo and CheckEcosystem say SupportsContainers false; DeleteFile, PutRelativeFile and the ecosystem stay', async () => {
    const { url } = await newFile(h, root, 'abc');
    assert.equal((await setCapabilities({ putRelativeFile: true, containers: false })).status, 200);
    const info = await fileInfo(h, url);
    assert.equal(info.SupportsContainers, false);
    assert.equal(info.SupportsDeleteFile, true);
    assert.equal(info.SupportsEcosystem, true);
    assert.equal(info.UserCanNotWriteRelative, false);
    assert.deepEqual((await h.request('GET', ecosystemUrl)).json(), { SupportsContainers: false });
    const copy = await override(h, url, 'PUT_RELATIVE', { 'x-wopi-relativetarget': utf7('Copy without containers.docx') }, 'copy');
    assert.equal(copy.status, 200, copy.text);
    assert.equal((await h.request('GET', appendPath(url, '/ecosystem_pointer'))).status, 200);
    assert.equal((await override(h, copy.json().Url, 'DELETE')).status, 200);
  });

  test('every container operation answers 501, whatever the token', async () => {
    const { url } = await newFile(h, root);
    assert.equal((await setCapabilities({ putRelativeFile: true, containers: false })).status, 200);
    const calls: Array<[string, () => Promise<Reply>]> = [
      ['CheckContainerInfo', () => h.request('GET', root)],
      ['EnumerateChildren', () => h.request('GET', appendPath(root, '/children'))],
      ['EnumerateAncestors(container)', () => h.request('GET', appendPath(root, '/ancestry'))],
      ['EnumerateAncestors(file)', () => h.request('GET', appendPath(url, '/ancestry'))],
      ['GetEcosystem(container)', () => h.request('GET', appendPath(root, '/ecosystem_pointer'))],
      ['CreateChildFile', () => override(h, root, 'CREATE_CHILD_FILE', { 'x-wopi-relativetarget': utf7('New.docx') })],
      ['CreateChildContainer', () => override(h, root, 'CREATE_CHILD_CONTAINER', { 'x-wopi-relativetarget': utf7('Folder') })],
      ['DeleteContainer', () => override(h, root, 'DELETE_CONTAINER')],
      ['RenameContainer', () => override(h, root, 'RENAME_CONTAINER', { 'x-wopi-requestedname': utf7('Renamed') })],
      ['GetShareUrl(container)', () => override(h, root, 'GET_SHARE_URL', { 'x-wopi-urltype': 'ReadOnly' })],
      ['GetRootContainer', () => h.request('GET', appendPath(ecosystemUrl, '/root_container_pointer'))],
      ['CheckContainerInfo', () => h.request('GET', `${new URL(root).pathname}?access_token=garbage`)],
    ];
    for (const [operation, call] of calls) {
      assert501(await call(), `${operation} is switched off: capabilities.containers is false`);
      const logged = await lastLogEntry();
      assert.deepEqual([logged.operation, logged.status], [operation, 501]);
    }
    // Turned back on, the same container answers again.
    assert.equal((await setCapabilities({ putRelativeFile: true, containers: true })).status, 200);
    assert.equal((await h.request('GET', root)).status, 200);
  });

  test('the bootstrapper shortcut GET_ROOT_CONTAINER is answered as a plain Bootstrap, as for any shortcut a host lacks', async () => {
    assert.equal((await setCapabilities({ putRelativeFile: true, containers: false })).status, 200);
    const reply = await h.request('POST', '/wopibootstrapper', {
      headers: { ...bearer(alice), 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' },
    });
    assert.equal(reply.status, 200, reply.text);
    const body = reply.json();
    assert.deepEqual(Object.keys(body), ['Bootstrap']);
    assert.equal(body.Bootstrap.UserId, 'alice');
    const logged = await lastLogEntry();
    assert.deepEqual(
      [logged.operation, logged.status, logged.notes],
      [
        'GetRootContainer(bootstrapper)',
        200,
        ['GetRootContainer(bootstrapper) answered as a plain Bootstrap: capabilities.containers is false'],
      ],
    );
    // Without a token it is a Bootstrap's 401 with the challenge, not a 501.
    const anonymous = await h.request('POST', '/wopibootstrapper', { headers: { 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' } });
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.header('www-authenticate')!, /^Bearer authorization_uri="/);
  });
});
