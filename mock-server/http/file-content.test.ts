import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { appendPath, startHarness, tokenOf, withoutQuery, type Harness, type Reply } from '../../test-support/host-fixture.js';
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

async function setMaxFileSize(bytes: number): Promise<void> {
  const config = (await h.admin('GET', '/api/config')).json();
  config.maxFileSizeBytes = bytes;
  assert.equal((await h.admin('PUT', '/api/config', config)).status, 200);
}

const putRelative = (url: string, headers: Record<string, string>, body = 'relative content') =>
  override(h, url, 'PUT_RELATIVE', headers, body);

async function childNames(): Promise<string[]> {
  return (await h.request('GET', appendPath(root, '/children'))).json().ChildFiles.map((f: { Name: string }) => f.Name);
}

describe('PutFile size limit', () => {
  test('over maxFileSizeBytes is a 413, whether Content-Length says so or the body only shows it', async () => {
    const { url } = await newFile(h, root);
    await setMaxFileSize(10);
    try {
      const declared = await putFile(h, url, '12345678901');
      assert.equal(declared.status, 413);
      assert.equal(declared.header('x-wopi-servererror'), 'the body is 11 bytes, over the 10-byte limit (maxFileSizeBytes)');
      // Chunked: no Content-Length, so the limit is found while receiving.
      const chunked = await h.request('POST', appendPath(url, '/contents'), {
        headers: { 'x-wopi-override': 'PUT', 'transfer-encoding': 'chunked' },
        body: '12345678901',
      });
      assert.equal(chunked.status, 413);
      assert.equal((await fileInfo(h, url)).Size, 0);
      assert.equal((await putFile(h, url, '1234567890')).status, 200);
      assert.equal((await getFile(h, url)).text, '1234567890');
    } finally {
      await setMaxFileSize(104_857_600);
    }
  });

  test('a small PutFile body is kept in the request log', async () => {
    const { url } = await newFile(h, root);
    assert.equal((await putFile(h, url, 'logged body')).status, 200);
    const [entry] = (await h.admin('GET', '/api/log?limit=1')).json().entries;
    assert.equal(entry.operation, 'PutFile');
    assert.equal(entry.requestBody.text, 'logged body');
  });
});

describe('PutRelativeFile', () => {
  test('suggested extension: the source name with the new extension, made unique', async () => {
    const { url } = await newFile(h, root, 'source', 'Quarterly report.docx');
    const first = await putRelative(url, { 'x-wopi-suggestedtarget': '.pdf' });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json().Name, 'Quarterly report.pdf');
    const second = await putRelative(url, { 'x-wopi-suggestedtarget': '.pdf' });
    assert.equal(second.json().Name, 'Quarterly report (2).pdf');
    assert.equal((await getFile(h, second.json().Url)).text, 'relative content');
  });

  test('suggested name: used when free, made legal and unique otherwise, never a 400 or 409', async () => {
    const { url } = await newFile(h, root, 'source');
    assert.equal((await putRelative(url, { 'x-wopi-suggestedtarget': 'madeupname.wopitest' })).json().Name, 'madeupname.wopitest');
    assert.equal((await putRelative(url, { 'x-wopi-suggestedtarget': 'madeupname.wopitest' })).json().Name, 'madeupname (2).wopitest');
    assert.equal((await putRelative(url, { 'x-wopi-suggestedtarget': 'a:b*c?.docx' })).json().Name, 'a-b-c-.docx');
  });

  test('relative name: exact, UTF-7 decoded, with a URL whose token keeps the caller’s expiry', async () => {
    const { url } = await newFile(h, root, 'source');
    const reply = await putRelative(url, { 'x-wopi-relativetarget': utf7('madeup_name ü.wopitestx') });
    assert.equal(reply.status, 200);
    const { Name, Url } = reply.json();
    assert.equal(Name, 'madeup_name ü.wopitestx');
    assert.equal(utf7('madeup_name.wopitestx'), 'madeup+AF8-name.wopitestx');
    assert.equal(decodeJwt(tokenOf(Url)).exp, decodeJwt(tokenOf(url)).exp);
    assert.equal(new URL(Url).pathname.startsWith('/wopi/files/'), true);
    assert.equal((await fileInfo(h, Url)).BaseFileName, 'madeup_name ü.wopitestx');
    assert.ok((await childNames()).includes('madeup_name ü.wopitestx'));
  });

  test('relative name that exists: 409 with a free X-WOPI-ValidRelativeTarget unless overwrite is true', async () => {
    const { url } = await newFile(h, root, 'source');
    const first = await putRelative(url, { 'x-wopi-relativetarget': 'Taken name.docx' }, 'first');
    const { Url } = first.json();
    for (const headers of <Array<Record<string, string>>>[
      {},
      { 'x-wopi-overwriterelativetarget': 'false' },
      { 'x-wopi-overwriterelativetarget': 'False' },
    ]) {
      const clash = await putRelative(url, { 'x-wopi-relativetarget': 'taken NAME.docx', ...headers });
      assert.equal(clash.status, 409);
      assert.equal(clash.header('x-wopi-validrelativetarget'), utf7('taken NAME (2).docx'));
    }
    const replaced = await putRelative(
      url,
      { 'x-wopi-relativetarget': 'Taken name.docx', 'x-wopi-overwriterelativetarget': 'True' },
      'second',
    );
    assert.equal(replaced.status, 200);
    assert.equal(withoutQuery(replaced.json().Url), withoutQuery(Url), 'overwriting keeps the file');
    assert.equal((await getFile(h, Url)).text, 'second');
    assert.equal((await fileInfo(h, Url)).Version, '2');
  });

  test('overwriting a locked file is a 409 carrying its lock', async () => {
    const { url } = await newFile(h, root, 'source');
    const target = await newFile(h, root, 'target', 'Locked target.docx');
    assert.equal((await override(h, target.url, 'LOCK', { 'x-wopi-lock': 'TheLock' })).status, 200);
    const reply = await putRelative(url, { 'x-wopi-relativetarget': 'Locked target.docx', 'x-wopi-overwriterelativetarget': 'true' });
    assert.equal(reply.status, 409);
    assert.equal(reply.header('x-wopi-lock'), 'TheLock');
    assert.equal((await getFile(h, target.url)).text, 'target');
  });

  test('an illegal relative name is a 400 with a legal X-WOPI-ValidRelativeTarget; nothing is created', async () => {
    const { url } = await newFile(h, root, 'source');
    const before = await childNames();
    const cases: Array<[string, string]> = [
      ['a/b.docx', 'a-b.docx'],
      ['what?.docx', 'what-.docx'],
      ['.docx', 'Untitled.docx'],
      ['x'.repeat(530) + '.docx', 'x'.repeat(250) + '.docx'],
    ];
    for (const [name, valid] of cases) {
      const reply: Reply = await putRelative(url, { 'x-wopi-relativetarget': utf7(name) });
      assert.equal(reply.status, 400, name);
      assert.equal(reply.header('x-wopi-validrelativetarget'), utf7(valid), name);
    }
    assert.deepEqual(await childNames(), before);
  });

  test('both target headers: 501; neither: 400; a bad overwrite value: 400', async () => {
    const { url } = await newFile(h, root, 'source');
    assert.equal((await putRelative(url, { 'x-wopi-suggestedtarget': 'a.docx', 'x-wopi-relativetarget': 'a.docx' })).status, 501);
    assert.equal((await putRelative(url, {})).status, 400);
    assert.equal((await putRelative(url, { 'x-wopi-relativetarget': 'a.docx', 'x-wopi-overwriterelativetarget': 'yes' })).status, 400);
  });

  test('over maxFileSizeBytes: 413 and no new file', async () => {
    const { url } = await newFile(h, root, 'source');
    await setMaxFileSize(4);
    try {
      const before = await childNames();
      assert.equal((await putRelative(url, { 'x-wopi-relativetarget': 'Too big.docx' }, 'five!')).status, 413);
      assert.deepEqual(await childNames(), before);
    } finally {
      await setMaxFileSize(104_857_600);
    }
  });
});
