import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { appendPath, startHarness, type Harness } from '../../test-support/host-fixture.js';
import { aliceRoot } from '../../test-support/file-fixture.js';
import { adminCall, spawnCli, testListenFlags, type CliProcess } from '../../test-support/cli-process.js';
import { checkAsync } from '../../test-support/fuzz.js';
import {
  auditStorage,
  newContainer,
  newFileIn,
  pathOf,
  remoteHost,
  type Created,
  type RemoteHost,
} from '../../test-support/file-surface.js';
import { eventually, openDescriptors, wireTo, type Wire } from '../../test-support/wire.js';

/**
 * Files survive the faults a phone on Wi-Fi and a tester's machine produce: uploads and downloads
 * cut off halfway, the host killed with SIGKILL in the middle of a stream of PutFiles, and a disk
 * that refuses to grow a file. After each, every file holds its old content or one complete new
 * one, the index on disk matches the blobs, nothing temporary is left behind, and the host goes
 * on serving.
 */

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const dirs: string[] = [];
const hosts = new Set<CliProcess>();
after(async () => {
  // A failed assertion must not leave a host running (it would keep this test file alive).
  for (const host of hosts) if (host.child.exitCode === null && host.child.signalCode === null) host.child.kill('SIGKILL');
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function spawnHost(dataDir: string, fileSizeLimitKiB?: number): CliProcess {
  const host = spawnCli(['--json', ...testListenFlags, '--data-dir', dataDir], {
    json: true,
    ...(fileSizeLimitKiB !== undefined ? { fileSizeLimitKiB } : {}),
  });
  hosts.add(host);
  return host;
}
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-file-faults-'));
  dirs.push(dir);
  return dir;
}

/** Exactly `size` distinct, incompressible bytes that start with what they are (as much as fits). */
function body(tag: string, size: number): Buffer {
  const head = Buffer.from(`${tag}|`);
  return Buffer.concat([head, randomBytes(Math.max(0, size - head.length))]).subarray(0, size);
}

/** Sends the headers announcing `length` bytes and `sent` of them, then drops the connection. */
function cutUpload(open: (headers: Record<string, string>) => ClientRequest, length: number, sent: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const req = open({ 'content-length': String(length) });
    req.on('error', () => resolve());
    req.on('response', (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve());
      res.on('error', () => resolve());
    });
    req.write(sent, () =>
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 20),
    );
  });
}

describe('clients that disconnect mid-upload or mid-download', () => {
  let h: Harness;
  let wire: Wire;
  let folder: Created;
  let port: number;
  before(async () => {
    h = await startHarness();
    wire = wireTo(h);
    folder = await newContainer(wire, await aliceRoot(h), 'cut');
    port = Number(new URL(h.origin).port);
  });
  after(async () => {
    wire.close();
    await h.close();
  });

  const wopiUpload = (route: string, extra: Record<string, string>) => (headers: Record<string, string>) =>
    httpsRequest({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: h.ca,
      agent: false,
      method: 'POST',
      path: route,
      headers: { host: `localhost:${port}`, ...extra, ...headers },
    });
  const adminUpload = (route: string) => (headers: Record<string, string>) =>
    httpRequest({
      host: '127.0.0.1',
      port: Number(new URL(h.engine.urls.adminUrl).port),
      agent: false,
      method: 'PUT',
      path: route,
      headers: { authorization: `Bearer ${h.engine.urls.adminToken}`, 'content-type': 'application/octet-stream', ...headers },
    });

  async function storageIsClean(context: string): Promise<void> {
    await h.engine.files.flush();
    // A loaded CI machine may take a while to finish with the abandoned request.
    const audit = await eventually(
      () => auditStorage(h.dataDir),
      (a) => a.temporaries.length === 0 && a.orphans.length === 0,
      20_000,
    );
    assert.deepEqual(
      { temporaries: audit.temporaries, orphans: audit.orphans, broken: audit.broken },
      { temporaries: [], orphans: [], broken: [] },
      context,
    );
  }

  test('PutFile, PutRelativeFile and the admin upload cut after any number of bytes: old content, same version, no new file, nothing left on disk, the host serving', async (t) => {
    const old = body('old', 50_000);
    const file = await newFileIn(wire, folder.url, old, 'cut-upload.docx');
    assert.equal((await wire.wopi('POST', file.path, { headers: { 'x-wopi-override': 'LOCK', 'x-wopi-lock': 'L' } })).status, 200);
    const contents = pathOf(appendPath(file.url, '/contents'));
    const before = {
      info: (await wire.wopi('GET', file.path)).json(),
      children: (await wire.wopi('GET', pathOf(appendPath(folder.url, '/children')))).text,
    };
    await h.engine.files.flush();
    const descriptors = openDescriptors();
    const how = fc.constantFrom('PutFile' as const, 'PutRelativeFile' as const, 'admin upload' as const);
    const sizes = fc
      .integer({ min: 2, max: 3_000_000 })
      .chain((length) => fc.tuple(fc.constant(length), fc.integer({ min: 0, max: length - 1 })));
    await checkAsync(
      t,
      [how, sizes],
      async (kind, [length, sent]: [number, number]) => {
        const seq = h.engine.log.lastSeq;
        const open =
          kind === 'PutFile'
            ? wopiUpload(contents, { 'x-wopi-override': 'PUT', 'x-wopi-lock': 'L' })
            : kind === 'PutRelativeFile'
              ? wopiUpload(file.path, { 'x-wopi-override': 'PUT_RELATIVE', 'x-wopi-suggestedtarget': '.docx' })
              : adminUpload(`/api/users/alice/containers/${folder.id}/files?name=uploaded.docx`);
        await cutUpload(open, length, body('new', sent));
        const context = `${kind} cut after ${sent} of ${length} bytes`;
        if (kind !== 'admin upload') {
          const entry = await eventually(
            () => h.engine.log.find(seq + 1),
            (e) => e !== undefined,
            20_000,
          );
          assert.deepEqual([entry?.operation, entry?.aborted], [kind, true], context);
        }
        await storageIsClean(context);
        const now = await wire.wopi('GET', contents);
        assert.equal(sha256(now.body), sha256(old), `${context}: the content changed`);
        assert.deepEqual((await wire.wopi('GET', file.path)).json(), before.info, context);
        assert.equal(
          (await wire.wopi('GET', pathOf(appendPath(folder.url, '/children')))).text,
          before.children,
          `${context}: an item appeared`,
        );
      },
      {
        weight: 0.3,
        examples: [
          ['PutFile', [2, 0]],
          ['PutFile', [3_000_000, 2_999_999]],
          ['PutRelativeFile', [3_000_000, 1_000_000]],
          ['admin upload', [3_000_000, 65_536]],
        ],
      },
    );
    const settled = await eventually(openDescriptors, (n) => n <= descriptors, 20_000);
    assert.ok(settled <= descriptors, `descriptors: ${settled} after the cut uploads, ${descriptors} before`);
    const fresh = body('after', 10_000);
    assert.equal(
      (await wire.wopi('POST', contents, { headers: { 'x-wopi-override': 'PUT', 'x-wopi-lock': 'L' }, body: fresh })).status,
      200,
    );
    assert.equal(sha256((await wire.wopi('GET', contents)).body), sha256(fresh));
  });

  test('a whole body sent and the connection dropped before the answer: the old content or the new one, never a mix', async (t) => {
    const file = await newFileIn(wire, folder.url, body('v0', 1000), 'dropped-answer.docx');
    assert.equal((await wire.wopi('POST', file.path, { headers: { 'x-wopi-override': 'LOCK', 'x-wopi-lock': 'L' } })).status, 200);
    const contents = pathOf(appendPath(file.url, '/contents'));
    let current = sha256((await wire.wopi('GET', contents)).body);
    await checkAsync(
      t,
      [fc.integer({ min: 1, max: 2_000_000 })],
      async (size) => {
        const next = body(`v${size}`, size);
        await cutUpload(wopiUpload(contents, { 'x-wopi-override': 'PUT', 'x-wopi-lock': 'L' }), size, next);
        await storageIsClean(`${size} bytes`);
        const now = sha256((await wire.wopi('GET', contents)).body);
        assert.ok(
          now === current || now === sha256(next),
          `after a dropped answer for ${size} bytes the file is neither the old nor the new content`,
        );
        current = now;
      },
      { weight: 0.1 },
    );
  });

  test('a download held open across a PutFile finishes with the old content; the old blob goes once the reader does', async (t) => {
    const old = body('held', 8 * 1024 * 1024);
    const file = await newFileIn(wire, folder.url, old, 'held-download.docx');
    assert.equal((await wire.wopi('POST', file.path, { headers: { 'x-wopi-override': 'LOCK', 'x-wopi-lock': 'L' } })).status, 200);
    const contents = pathOf(appendPath(file.url, '/contents'));
    let expected = old;
    await checkAsync(
      t,
      [fc.integer({ min: 1, max: 4 * 1024 * 1024 }), fc.boolean()],
      async (readBeforeWrite, abort) => {
        const received: Buffer[] = [];
        let got = 0;
        let held = false;
        const replacement = body(`replaced-${readBeforeWrite}`, 100_000 + (readBeforeWrite % 1000));
        const download = new Promise<Buffer | null>((resolve, reject) => {
          const req = httpsRequest(
            {
              host: '127.0.0.1',
              port,
              servername: 'localhost',
              ca: h.ca,
              agent: false,
              path: contents,
              headers: { host: `localhost:${port}` },
            },
            (res) => {
              res.on('data', (chunk: Buffer) => {
                received.push(chunk);
                got += chunk.length;
                if (held || got < readBeforeWrite) return;
                held = true;
                res.pause();
                // The content is replaced while this reader is stopped halfway through the old one.
                wire
                  .wopi('POST', contents, { headers: { 'x-wopi-override': 'PUT', 'x-wopi-lock': 'L' }, body: replacement })
                  .then((put) => {
                    assert.equal(put.status, 200, put.text);
                    expected = replacement;
                    if (!abort) return void res.resume();
                    req.destroy();
                    resolve(null);
                  }, reject);
              });
              res.on('end', () => resolve(Buffer.concat(received)));
              res.on('error', () => resolve(null));
            },
          );
          req.on('error', (error) => (req.destroyed ? resolve(null) : reject(error)));
          req.end();
        });
        const before = expected;
        const downloaded = await download;
        if (downloaded) assert.equal(sha256(downloaded), sha256(before), 'the held download was not the content it started with');
        await storageIsClean(`held at ${readBeforeWrite} bytes${abort ? ', aborted' : ''}`);
        assert.equal(sha256((await wire.wopi('GET', contents)).body), sha256(expected));
        // Put the big content back for the next case.
        assert.equal(
          (await wire.wopi('POST', contents, { headers: { 'x-wopi-override': 'PUT', 'x-wopi-lock': 'L' }, body: old })).status,
          200,
        );
        expected = old;
      },
      {
        weight: 0.1,
        examples: [
          [1, false],
          [1, true],
        ],
      },
    );
  });
});

describe('SIGKILL during a stream of PutFiles', () => {
  test('killed at a random instant, restarted, repeated: every file is its last acknowledged content or the one in flight, the index matches the blobs, nothing temporary survives a restart', async (t) => {
    const dataDir = path.join(await tempDir(), 'data');
    let host: CliProcess = spawnHost(dataDir);
    let ready = await host.next('ready', 30_000);
    const ca = await readFile(String(ready['caCertificate']), 'utf8');
    let remote: RemoteHost = remoteHost(ready, ca);
    const root = await remote.rootOf('alice');
    const files: Array<{ id: string; path: string; contents: string; acked: Buffer; inFlight: Buffer | null }> = [];
    for (let i = 0; i < 4; i++) {
      const created = await remote.request('POST', pathOf(root), {
        headers: { 'x-wopi-override': 'CREATE_CHILD_FILE', 'x-wopi-relativetarget': `killed-${i}.docx` },
      });
      assert.equal(created.status, 200, created.text);
      const url: string = created.json().Url;
      assert.equal((await remote.request('POST', pathOf(url), { headers: { 'x-wopi-override': 'LOCK', 'x-wopi-lock': 'L' } })).status, 200);
      files.push({
        id: decodeURIComponent(new URL(url).pathname.split('/').pop()!),
        path: pathOf(url),
        contents: pathOf(appendPath(url, '/contents')),
        acked: Buffer.alloc(0),
        inFlight: null,
      });
    }
    let round = 0;
    let acknowledged = 0;
    await checkAsync(
      t,
      [fc.integer({ min: 10, max: 600 }), fc.integer({ min: 1, max: 1024 })],
      async (killAfterMs, maxKiB) => {
        round++;
        let running = true;
        const lane = async (file: (typeof files)[number]) => {
          for (let i = 0; running; i++) {
            const next = body(`${file.id}:${round}:${i}`, 1 + Math.floor(Math.random() * maxKiB * 1024));
            file.inFlight = next;
            try {
              const put = await remote.request('POST', file.contents, {
                headers: { 'x-wopi-override': 'PUT', 'x-wopi-lock': 'L' },
                body: next,
              });
              assert.equal(put.status, 200, put.text);
              file.acked = next;
              file.inFlight = null;
              acknowledged++;
            } catch (error) {
              if (running) throw error;
              return;
            }
          }
        };
        const lanes = files.map((f) =>
          lane(f).catch((error: unknown) => {
            if (running) throw error;
          }),
        );
        await new Promise((r) => setTimeout(r, killAfterMs));
        running = false;
        host.child.kill('SIGKILL');
        assert.deepEqual(await host.exited, { code: null, signal: 'SIGKILL' });
        await Promise.all(lanes);

        // On disk, before anything repairs it: the index parses and every file is whole.
        const onDisk = await auditStorage(dataDir);
        assert.deepEqual(onDisk.broken, [], `round ${round}: the index points at missing or wrong-sized blobs`);
        for (const file of files) {
          const content = sha256(onDisk.contents.get(file.id) ?? Buffer.from('missing'));
          const allowed = [sha256(file.acked), ...(file.inFlight ? [sha256(file.inFlight)] : [])];
          assert.ok(
            allowed.includes(content),
            `round ${round}, kill at ${killAfterMs} ms: ${file.id} is neither its last acknowledged content nor the one in flight`,
          );
          file.acked = onDisk.contents.get(file.id)!;
          file.inFlight = null;
        }

        host = spawnHost(dataDir);
        ready = await host.next('ready', 30_000);
        remote = remoteHost(ready, ca);
        assert.deepEqual(
          host.events.filter((e) => e['event'] === 'warning'),
          [],
          'the restart found nothing to keep aside',
        );
        for (const file of files) {
          const served = await remote.request('GET', file.contents);
          assert.equal(sha256(served.body), sha256(file.acked), `${file.id} after the restart`);
          const lock = await remote.request('POST', file.path, { headers: { 'x-wopi-override': 'GET_LOCK' } });
          assert.deepEqual(lock.headers['x-wopi-lock'], ['L']);
        }
        const repaired = await auditStorage(dataDir);
        assert.deepEqual(
          { temporaries: repaired.temporaries, orphans: repaired.orphans, broken: repaired.broken },
          { temporaries: [], orphans: [], broken: [] },
          `round ${round}: after the restart`,
        );
      },
      {
        weight: 0.08,
        examples: [
          [10, 1024],
          [200, 4],
        ],
      },
    );
    t.diagnostic(`SIGKILL: ${round} kills, ${acknowledged} PutFiles acknowledged`);
    host.child.kill('SIGTERM');
    assert.deepEqual(await host.exited, { code: 0, signal: null });
  });
});

describe('a full disk during PutFile', () => {
  // RLIMIT_FSIZE (`ulimit -f`) on the host process: a write that would grow any file past the
  // limit fails with EFBIG, as it fails with ENOSPC on a full disk. Mounting a small filesystem
  // needs privileges CI does not have, and as root a read-only folder does not refuse writes.
  const limitKiB = 256;
  let host: CliProcess;
  let remote: RemoteHost;
  let ready: Record<string, unknown>;
  let dataDir: string;
  before(async () => {
    dataDir = path.join(await tempDir(), 'data');
    host = spawnHost(dataDir, limitKiB);
    ready = await host.next('ready', 30_000);
    remote = remoteHost(ready, await readFile(String(ready['caCertificate']), 'utf8'));
  });
  after(async () => {
    host.child.kill('SIGTERM');
    await host.exited;
  });

  const refusal = (what: string) =>
    `the mock host could not save the ${what}: a file would grow past what the disk or the process allows (EFBIG); nothing was changed`;

  test('PutFile, PutRelativeFile and the admin upload of content the disk cannot take: 507 with the reason, old content, nothing left behind; smaller writes still land', async () => {
    const root = await remote.rootOf('alice');
    const created = await remote.request('POST', pathOf(root), {
      headers: { 'x-wopi-override': 'CREATE_CHILD_FILE', 'x-wopi-relativetarget': 'full-disk.docx' },
    });
    const url: string = created.json().Url;
    const contents = pathOf(appendPath(url, '/contents'));
    assert.equal((await remote.request('POST', pathOf(url), { headers: { 'x-wopi-override': 'LOCK', 'x-wopi-lock': 'L' } })).status, 200);
    const old = body('old', 10_000);
    assert.equal(
      (await remote.request('POST', contents, { headers: { 'x-wopi-override': 'PUT', 'x-wopi-lock': 'L' }, body: old })).status,
      200,
    );
    // FileUrl carries a freshly minted token on every CheckFileInfo; the rest must not change.
    const fileInfo = async () => {
      const { FileUrl, ...rest } = (await remote.request('GET', pathOf(url))).json();
      assert.match(FileUrl, /\/contents\?access_token=/);
      return rest;
    };
    const info = await fileInfo();
    const children = (await remote.request('GET', pathOf(appendPath(root, '/children')))).text;

    const tooBig = body('too-big', (limitKiB + 64) * 1024);
    const put = await remote.request('POST', contents, { headers: { 'x-wopi-override': 'PUT', 'x-wopi-lock': 'L' }, body: tooBig });
    assert.deepEqual(
      [put.status, put.header('x-wopi-servererror'), put.header('x-wopi-itemversion')],
      [507, refusal('content'), undefined],
    );
    const relative = await remote.request('POST', pathOf(url), {
      headers: { 'x-wopi-override': 'PUT_RELATIVE', 'x-wopi-suggestedtarget': '.docx' },
      body: tooBig,
    });
    assert.deepEqual([relative.status, relative.header('x-wopi-servererror')], [507, refusal('content')]);
    const rootId = decodeURIComponent(new URL(root).pathname.split('/').pop()!);
    const uploaded = await adminCall(
      ready,
      'PUT',
      `/api/users/alice/containers/${rootId}/files?name=admin-upload.docx`,
      tooBig.toString('latin1'),
    );
    assert.equal(uploaded.status, 507, uploaded.text);
    assert.match(JSON.parse(uploaded.text).errors[0].message, /^could not save .+: EFBIG: file too large, write; nothing was changed$/);

    assert.equal(sha256((await remote.request('GET', contents)).body), sha256(old));
    assert.deepEqual(await fileInfo(), info);
    assert.equal((await remote.request('GET', pathOf(appendPath(root, '/children')))).text, children);
    const audit = await auditStorage(dataDir);
    assert.deepEqual(
      { temporaries: audit.temporaries, orphans: audit.orphans, broken: audit.broken },
      { temporaries: [], orphans: [], broken: [] },
    );

    const smaller = body('smaller', 100_000);
    const fits = await remote.request('POST', contents, { headers: { 'x-wopi-override': 'PUT', 'x-wopi-lock': 'L' }, body: smaller });
    assert.deepEqual([fits.status, fits.header('x-wopi-itemversion')], [200, String(Number(info.Version) + 1)]);
    assert.equal(sha256((await remote.request('GET', contents)).body), sha256(smaller));
  });

  test('an index the disk cannot grow: the change that needed it is a 507 and undone in memory too; once the index shrinks, the same change saves', async () => {
    const root = await remote.rootOf('bob');
    const children = pathOf(appendPath(root, '/children'));
    const names = async () =>
      (await remote.request('GET', children))
        .json()
        .ChildFiles.map((f: { Name: string }) => f.Name)
        .sort();
    const longName = (i: number) => `${String(i).padStart(4, '0')}-${'n'.repeat(240)}.docx`;
    const create = (name: string) =>
      remote.request('POST', pathOf(root), { headers: { 'x-wopi-override': 'CREATE_CHILD_FILE', 'x-wopi-relativetarget': name } });
    // Each file adds about 400 bytes to the index: create them until a save no longer fits.
    let refused: Awaited<ReturnType<RemoteHost['request']>> | undefined;
    const made: string[] = [];
    for (let i = 0; i < 2000 && !refused; i++) {
      const reply = await create(longName(i));
      if (reply.status === 200) made.push(reply.json().Url);
      else refused = reply;
    }
    assert.ok(refused, 'the index never outgrew the limit');
    assert.deepEqual([refused.status, refused.header('x-wopi-servererror')], [507, refusal('change')]);
    const refusedName = longName(made.length);
    assert.ok(!(await names()).includes(refusedName), 'the refused file exists all the same');
    const again = await create(refusedName);
    assert.deepEqual([again.status, again.header('x-wopi-servererror')], [507, refusal('change')]);
    // Deleting makes the index smaller: those saves fit, and then so does the refused change.
    for (const url of made.splice(-5))
      assert.equal((await remote.request('POST', pathOf(url), { headers: { 'x-wopi-override': 'DELETE' } })).status, 200);
    assert.equal((await create(refusedName)).status, 200);
    const audit = await auditStorage(dataDir);
    assert.deepEqual(
      { temporaries: audit.temporaries, orphans: audit.orphans, broken: audit.broken },
      { temporaries: [], orphans: [], broken: [] },
    );
    const index = JSON.parse(await readFile(path.join(dataDir, 'storage', 'index.json'), 'utf8'));
    const onDisk = Object.values(index.resources as Record<string, { ownerId: string; kind: string; name: string }>)
      .filter((r) => r.ownerId === 'bob' && r.kind === 'file')
      .map((r) => r.name)
      .sort();
    assert.deepEqual(onDisk, await names(), 'the index on disk and the answers agree');
  });
});
