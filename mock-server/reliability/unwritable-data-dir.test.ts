import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startHarness } from '../../test-support/host-fixture.js';
import { adminCall, spawnCli, testListenFlags } from '../../test-support/cli-process.js';
import { wireTo } from '../../test-support/wire.js';

/**
 * A data dir that refuses writes. Every admin change answers 507 with a message naming the file
 * and the reason, and nothing changes: not the running config, not state.json. Once the disk
 * takes writes again, the next change lands.
 *
 * Techniques, all real failures of the write path rather than a mocked fs:
 * - not root: the data dir made read-only (chmod 555), so the temporary file cannot be created;
 * - root ignores permissions, so instead the data dir is moved away and a plain file put in its
 *   place: the path's parent is a file (ENOTDIR/EEXIST), which no privilege gets around;
 * - a full disk: the CLI runs under RLIMIT_FSIZE (`ulimit -f`), so a write that would grow a file
 *   past the limit fails with EFBIG midway, as a write fails with ENOSPC on a full disk. Mounting
 *   a small filesystem would need privileges CI does not have.
 */

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) {
    await chmod(dir, 0o755).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-unwritable-'));
  dirs.push(dir);
  return dir;
}

const runningAsRoot = process.getuid?.() === 0;

describe('a data dir that refuses writes', () => {
  test(`every admin change is a 507 naming state.json, nothing changes, and writes resume (${runningAsRoot ? 'root: the data dir replaced by a file' : 'chmod 555'})`, async () => {
    const dataDir = path.join(await tempDir(), 'data');
    const h = await startHarness({ dataDir });
    const wire = wireTo(h);
    const stateFile = path.join(dataDir, 'state.json');
    try {
      const faultId = (
        await wire.admin('POST', '/api/faults', { body: JSON.stringify({ id: 'kept', operation: 'CheckFileInfo', status: 500 }) })
      ).json().id;
      await h.engine.store.flush();
      const configBefore = (await wire.admin('GET', '/api/config')).text;
      const stateBefore = await readFile(stateFile, 'utf8');
      const moved = `${dataDir}.moved`;
      const breakIt = async () => {
        if (runningAsRoot) {
          await rename(dataDir, moved);
          await writeFile(dataDir, 'not a folder');
        } else {
          await chmod(dataDir, 0o555);
        }
      };
      const repair = async () => {
        if (runningAsRoot) {
          await rm(dataDir);
          await rename(moved, dataDir);
        } else {
          await chmod(dataDir, 0o755);
        }
      };
      await breakIt();
      try {
        const changes: Array<[string, string, string | undefined]> = [
          ['PUT', '/api/config', JSON.stringify({ providerId: 'Changed' })],
          ['POST', '/api/faults', JSON.stringify({ operation: '*', status: 503 })],
          ['DELETE', `/api/faults/${faultId}`, undefined],
          ['DELETE', '/api/faults', undefined],
          ['POST', '/api/users/alice/revoke', undefined],
          ['POST', '/api/reset', undefined],
        ];
        for (const [method, route, body] of changes) {
          const reply = await wire.admin(method, route, body !== undefined ? { body } : {});
          assert.equal(reply.status, 507, `${method} ${route}: ${reply.text}`);
          const { errors } = reply.json();
          assert.equal(errors.length, 1);
          assert.equal(errors[0].path, '$');
          assert.match(
            errors[0].message,
            new RegExp(
              `^could not save ${stateFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: (EACCES|ENOTDIR|EEXIST): .+; nothing was changed$`,
            ),
            errors[0].message,
          );
          assert.equal((await wire.admin('GET', '/api/config')).text, configBefore, `${method} ${route} changed the running config`);
        }
        // Revoke was refused, so alice's tokens still work.
        const { access_token } = await h.signIn('alice');
        assert.equal((await wire.wopi('GET', '/wopibootstrapper', { headers: { authorization: `Bearer ${access_token}` } })).status, 200);
      } finally {
        await repair();
      }
      assert.equal(await readFile(stateFile, 'utf8'), stateBefore, 'state.json untouched');
      assert.deepEqual(
        (await readdir(dataDir)).filter((f) => f.endsWith('.tmp')),
        [],
        'no temporary file left behind',
      );
      const after = await wire.admin('PUT', '/api/config', { body: JSON.stringify({ providerId: 'Changed' }) });
      assert.equal(after.status, 200);
      await h.engine.store.flush();
      assert.equal(JSON.parse(await readFile(stateFile, 'utf8')).config.providerId, 'Changed');
    } finally {
      wire.close();
      await h.close();
    }
  });
});

describe('a full disk', () => {
  test('a config whose save cannot grow state.json: 507 with EFBIG, state intact; smaller changes still save; a restart loads the last saved one', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    const stateFile = path.join(dataDir, 'state.json');
    const limited = spawnCli(['--json', ...testListenFlags, '--data-dir', dataDir], { json: true, fileSizeLimitKiB: 64 });
    try {
      const ready = await limited.next('ready');
      const small = await adminCall(ready, 'PUT', '/api/config', JSON.stringify({ providerId: 'Small' }));
      assert.equal(small.status, 200, small.text);
      const before = await adminCall(ready, 'GET', '/api/config');
      const stateBefore = await readFile(stateFile, 'utf8');
      // About 100 KB of state: past the 64 KiB the process may write into one file.
      const users = Array.from({ length: 700 }, (_, i) => ({
        id: `user${i}`,
        signInName: `user${i}@${'x'.repeat(100)}.test`,
        friendlyName: '',
      }));
      const big = await adminCall(ready, 'PUT', '/api/config', JSON.stringify({ providerId: 'Big', users }));
      assert.equal(big.status, 507, big.text);
      assert.deepEqual(JSON.parse(big.text), {
        errors: [{ path: '$', message: `could not save ${stateFile}: EFBIG: file too large, write; nothing was changed` }],
      });
      assert.equal((await adminCall(ready, 'GET', '/api/config')).text, before.text);
      assert.equal(await readFile(stateFile, 'utf8'), stateBefore);
      assert.deepEqual(
        (await readdir(dataDir)).filter((f) => f.endsWith('.tmp')),
        [],
      );
      const smaller = await adminCall(ready, 'PUT', '/api/config', JSON.stringify({ providerId: 'StillSaves' }));
      assert.equal(smaller.status, 200, smaller.text);
    } finally {
      limited.child.kill('SIGTERM');
    }
    assert.deepEqual(await limited.exited, { code: 0, signal: null });
    const restarted = spawnCli(['--json', ...testListenFlags, '--data-dir', dataDir], { json: true });
    try {
      const ready = await restarted.next('ready');
      assert.equal(JSON.parse((await adminCall(ready, 'GET', '/api/config')).text).providerId, 'StillSaves');
      assert.deepEqual(
        restarted.events.filter((e) => e['event'] === 'warning'),
        [],
      );
    } finally {
      restarted.child.kill('SIGTERM');
    }
    assert.deepEqual(await restarted.exited, { code: 0, signal: null });
  });
});
