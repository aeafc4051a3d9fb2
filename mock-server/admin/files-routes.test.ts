import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendPath, startHarness, type Harness } from '../../test-support/host-fixture.js';
import { aliceRoot, override } from '../../test-support/file-fixture.js';
import { openStream } from '../../test-support/stream-fixture.js';
import type { ContainerNode, FileNode, UserTree } from './contract.js';

let h: Harness;
let wopiRoot: string;
let rootId: string;

before(async () => {
  h = await startHarness();
  wopiRoot = await aliceRoot(h);
  rootId = new URL(wopiRoot).pathname.split('/').pop()!;
});
after(async () => {
  await h.close();
});

const trees = async (): Promise<UserTree[]> => (await h.admin('GET', '/api/files')).json().users;
const aliceTree = async (): Promise<ContainerNode> => (await trees()).find((t) => t.userId === 'alice')!.root;
const fileIn = (tree: ContainerNode, name: string): FileNode | undefined => tree.files.find((f) => f.name === name);
const upload = (
  name: string,
  body: string,
  query = '',
  headers: Record<string, string> = { 'content-type': 'application/octet-stream' },
  container = rootId,
  user = 'alice',
) => h.admin('PUT', `/api/users/${user}/containers/${container}/files?name=${encodeURIComponent(name)}${query}`, body, { headers });
const wopiFileUrl = async (name: string) => {
  const children = (await h.request('GET', appendPath(wopiRoot, '/children'))).json();
  return children.ChildFiles.find((f: { Name: string }) => f.Name === name).Url as string;
};

describe('GET /api/files', () => {
  test('every configured user’s tree, with sizes, versions and times', async () => {
    const users = await trees();
    assert.deepEqual(
      users.map((u) => [u.userId, u.configured, u.root.name]),
      [
        ['alice', true, 'Documents'],
        ['bob', true, 'Documents'],
      ],
    );
    const alice = users[0]!.root;
    assert.equal(alice.id, rootId);
    assert.deepEqual(alice.containers, []);
    assert.deepEqual(
      alice.files.map((f) => f.name),
      ['Budget.xlsx', 'Pitch deck.pptx', 'Welcome.docx'],
    );
    for (const file of alice.files) {
      assert.equal(file.kind, 'file');
      assert.equal(file.version, '1');
      assert.equal(file.lastModifiedTime, new Date(h.now()).toISOString());
      assert.equal(file.lock, null);
      assert.ok(file.size > 1000);
    }
  });
});

describe('uploads', () => {
  test('PUT creates a file (201), refuses a clash (409) unless overwrite=true (200), and WOPI sees it', async () => {
    const created = await upload('Upload.docx', 'uploaded');
    assert.equal(created.status, 201, created.text);
    const node: FileNode = created.json();
    assert.deepEqual(
      { ...node, id: 'x' },
      { kind: 'file', id: 'x', name: 'Upload.docx', size: 8, version: '1', lastModifiedTime: new Date(h.now()).toISOString(), lock: null },
    );
    assert.equal((await h.request('GET', appendPath(await wopiFileUrl('Upload.docx'), '/contents'))).text, 'uploaded');

    const clash = await upload('upload.DOCX', 'again');
    assert.equal(clash.status, 409);
    assert.deepEqual(clash.json(), {
      errors: [{ path: '$', message: 'a file named "upload.DOCX" exists already; add overwrite=true to replace it' }],
    });
    const replaced = await upload('Upload.docx', 'replaced!', '&overwrite=true');
    assert.equal(replaced.status, 200);
    assert.equal(replaced.json().id, node.id);
    assert.equal(replaced.json().version, '2');
    assert.equal((await h.admin('GET', `/api/files/${node.id}/content`)).text, 'replaced!');
  });

  test('the body is stored as sent, whatever its content type', async () => {
    const reply = await upload('data.json', '{"not":"parsed"}', '', { 'content-type': 'application/json' });
    assert.equal(reply.status, 201);
    assert.equal((await h.admin('GET', `/api/files/${reply.json().id}/content`)).text, '{"not":"parsed"}');
  });

  test('bad names, unknown or foreign containers and oversized bodies are refused', async () => {
    assert.equal((await upload('a/b.docx', 'x')).status, 400);
    assert.deepEqual((await upload('', 'x')).json(), { errors: [{ path: '$', message: '"" cannot be used: the name is empty' }] });
    assert.equal((await h.admin('PUT', `/api/users/alice/containers/${rootId}/files`, 'x')).status, 400);
    assert.equal((await upload('ok.docx', 'x', '&overwrite=maybe')).status, 400);
    assert.equal((await upload('ok.docx', 'x', '', undefined, 'nope')).status, 404);
    assert.equal((await upload('ok.docx', 'x', '', undefined, rootId, 'bob')).status, 404);
    const config = (await h.admin('GET', '/api/config')).json();
    await h.admin('PUT', '/api/config', { ...config, maxFileSizeBytes: 3 });
    try {
      const big = await upload('big.docx', 'four');
      assert.equal(big.status, 413);
      assert.deepEqual(big.json(), { errors: [{ path: '$', message: 'the body is larger than the 3-byte limit (maxFileSizeBytes)' }] });
    } finally {
      await h.admin('PUT', '/api/config', config);
    }
    assert.equal(fileIn(await aliceTree(), 'big.docx'), undefined);
    assert.equal(fileIn(await aliceTree(), 'ok.docx'), undefined);
  });

  test('every route needs the admin token', async () => {
    assert.equal((await h.admin('GET', '/api/files', undefined, { token: null })).status, 401);
    assert.equal(
      (await h.admin('PUT', `/api/users/alice/containers/${rootId}/files?name=sneaky.docx`, 'x', { token: 'wrong-token' })).status,
      401,
    );
    assert.equal((await h.admin('DELETE', '/api/files/whatever', undefined, { token: null })).status, 401);
    assert.equal(fileIn(await aliceTree(), 'sneaky.docx'), undefined);
  });
});

describe('locks and deletion', () => {
  test('a WOPI lock shows with its expiry; clearing it frees the file for WOPI clients', async () => {
    const { id } = (await upload('Locked.docx', 'x')).json();
    const url = await wopiFileUrl('Locked.docx');
    assert.equal((await override(h, url, 'LOCK', { 'x-wopi-lock': 'OfficeLock' })).status, 200);
    assert.deepEqual(fileIn(await aliceTree(), 'Locked.docx')!.lock, {
      id: 'OfficeLock',
      expiresAt: new Date(h.now() + 30 * 60_000).toISOString(),
    });
    const cleared = await h.admin('DELETE', `/api/files/${id}/lock`);
    assert.equal(cleared.status, 200);
    assert.equal(cleared.json().lock, null);
    assert.deepEqual((await override(h, url, 'GET_LOCK')).headers['x-wopi-lock'], ['']);
    assert.equal((await h.admin('DELETE', '/api/files/nope/lock')).status, 404);
  });

  test('DELETE removes a file even while it is locked', async () => {
    const { id } = (await upload('Doomed.docx', 'x')).json();
    assert.equal((await override(h, await wopiFileUrl('Doomed.docx'), 'LOCK', { 'x-wopi-lock': 'L' })).status, 200);
    assert.equal((await h.admin('DELETE', `/api/files/${id}`)).status, 204);
    assert.equal(fileIn(await aliceTree(), 'Doomed.docx'), undefined);
    assert.equal((await h.admin('DELETE', `/api/files/${id}`)).status, 404);
    assert.equal((await h.admin('GET', `/api/files/${id}/content`)).status, 404);
  });
});

describe('live updates', () => {
  test('changes by WOPI clients and the admin API arrive as one coalesced `files` event', async () => {
    const stream = await openStream(h.engine.urls.adminUrl, h.engine.urls.adminToken);
    try {
      const { id } = (await upload('Streamed.docx', 'x')).json();
      await h.admin('DELETE', `/api/files/${id}`);
      const event = await stream.next((e) => e.event === 'files', 2000);
      assert.deepEqual(event.data, { userIds: ['alice'] });
      await override(h, wopiRoot, 'CREATE_CHILD_CONTAINER', { 'x-wopi-suggestedtarget': 'Live' });
      assert.deepEqual((await stream.next((e) => e.event === 'files', 2000)).data, { userIds: ['alice'] });
      assert.equal(stream.events.filter((e) => e.event === 'files').length, 2);
    } finally {
      stream.close();
    }
  });
});
