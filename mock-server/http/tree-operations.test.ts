import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { appendPath, startHarness, tokenOf, withoutQuery, type Harness } from '../../test-support/host-fixture.js';
import { aliceRoot, fileInfo, getFile, newFile, override, putFile, utf7 } from '../../test-support/file-fixture.js';

let h: Harness;
let root: string;

before(async () => {
  h = await startHarness();
  root = await aliceRoot(h);
});
after(async () => {
  await h.close();
});

const containerInfo = async (url: string) => (await h.request('GET', url)).json();
const createContainer = (parent: string, headers: Record<string, string>) => override(h, parent, 'CREATE_CHILD_CONTAINER', headers);
const ancestors = async (url: string) =>
  (await h.request('GET', appendPath(url, '/ancestry'))).json().AncestorsWithRootFirst as Array<{ Name: string; Url: string }>;

describe('CheckFileInfo and CheckContainerInfo', () => {
  test('advertise exactly what is implemented, with the mobile licensing fields equal on file and container', async () => {
    const { url } = await newFile(h, root, 'abc', 'Flags.docx');
    const info = await fileInfo(h, url);
    assert.deepEqual(
      Object.fromEntries(Object.entries(info).filter(([key]) => /^(Supports|UserCan|ReadOnly|IsEduUser|LicenseCheck)/.test(key))),
      {
        IsEduUser: false,
        LicenseCheckForEditIsEnabled: false,
        SupportsContainers: true,
        SupportsEcosystem: true,
        SupportsLocks: true,
        SupportsGetLock: true,
        SupportsExtendedLockLength: true,
        SupportsUpdate: true,
        SupportsRename: true,
        SupportsDeleteFile: true,
        SupportsUserInfo: true,
        SupportsAddActivities: true,
        UserCanWrite: true,
        UserCanRename: true,
        UserCanNotWriteRelative: false,
        ReadOnly: false,
      },
    );
    assert.equal(info.BaseFileName, 'Flags.docx');
    assert.equal(info.FileExtension, '.docx');
    assert.equal(info.Size, 3);
    assert.equal(info.Version, '2');
    const rootInfo = await containerInfo(root);
    assert.deepEqual(info.SupportedShareUrlTypes, ['ReadOnly', 'ReadWrite']);
    assert.deepEqual(rootInfo, {
      Name: 'Documents',
      SupportedShareUrlTypes: ['ReadOnly', 'ReadWrite'],
      IsEduUser: false,
      LicenseCheckForEditIsEnabled: false,
      IsAnonymousUser: false,
      UserCanCreateChildContainer: true,
      UserCanCreateChildFile: true,
      UserCanDelete: false,
      UserCanRename: true,
    });
  });

  test('FileUrl serves the current content as is, with a token for that file that keeps the caller’s expiry', async () => {
    const { url } = await newFile(h, root, 'via FileUrl');
    h.advance(5000);
    const { FileUrl } = await fileInfo(h, url);
    assert.equal(withoutQuery(FileUrl), withoutQuery(url) + '/contents');
    assert.equal(decodeJwt(tokenOf(FileUrl)).exp, decodeJwt(tokenOf(url)).exp);
    const fetched = await h.request('GET', FileUrl);
    assert.equal(fetched.status, 200);
    assert.equal(fetched.text, 'via FileUrl');
  });

  test('PutUserInfo is stored per user and returned as UserInfo', async () => {
    const { url } = await newFile(h, root);
    assert.equal((await override(h, url, 'PUT_USER_INFO', {}, 'PutUserInfoTest')).status, 200);
    assert.equal((await fileInfo(h, url)).UserInfo, 'PutUserInfoTest');
    assert.equal((await fileInfo(h, (await newFile(h, root)).url)).UserInfo, 'PutUserInfoTest');
    assert.equal((await override(h, url, 'PUT_USER_INFO', {}, 'x'.repeat(1025))).status, 400);
  });
});

describe('RenameFile and DeleteFile', () => {
  test('rename keeps the extension, answers the name without it, bumps the version', async () => {
    const { url } = await newFile(h, root, 'content', 'ValidatorTestFile.wopitest');
    const reply = await override(h, url, 'RENAME_FILE', { 'x-wopi-requestedname': utf7('madeup_renamed') });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json(), { Name: 'madeup_renamed' });
    const info = await fileInfo(h, url);
    assert.equal(info.BaseFileName, 'madeup_renamed.wopitest');
    assert.equal(info.FileExtension, '.wopitest');
    assert.equal(info.Version, '3');
  });

  test('rename to a taken or illegal name picks a free legal one; an empty name is a 400', async () => {
    await newFile(h, root, undefined, 'Clash.docx');
    const { url } = await newFile(h, root, undefined, 'Other.docx');
    assert.deepEqual((await override(h, url, 'RENAME_FILE', { 'x-wopi-requestedname': 'clash' })).json(), { Name: 'clash (2)' });
    assert.deepEqual((await override(h, url, 'RENAME_FILE', { 'x-wopi-requestedname': 'a|b' })).json(), { Name: 'a-b' });
    const empty = await override(h, url, 'RENAME_FILE', { 'x-wopi-requestedname': '' });
    assert.equal(empty.status, 400);
    assert.equal(empty.header('x-wopi-invalidfilenameerror'), 'the requested name is empty');
    assert.equal((await override(h, url, 'RENAME_FILE')).status, 400);
  });

  test('a locked file renames only with its lock; a deleted one is a 404', async () => {
    const { url } = await newFile(h, root);
    assert.equal((await override(h, url, 'LOCK', { 'x-wopi-lock': 'L' })).status, 200);
    const wrong = await override(h, url, 'RENAME_FILE', { 'x-wopi-requestedname': 'Renamed', 'x-wopi-lock': 'Other' });
    assert.equal(wrong.status, 409);
    assert.equal(wrong.header('x-wopi-lock'), 'L');
    assert.equal((await override(h, url, 'RENAME_FILE', { 'x-wopi-requestedname': 'Renamed', 'x-wopi-lock': 'L' })).status, 200);
    const deleteLocked = await override(h, url, 'DELETE');
    assert.equal(deleteLocked.status, 409);
    assert.equal(deleteLocked.header('x-wopi-lock'), 'L');
    assert.equal((await override(h, url, 'UNLOCK', { 'x-wopi-lock': 'L' })).status, 200);
    assert.equal((await override(h, url, 'DELETE')).status, 200);
    assert.equal((await override(h, url, 'RENAME_FILE', { 'x-wopi-requestedname': 'Again' })).status, 404);
    assert.equal((await h.request('GET', url)).status, 404);
    assert.equal((await getFile(h, url)).status, 404);
    assert.equal((await override(h, url, 'DELETE')).status, 404);
  });
});

describe('containers', () => {
  test('CreateChildContainer in both modes, EnumerateAncestors down a nested tree, EnumerateChildren shows it', async () => {
    const made = await createContainer(root, { 'x-wopi-suggestedtarget': 'Projects' });
    assert.equal(made.status, 200);
    const { ContainerPointer, ContainerInfo } = made.json();
    assert.equal(ContainerPointer.Name, 'Projects');
    assert.equal(ContainerInfo.UserCanDelete, true);
    assert.equal(decodeJwt(tokenOf(ContainerPointer.Url)).exp, decodeJwt(tokenOf(root)).exp);
    assert.equal((await createContainer(root, { 'x-wopi-suggestedtarget': 'Projects' })).json().ContainerPointer.Name, 'Projects (2)');
    const dupe = await createContainer(root, { 'x-wopi-relativetarget': 'projects' });
    assert.equal(dupe.status, 409);
    assert.equal(dupe.header('x-wopi-validrelativetarget'), utf7('projects (3)'));
    assert.equal((await createContainer(root, { 'x-wopi-relativetarget': 'a#b' })).status, 400);
    assert.equal((await createContainer(root, { 'x-wopi-relativetarget': 'a', 'x-wopi-suggestedtarget': 'a' })).status, 501);

    const inner = (await createContainer(ContainerPointer.Url, { 'x-wopi-relativetarget': utf7('Q3_plans') })).json().ContainerPointer;
    assert.equal(inner.Name, 'Q3_plans');
    const file = await newFile(h, inner.Url, 'deep', 'Deep.docx');
    assert.deepEqual(
      (await ancestors(file.url)).map((a) => a.Name),
      ['Documents', 'Projects', 'Q3_plans'],
    );
    assert.deepEqual(
      (await ancestors(inner.Url)).map((a) => a.Name),
      ['Documents', 'Projects'],
    );
    assert.deepEqual(
      (await ancestors(root)).map((a) => a.Name),
      [],
    );
    const children = (await h.request('GET', appendPath(ContainerPointer.Url, '/children'))).json();
    assert.deepEqual(
      children.ChildContainers.map((c: { Name: string }) => c.Name),
      ['Q3_plans'],
    );
    assert.deepEqual(children.ChildFiles, []);
    const ecosystem = (await h.request('GET', appendPath(inner.Url, '/ecosystem_pointer'))).json();
    assert.equal(withoutQuery(ecosystem.Url), `${h.origin}/wopi/ecosystem`);
  });

  test('CreateChildFile makes a 0-byte file PutFile can fill without a lock; exact names clash, suggested ones do not', async () => {
    const reply = await override(h, root, 'CREATE_CHILD_FILE', { 'x-wopi-suggestedtarget': 'New.docx' });
    assert.equal(reply.status, 200);
    const { Name, Url } = reply.json();
    assert.equal(Name, 'New.docx');
    assert.equal((await fileInfo(h, Url)).Size, 0);
    assert.equal((await putFile(h, Url, 'filled')).status, 200);
    assert.equal((await getFile(h, Url)).text, 'filled');
    assert.equal((await override(h, root, 'CREATE_CHILD_FILE', { 'x-wopi-suggestedtarget': 'New.docx' })).json().Name, 'New (2).docx');
    const clash = await override(h, root, 'CREATE_CHILD_FILE', { 'x-wopi-relativetarget': 'New.docx' });
    assert.equal(clash.status, 409);
    assert.equal(clash.header('x-wopi-validrelativetarget'), utf7('New (3).docx'));
    // Overwrite empties the existing file (a created file is always 0 bytes) and keeps its id.
    const overwritten = await override(h, root, 'CREATE_CHILD_FILE', {
      'x-wopi-relativetarget': 'New.docx',
      'x-wopi-overwriterelativetarget': 'true',
    });
    assert.equal(withoutQuery(overwritten.json().Url), withoutQuery(Url));
    assert.equal((await fileInfo(h, Url)).Size, 0);
  });

  test('RenameContainer, then DeleteContainer: 409 while it holds anything, 200 once empty; the root stays', async () => {
    const folder = (await createContainer(root, { 'x-wopi-relativetarget': 'Scratch' })).json().ContainerPointer.Url;
    const renamed = await override(h, folder, 'RENAME_CONTAINER', { 'x-wopi-requestedname': utf7('container_name') });
    assert.equal(renamed.status, 200);
    assert.deepEqual(renamed.json(), { Name: 'container_name' });
    assert.equal((await containerInfo(folder)).Name, 'container_name');
    const invalid = await override(h, folder, 'RENAME_CONTAINER', { 'x-wopi-requestedname': ' ' });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.header('x-wopi-invalidcontainernameerror'), 'the requested name is empty');
    const file = await newFile(h, folder);
    const notEmpty = await override(h, folder, 'DELETE_CONTAINER');
    assert.equal(notEmpty.status, 409);
    assert.equal(notEmpty.header('x-wopi-servererror'), 'the container holds 1 file(s) and 0 container(s)');
    assert.equal((await override(h, file.url, 'DELETE')).status, 200);
    assert.equal((await override(h, folder, 'DELETE_CONTAINER')).status, 200);
    assert.equal((await h.request('GET', folder)).status, 404);
    assert.equal((await override(h, root, 'DELETE_CONTAINER')).status, 409);
  });

  test('every operation is logged under its own name', async () => {
    const { url } = await newFile(h, root);
    await override(h, url, 'GET_LOCK');
    await override(h, url, 'RENAME_FILE', { 'x-wopi-requestedname': 'Logged' });
    await override(h, url, 'DELETE');
    const names = (await h.admin('GET', '/api/log?limit=4')).json().entries.map((e: { operation: string }) => e.operation);
    assert.deepEqual(names, ['CreateChildFile', 'GetLock', 'RenameFile', 'DeleteFile']);
  });
});
