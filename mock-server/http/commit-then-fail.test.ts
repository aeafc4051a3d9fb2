import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addFault, appendPath, loggedEntry, startHarness, type Harness } from '../../test-support/host-fixture.js';
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
afterEach(async () => {
  await h.admin('DELETE', '/api/faults');
});

const remainingOf = async (id: string) => (await h.admin('GET', '/api/faults')).json().faults.find((f: { id: string }) => f.id === id);
const childNames = async () =>
  (await h.request('GET', appendPath(root, '/children'))).json().ChildFiles.map((f: { Name: string }) => f.Name) as string[];

describe('phase "after": commit, then fail', () => {
  test('PutFile saves the new content, yet the client gets the 500; the log shows the 500 and what was discarded', async () => {
    // Empty and unlocked, so the real PutFile accepts the write (a non-empty unlocked file is a 409).
    const { url } = await newFile(h, root);
    const before = (await fileInfo(h, url)).Version;
    const rule = await addFault(h, { operation: 'PutFile', phase: 'after', status: 500, remaining: 2 });
    const reply = await putFile(h, url, 'new content');
    assert.equal(reply.status, 500);
    assert.equal(reply.body.length, 0);
    assert.equal(reply.header('x-wopi-itemversion'), undefined, 'the handler’s headers are discarded with its answer');
    const note = `fault rule ${rule.id}: the change was committed (PutFile answered 200), then answered 500 instead`;
    assert.equal(reply.header('x-wopi-servererror'), `forced by ${note}`);
    assert.equal((await remainingOf(rule.id)).remaining, 1);

    const entry = await loggedEntry(h, (e) => e.operation === 'PutFile' && e.faultId === rule.id);
    assert.equal(entry.status, 500);
    assert.equal(entry.aborted, false);
    assert.equal(
      entry.responseHeaders?.some((line) => /^x-wopi-itemversion$/i.test(line.name)),
      false,
    );
    assert.deepEqual(entry.notes, [`forced by ${note}`]);

    await h.admin('DELETE', '/api/faults');
    const content = await getFile(h, url);
    assert.equal(content.status, 200);
    assert.equal(content.text, 'new content');
    assert.notEqual((await fileInfo(h, url)).Version, before);
  });

  test('Lock answers 503 with Retry-After, and GetLock shows the lock held', async () => {
    const { url } = await newFile(h, root);
    const rule = await addFault(h, { operation: 'Lock', phase: 'after', status: 503, retryAfter: 7, remaining: 1 });
    const reply = await override(h, url, 'LOCK', { 'x-wopi-lock': 'held-lock' });
    assert.equal(reply.status, 503);
    assert.equal(reply.header('retry-after'), '7');
    assert.equal(
      reply.header('x-wopi-servererror'),
      `forced by fault rule ${rule.id}: the change was committed (Lock answered 200), then answered 503 instead`,
    );
    assert.equal(await remainingOf(rule.id), undefined, 'a counted rule removes itself when spent');
    const held = await override(h, url, 'GET_LOCK');
    assert.equal(held.status, 200);
    assert.equal(held.header('x-wopi-lock'), 'held-lock');
  });

  test('a handler’s refusal is discarded too: the note names the 409 the client never saw', async () => {
    const { url } = await newFile(h, root);
    assert.equal((await override(h, url, 'LOCK', { 'x-wopi-lock': 'A' })).status, 200);
    const rule = await addFault(h, { operation: 'Lock', phase: 'after', status: 500, remaining: 1 });
    const reply = await override(h, url, 'LOCK', { 'x-wopi-lock': 'B' });
    assert.equal(reply.status, 500);
    assert.equal(reply.header('x-wopi-lock'), undefined);
    assert.equal(reply.header('x-wopi-lockfailurereason'), undefined);
    assert.equal(
      reply.header('x-wopi-servererror'),
      `forced by fault rule ${rule.id}: the change was committed (Lock answered 409), then answered 500 instead`,
    );
    assert.equal((await override(h, url, 'GET_LOCK')).header('x-wopi-lock'), 'A');
  });

  test('PutRelativeFile answers 500, and the new file is in EnumerateChildren', async () => {
    const { url } = await newFile(h, root, 'source');
    const name = `after-relative-${Date.now()}.docx`;
    await addFault(h, { operation: 'PutRelativeFile', phase: 'after', status: 500, remaining: 1 });
    const reply = await override(h, url, 'PUT_RELATIVE', { 'x-wopi-suggestedtarget': utf7(name) }, 'relative content');
    assert.equal(reply.status, 500);
    assert.equal(reply.body.length, 0, 'the new file’s Url is not sent');
    assert.ok((await childNames()).includes(name), `${name} should have been created`);
  });

  test('dropConnection after the commit: the client sees the socket close, the change stays', async () => {
    const { url } = await newFile(h, root);
    const rule = await addFault(h, { operation: 'PutFile', phase: 'after', dropConnection: true, remaining: 1 });
    await assert.rejects(putFile(h, url, 'dropped but saved'), (error: NodeJS.ErrnoException) => {
      assert.ok(error.code === 'ECONNRESET' || /socket hang up/.test(error.message), String(error));
      return true;
    });
    const entry = await loggedEntry(h, (e) => e.operation === 'PutFile' && e.faultId === rule.id);
    assert.deepEqual([entry.status, entry.aborted], [0, true]);
    assert.ok(
      entry.notes.includes(`fault rule ${rule.id}: the change was committed (PutFile answered 200), then dropped the connection`),
      JSON.stringify(entry.notes),
    );
    assert.equal((await getFile(h, url)).text, 'dropped but saved');
  });

  test('GetFile streams its content into the held answer; the client gets only the replacement', async () => {
    const content = 'x'.repeat(200_000);
    const { url } = await newFile(h, root, content);
    const rule = await addFault(h, { operation: 'GetFile', phase: 'after', status: 502, remaining: 1 });
    const reply = await getFile(h, url);
    assert.equal(reply.status, 502);
    assert.equal(reply.body.length, 0);
    assert.equal(reply.header('content-length'), '0');
    const entry = await loggedEntry(h, (e) => e.operation === 'GetFile' && e.faultId === rule.id);
    assert.equal(entry.status, 502);
    assert.equal(entry.responseBody, null, 'none of the streamed bytes are logged as sent');
    assert.equal((await getFile(h, url)).text, content);
  });

  test('delayMs waits before the handler runs', async () => {
    const { url } = await newFile(h, root);
    await addFault(h, { operation: 'PutFile', phase: 'after', delayMs: 150, status: 500, remaining: 1 });
    const started = performance.now();
    assert.equal((await putFile(h, url, 'late')).status, 500);
    assert.ok(performance.now() - started >= 150);
    assert.equal((await getFile(h, url)).text, 'late');
  });

  test('phase "after" without status or dropConnection, and a patch operation that cannot apply as written, are refused with the path', async () => {
    const refused = await h.admin('POST', '/api/faults', { operation: 'PutFile', phase: 'after', delayMs: 10 });
    assert.equal(refused.status, 400, refused.text);
    assert.deepEqual(refused.json().errors, [
      { path: '$.phase', message: 'phase "after" replaces the committed answer, so it needs status or dropConnection' },
    ]);
    const mutate = await h.admin('POST', '/api/faults', {
      operation: 'CheckFileInfo',
      phase: 'mutate',
      patch: [
        { op: 'remove', path: '/Size' },
        { op: 'add', path: '/Extra' },
      ],
    });
    assert.equal(mutate.status, 400, mutate.text);
    assert.deepEqual(mutate.json().errors, [{ path: '$.patch[1]', message: '"add" needs a value' }]);
    assert.deepEqual((await h.admin('GET', '/api/faults')).json().faults, []);
  });
});
