import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startHarness, type Harness } from '../../test-support/host-fixture.js';
import { checkAsync } from '../../test-support/fuzz.js';
import { grantsFor } from '../../test-support/tokens.js';
import { newContainer, newFileIn, serverErrorOf, wopiHeaders, type Created } from '../../test-support/file-surface.js';
import { wireTo, type Wire, type WireReply } from '../../test-support/wire.js';

/**
 * Every file, container and lock operation with a token that does not open the resource: another
 * user's token of any scope is a 404 that says nothing about the resource (no lock id, name,
 * version or size in any header or body), and the same user's token for another resource is a
 * 401. Either way nothing changes: content, names, locks, user info, activities and the tree.
 */

interface Party {
  userId: string;
  root: string;
  folder: Created;
  /** Locked with `lockId`; its name and lock id must never reach another user. */
  locked: Created;
  lockId: string;
  plain: Created;
  /** Tokens of every scope this user holds, with what each is for. */
  tokens: Array<{ token: string; scope: string }>;
}

let h: Harness;
let wire: Wire;
const parties: Party[] = [];

async function party(userId: string): Promise<Party> {
  const grants = await grantsFor(h, userId);
  const root = `${h.origin}/wopi/containers/${grants.rootId}?access_token=${grants.rootToken}`;
  const folder = await newContainer(wire, root, `${userId}-private-folder`);
  const locked = await newFileIn(wire, folder.url, `${userId}'s secret content`, `${userId}-secret-plan.docx`);
  const lockId = `${userId}-lock-${'z'.repeat(8)}`;
  assert.equal((await wire.wopi('POST', locked.path, { headers: { 'x-wopi-override': 'LOCK', 'x-wopi-lock': lockId } })).status, 200);
  const plain = await newFileIn(wire, folder.url, `${userId}'s plain content`, `${userId}-plain.docx`);
  const shared = await wire.wopi('POST', plain.path, { headers: { 'x-wopi-override': 'GET_SHARE_URL', 'x-wopi-urltype': 'ReadOnly' } });
  assert.equal(shared.status, 200, shared.text);
  const shareToken = decodeURIComponent(new URL(shared.json().ShareUrl).pathname.split('/').pop()!);
  const scoped = (c: Created, kind: string) => ({ token: new URL(c.url).searchParams.get('access_token')!, scope: `${kind}:${c.id}` });
  return {
    userId,
    root,
    folder,
    locked,
    lockId,
    plain,
    tokens: [
      { token: grants.ecosystem, scope: 'ecosystem' },
      { token: grants.rootToken, scope: `container:${grants.rootId}` },
      scoped(folder, 'container'),
      scoped(locked, 'file'),
      scoped(plain, 'file'),
      ...grants.files.slice(0, 2).map((f) => ({ token: f.token, scope: `file:${f.id}` })),
      { token: shareToken, scope: `share:ReadOnly:file:${plain.id}` },
    ],
  };
}

before(async () => {
  h = await startHarness();
  wire = wireTo(h);
  parties.push(await party('alice'), await party('bob'));
});
after(async () => {
  wire.close();
  await h.close();
});

type Operation = { name: string; method: string; suffix: string; override?: string; headers?: Record<string, string>; body?: string };
const fileOperations: Operation[] = [
  { name: 'CheckFileInfo', method: 'GET', suffix: '' },
  { name: 'GetFile', method: 'GET', suffix: '/contents' },
  { name: 'EnumerateAncestors(file)', method: 'GET', suffix: '/ancestry' },
  { name: 'GetEcosystem(file)', method: 'GET', suffix: '/ecosystem_pointer' },
  { name: 'PutFile', method: 'POST', suffix: '/contents', override: 'PUT', body: 'overwritten by a stranger' },
  {
    name: 'PutFile with the lock',
    method: 'POST',
    suffix: '/contents',
    override: 'PUT',
    headers: { 'x-wopi-lock': 'LOCK_OF_TARGET' },
    body: 'overwritten',
  },
  { name: 'Lock', method: 'POST', suffix: '', override: 'LOCK', headers: { 'x-wopi-lock': 'stolen' } },
  { name: 'GetLock', method: 'POST', suffix: '', override: 'GET_LOCK' },
  { name: 'RefreshLock', method: 'POST', suffix: '', override: 'REFRESH_LOCK', headers: { 'x-wopi-lock': 'LOCK_OF_TARGET' } },
  { name: 'Unlock', method: 'POST', suffix: '', override: 'UNLOCK', headers: { 'x-wopi-lock': 'LOCK_OF_TARGET' } },
  {
    name: 'UnlockAndRelock',
    method: 'POST',
    suffix: '',
    override: 'LOCK',
    headers: { 'x-wopi-oldlock': 'LOCK_OF_TARGET', 'x-wopi-lock': 'stolen' },
  },
  {
    name: 'PutRelativeFile',
    method: 'POST',
    suffix: '',
    override: 'PUT_RELATIVE',
    headers: { 'x-wopi-suggestedtarget': '.docx' },
    body: 'copy',
  },
  {
    name: 'PutRelativeFile overwrite',
    method: 'POST',
    suffix: '',
    override: 'PUT_RELATIVE',
    headers: { 'x-wopi-relativetarget': 'NAME_OF_TARGET', 'x-wopi-overwriterelativetarget': 'true' },
    body: 'copy',
  },
  {
    name: 'RenameFile',
    method: 'POST',
    suffix: '',
    override: 'RENAME_FILE',
    headers: { 'x-wopi-requestedname': 'taken-over', 'x-wopi-lock': 'LOCK_OF_TARGET' },
  },
  { name: 'DeleteFile', method: 'POST', suffix: '', override: 'DELETE' },
  { name: 'PutUserInfo', method: 'POST', suffix: '', override: 'PUT_USER_INFO', body: 'stranger info' },
  { name: 'GetShareUrl(file)', method: 'POST', suffix: '', override: 'GET_SHARE_URL', headers: { 'x-wopi-urltype': 'ReadWrite' } },
  {
    name: 'AddActivities',
    method: 'POST',
    suffix: '',
    override: 'ADD_ACTIVITIES',
    body: JSON.stringify({
      Activities: [{ Type: 'comment', Id: '1', Timestamp: '2026-01-01T00:00:00Z', Data: { ContentId: 'c', ContentAction: 'create' } }],
    }),
  },
];
const containerOperations: Operation[] = [
  { name: 'CheckContainerInfo', method: 'GET', suffix: '' },
  { name: 'EnumerateChildren', method: 'GET', suffix: '/children' },
  { name: 'EnumerateAncestors(container)', method: 'GET', suffix: '/ancestry' },
  { name: 'GetEcosystem(container)', method: 'GET', suffix: '/ecosystem_pointer' },
  {
    name: 'CreateChildFile',
    method: 'POST',
    suffix: '',
    override: 'CREATE_CHILD_FILE',
    headers: { 'x-wopi-suggestedtarget': 'planted.docx' },
  },
  {
    name: 'CreateChildFile overwrite',
    method: 'POST',
    suffix: '',
    override: 'CREATE_CHILD_FILE',
    headers: { 'x-wopi-relativetarget': 'NAME_OF_TARGET', 'x-wopi-overwriterelativetarget': 'true' },
  },
  {
    name: 'CreateChildContainer',
    method: 'POST',
    suffix: '',
    override: 'CREATE_CHILD_CONTAINER',
    headers: { 'x-wopi-suggestedtarget': 'planted' },
  },
  { name: 'RenameContainer', method: 'POST', suffix: '', override: 'RENAME_CONTAINER', headers: { 'x-wopi-requestedname': 'taken-over' } },
  { name: 'DeleteContainer', method: 'POST', suffix: '', override: 'DELETE_CONTAINER' },
  { name: 'GetShareUrl(container)', method: 'POST', suffix: '', override: 'GET_SHARE_URL', headers: { 'x-wopi-urltype': 'ReadOnly' } },
];

/** Everything about both users' trees a client or the admin could see, to show nothing moved. */
async function everything(): Promise<string> {
  const tree = (await wire.admin('GET', '/api/files')).text;
  const contents: string[] = [];
  const activities: string[] = [];
  for (const p of parties) {
    for (const file of [p.locked, p.plain]) {
      contents.push((await wire.admin('GET', `/api/files/${file.id}/content`)).text);
      activities.push((await wire.admin('GET', `/api/files/${file.id}/activities`)).text);
    }
  }
  const userInfo = await Promise.all(parties.map(async (p) => (await wire.wopi('GET', p.plain.path)).json().UserInfo));
  return JSON.stringify({ tree, contents, activities, userInfo });
}

/** Header values and body text of a reply, for the leak check. */
function visible(reply: WireReply): string {
  return JSON.stringify(reply.headers) + reply.text;
}

describe('tokens that do not open the resource', () => {
  test("another user's token of every scope, on every file, container and lock operation, in the query or as Bearer: 404, nothing leaked, nothing changed", async (t) => {
    const before = await everything();
    const target = fc.constantFrom(
      ...parties.flatMap((owner) => [
        { owner, kind: 'file' as const, resource: owner.locked },
        { owner, kind: 'file' as const, resource: owner.plain },
        { owner, kind: 'container' as const, resource: owner.folder },
      ]),
    );
    await checkAsync(
      t,
      [target, fc.nat(), fc.nat(), fc.boolean(), fc.nat()],
      async ({ owner, kind, resource }, callerIndex, tokenIndex, asBearer, opIndex) => {
        const others = parties.filter((p) => p !== owner);
        const caller = others[callerIndex % others.length]!;
        const { token } = caller.tokens[tokenIndex % caller.tokens.length]!;
        const operations = kind === 'file' ? fileOperations : containerOperations;
        const op = operations[opIndex % operations.length]!;
        // The stranger guesses right: the target's real lock id and name are in the request.
        const fill = (v: string) => v.replace('LOCK_OF_TARGET', owner.lockId).replace('NAME_OF_TARGET', owner.locked.name);
        const headers = Object.fromEntries(Object.entries(op.headers ?? {}).map(([k, v]) => [k, fill(v)]));
        const path = `/wopi/${kind}s/${resource.id}${op.suffix}${asBearer ? '' : `?access_token=${token}`}`;
        const reply = await wire.wopi(op.method, path, {
          headers: {
            ...headers,
            ...(op.override ? { 'x-wopi-override': op.override } : {}),
            ...(asBearer ? { authorization: `Bearer ${token}` } : {}),
          },
          ...(op.body !== undefined ? { body: op.body } : {}),
        });
        const context = `${caller.userId} → ${owner.userId}'s ${kind} with ${op.name} (${asBearer ? 'Bearer' : 'query'}) → ${reply.status} ${reply.header('x-wopi-servererror') ?? ''}`;
        assert.deepEqual(
          { status: reply.status, headers: wopiHeaders(reply), body: reply.text },
          { status: 404, headers: { 'x-wopi-servererror': [`no ${kind} ${resource.id} that user ${caller.userId} can access`] }, body: '' },
          context,
        );
        assert.equal(reply.headers['www-authenticate'], undefined, context);
        for (const secret of [owner.lockId, owner.locked.name, owner.plain.name, owner.folder.name, `${owner.userId}'s`])
          assert.ok(!visible(reply).includes(secret), `${context}: leaked ${secret}`);
      },
      { weight: 3 },
    );
    assert.equal(await everything(), before, 'a refused request changed something');
  });

  test("the same user's token for another resource (or the ecosystem, or a share link) on every operation: 401 naming both scopes, nothing changed", async (t) => {
    const before = await everything();
    const target = fc.constantFrom(
      ...parties.flatMap((owner) => [
        { owner, kind: 'file' as const, resource: owner.locked },
        { owner, kind: 'file' as const, resource: owner.plain },
        { owner, kind: 'container' as const, resource: owner.folder },
      ]),
    );
    await checkAsync(
      t,
      [target, fc.nat(), fc.boolean(), fc.nat()],
      async ({ owner, kind, resource }, tokenIndex, asBearer, opIndex) => {
        const candidates = owner.tokens.filter((tk) => tk.scope !== `${kind}:${resource.id}`);
        const { token, scope } = candidates[tokenIndex % candidates.length]!;
        const operations = kind === 'file' ? fileOperations : containerOperations;
        const op = operations[opIndex % operations.length]!;
        const headers = Object.fromEntries(
          Object.entries(op.headers ?? {}).map(([k, v]) => [
            k,
            v.replace('LOCK_OF_TARGET', owner.lockId).replace('NAME_OF_TARGET', owner.locked.name),
          ]),
        );
        const path = `/wopi/${kind}s/${resource.id}${op.suffix}${asBearer ? '' : `?access_token=${token}`}`;
        const reply = await wire.wopi(op.method, path, {
          headers: {
            ...headers,
            ...(op.override ? { 'x-wopi-override': op.override } : {}),
            ...(asBearer ? { authorization: `Bearer ${token}` } : {}),
          },
          ...(op.body !== undefined ? { body: op.body } : {}),
        });
        assert.deepEqual(
          { status: reply.status, headers: wopiHeaders(reply), body: reply.text },
          {
            status: 401,
            headers: { 'x-wopi-servererror': [serverErrorOf(`the access token is for ${scope}, not ${kind}:${resource.id}`)] },
            body: '',
          },
          `${owner.userId}'s ${scope} token on ${kind}:${resource.id} with ${op.name} (${asBearer ? 'Bearer' : 'query'})`,
        );
        assert.ok(!visible(reply).includes(owner.lockId));
      },
      { weight: 2 },
    );
    assert.equal(await everything(), before, 'a refused request changed something');
  });

  test('the lock itself: a stranger can neither read, refresh, steal, replace nor clear it, and the owner still can', async () => {
    const [alice, bob] = parties as [Party, Party];
    const attempts = ['LOCK', 'GET_LOCK', 'REFRESH_LOCK', 'UNLOCK'];
    for (const operation of attempts) {
      for (const { token } of bob.tokens) {
        const reply = await wire.wopi('POST', `/wopi/files/${alice.locked.id}?access_token=${token}`, {
          headers: { 'x-wopi-override': operation, 'x-wopi-lock': alice.lockId },
        });
        assert.deepEqual([reply.status, reply.headers['x-wopi-lock']], [404, undefined], operation);
      }
    }
    const held = await wire.wopi('POST', alice.locked.path, { headers: { 'x-wopi-override': 'GET_LOCK' } });
    assert.deepEqual([held.status, held.headers['x-wopi-lock']], [200, [alice.lockId]]);
    const put = await wire.wopi('POST', alice.locked.path.replace('?', '/contents?'), {
      headers: { 'x-wopi-override': 'PUT', 'x-wopi-lock': alice.lockId },
      body: 'owner writes',
    });
    assert.equal(put.status, 200, put.text);
  });
});
