import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { adminCall, spawnCli, testListenFlags, type CliProcess } from '../../test-support/cli-process.js';
import { checkAsync } from '../../test-support/fuzz.js';

/**
 * The process killed outright while it saves, and state files that cannot be read. After a
 * SIGKILL at any instant, state.json parses and holds the old or the new document, never a mix;
 * a file the host cannot read is reported with its path, kept aside byte for byte and never
 * overwritten.
 */

const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-crash-'));
  dirs.push(dir);
  return dir;
}

async function stop(host: CliProcess): Promise<void> {
  host.child.kill('SIGTERM');
  assert.deepEqual(await host.exited, { code: 0, signal: null });
}

/**
 * A config of about 70 KB, so a save takes long enough to be caught in the middle. Both share
 * their user ids (each user's sample files are created once) and differ in every value.
 */
function bigConfig(tag: string): unknown {
  const long = (what: string, i: number) => `${tag}-${what}-${i}-`.padEnd(250, tag.toLowerCase());
  return {
    providerId: `Doc${tag}`,
    urlSchemes: {
      iOS: Array.from({ length: 32 }, (_, i) => `${tag.toLowerCase()}${i}://${long('ios', i).replace(/-/g, '')}`.slice(0, 256)),
      Android: [],
      UWP: [],
    },
    users: Array.from({ length: 60 }, (_, i) => ({ id: `user-${i}`, signInName: long('mail', i), friendlyName: long('name', i) })),
  };
}

describe('SIGKILL during config writes', () => {
  test('temporary files a killed save left beside state.json are removed at the next start; state.json is untouched', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    let host = spawnCli(['--json', ...testListenFlags, '--data-dir', dataDir], { json: true });
    await host.next('ready');
    await stop(host);
    const before = await readFile(path.join(dataDir, 'state.json'), 'utf8');
    const leftovers = ['.state.json.4242.k3x9.tmp', '.state.json.17.a1.tmp'];
    for (const name of leftovers) await writeFile(path.join(dataDir, name), '{"schemaVersion":1,"conf');
    await writeFile(path.join(dataDir, 'notes.tmp'), 'not ours');
    host = spawnCli(['--json', ...testListenFlags, '--data-dir', dataDir], { json: true });
    await host.next('ready');
    await stop(host);
    assert.deepEqual(
      (await readdir(dataDir)).filter((name) => name.endsWith('.tmp')),
      ['notes.tmp'],
    );
    assert.equal(await readFile(path.join(dataDir, 'state.json'), 'utf8'), before);
  });

  test('killed at a random instant while PUT /api/config alternates two big documents: state.json is always the old or a new one, and the host restarts from it', async (t) => {
    const dataDir = path.join(await tempDir(), 'data');
    let host = spawnCli(['--json', ...testListenFlags, '--data-dir', dataDir], { json: true });
    let ready = await host.next('ready');
    const initial = JSON.parse((await adminCall(ready, 'GET', '/api/config')).text);
    // What each document is once stored (defaults filled in), from the host's own answers.
    const stored = new Map<string, unknown>([['initial', initial]]);
    for (const tag of ['A', 'B']) {
      const reply = await adminCall(ready, 'PUT', '/api/config', JSON.stringify(bigConfig(tag)));
      assert.equal(reply.status, 200, reply.text);
      stored.set(tag, JSON.parse(reply.text).config);
    }
    assert.equal((await adminCall(ready, 'PUT', '/api/config', JSON.stringify(initial))).status, 200);
    const known = [...stored.values()].map((c) => JSON.stringify(c));
    let kills = 0;
    await checkAsync(
      t,
      [fc.integer({ min: 5, max: 400 }), fc.integer({ min: 1, max: 4 })],
      async (killAfterMs, inFlight) => {
        // This start is also the check of the previous kill: it must come up clean from what was left.
        if (kills > 0) {
          host = spawnCli(['--json', ...testListenFlags, '--data-dir', dataDir], { json: true });
          ready = await host.next('ready');
          assert.deepEqual(
            host.events.filter((e) => e['event'] === 'warning'),
            [],
            'the restart found nothing to keep aside',
          );
          const onDisk = JSON.parse(await readFile(path.join(dataDir, 'state.json'), 'utf8')).config;
          assert.equal((await adminCall(ready, 'GET', '/api/config')).text, JSON.stringify(onDisk));
        }
        let hammering = true;
        const hammer = async (lane: number) => {
          for (let i = lane; hammering; i++)
            await adminCall(ready, 'PUT', '/api/config', JSON.stringify(bigConfig(i % 2 === 0 ? 'A' : 'B'))).catch(
              () => (hammering = false),
            );
        };
        const lanes = Array.from({ length: inFlight }, (_, lane) => hammer(lane));
        await new Promise((r) => setTimeout(r, killAfterMs));
        host.child.kill('SIGKILL');
        assert.deepEqual(await host.exited, { code: null, signal: 'SIGKILL' });
        hammering = false;
        await Promise.all(lanes);
        kills++;
        const text = await readFile(path.join(dataDir, 'state.json'), 'utf8');
        let parsed: { schemaVersion: number; config: unknown; userEpochs: Record<string, string> };
        try {
          parsed = JSON.parse(text);
        } catch (error) {
          assert.fail(`torn state.json after a kill at ${killAfterMs} ms: ${(error as Error).message}; ${text.length} bytes`);
        }
        assert.equal(parsed.schemaVersion, 2);
        assert.ok(
          known.includes(JSON.stringify(parsed.config)),
          `state.json holds a document that was never sent (kill at ${killAfterMs} ms)`,
        );
        const users = (parsed.config as { users: Array<{ id: string }> }).users.map((u) => u.id).sort();
        assert.deepEqual(Object.keys(parsed.userEpochs).sort(), users, 'epochs match the users of the same document');
      },
      {
        weight: 0.06,
        examples: [
          [5, 4],
          [50, 1],
        ],
      },
    );
    // The last kill is checked by one more clean start.
    host = spawnCli(['--json', ...testListenFlags, '--data-dir', dataDir], { json: true });
    await host.next('ready');
    assert.deepEqual(
      host.events.filter((e) => e['event'] === 'warning'),
      [],
    );
    // Whatever temporary files the kills left, the start removed before reading state.json.
    assert.deepEqual(
      (await readdir(dataDir)).filter((name) => name.endsWith('.tmp')),
      [],
    );
    await stop(host);
  });
});

describe('a closed output pipe', () => {
  test('the CLI keeps serving when whoever read its output goes away (`--json | head -1`), and still stops cleanly', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    const host = spawnCli(['--json', ...testListenFlags, '--data-dir', dataDir], { json: true });
    const ready = await host.next('ready');
    host.child.stdout!.destroy();
    host.child.stderr!.destroy();
    const ca = await readFile(String(ready['caCertificate']), 'utf8');
    for (let i = 0; i < 5; i++) {
      // Each request makes the CLI write a line into the closed pipe.
      assert.equal(await httpsStatus(`${String(ready['bootstrapperUrl'])}`, ca), 401);
      assert.equal((await adminCall(ready, 'GET', '/api/status')).status, 200);
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(host.child.exitCode, null, 'still running');
    host.child.kill('SIGTERM');
    assert.deepEqual(await host.exited, { code: 0, signal: null });
  });
});

describe('a persisted state that cannot be read', () => {
  const cases: Array<{ name: string; write(file: string): Promise<void>; problem: RegExp }> = [
    {
      name: 'cut off mid-write',
      write: (f) => writeFile(f, '{"schemaVersion": 1, "config": {"providerId": "Half'),
      problem: /^not valid JSON \(/,
    },
    {
      name: 'binary garbage',
      write: (f) => writeFile(f, Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0x01])),
      problem: /^not valid JSON \(/,
    },
    { name: 'empty', write: (f) => writeFile(f, ''), problem: /^not valid JSON \(/ },
    { name: 'JSON but not an object', write: (f) => writeFile(f, '[1, 2, 3]'), problem: /^not a JSON object$/ },
    {
      name: 'from a newer version',
      write: (f) => writeFile(f, JSON.stringify({ schemaVersion: 99, config: {}, userEpochs: {} })),
      problem: /^schemaVersion 99 is newer than this build understands \(2\)$/,
    },
    {
      name: 'an invalid config',
      write: (f) => writeFile(f, JSON.stringify({ schemaVersion: 1, config: { users: 42 }, userEpochs: {} })),
      problem: /^config is invalid: \$\.users: /,
    },
    {
      name: 'epochs that are not strings',
      write: (f) => writeFile(f, JSON.stringify({ schemaVersion: 1, config: {}, userEpochs: { alice: 1 } })),
      problem: /^userEpochs is not an object of strings$/,
    },
    {
      name: 'a folder where the file should be',
      write: async (f) => {
        await mkdir(path.join(f, 'inside'), { recursive: true });
        await writeFile(path.join(f, 'inside', 'note.txt'), 'keep me');
      },
      problem: /^EISDIR: illegal operation on a directory, read$/,
    },
  ];

  for (const c of cases) {
    test(`${c.name}: the CLI starts from defaults, names the file and where it was kept, and keeps it byte for byte`, async () => {
      const dataDir = path.join(await tempDir(), 'data');
      await mkdir(dataDir, { recursive: true });
      const file = path.join(dataDir, 'state.json');
      await c.write(file);
      const original = await snapshot(file);
      const host = spawnCli(['--json', ...testListenFlags, '--data-dir', dataDir], { json: true });
      const ready = await host.next('ready');
      const warning = String((await host.next('warning'))['message']);
      const kept = (await readdir(dataDir)).filter((n) => n.startsWith('state.json.corrupt-'));
      assert.equal(kept.length, 1);
      const keptAt = path.join(dataDir, kept[0]!);
      const match = /^persisted state (.+) could not be read \((.+)\); it was kept at (.+) and the host started from defaults$/.exec(
        warning,
      );
      assert.ok(match, warning);
      assert.equal(match[1], file);
      assert.match(match[2]!, c.problem);
      assert.equal(match[3], keptAt);
      assert.deepEqual(await snapshot(keptAt), original, 'kept aside unchanged');
      const config = JSON.parse((await adminCall(ready, 'GET', '/api/config')).text);
      assert.deepEqual([config.providerId, config.users.map((u: { id: string }) => u.id)], ['WopiMockHost', ['alice', 'bob']]);
      assert.equal(JSON.parse(await readFile(file, 'utf8')).config.providerId, 'WopiMockHost', 'a fresh state.json was written');
      await stop(host);
      assert.deepEqual(await snapshot(keptAt), original, 'still unchanged after the host ran and stopped');
    });
  }

  test('a second unreadable state later is kept separately: nothing kept earlier is overwritten', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    await mkdir(dataDir, { recursive: true });
    const file = path.join(dataDir, 'state.json');
    for (const content of ['{"first": ', '{"second": ']) {
      await writeFile(file, content);
      const host = spawnCli(['--json', ...testListenFlags, '--data-dir', dataDir], { json: true });
      await host.next('warning');
      await stop(host);
      await new Promise((r) => setTimeout(r, 5));
    }
    const kept = (await readdir(dataDir)).filter((n) => n.startsWith('state.json.corrupt-')).sort();
    assert.equal(kept.length, 2);
    assert.deepEqual(await Promise.all(kept.map((k) => readFile(path.join(dataDir, k), 'utf8'))), ['{"first": ', '{"second": ']);
  });

  test('with --config, the same: kept aside, and the host starts from the given config', async () => {
    const dir = await tempDir();
    const dataDir = path.join(dir, 'data');
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'state.json'), '{"torn');
    await writeFile(path.join(dir, 'start.json'), JSON.stringify({ providerId: 'FromFile' }));
    const host = spawnCli(['--json', ...testListenFlags, '--data-dir', dataDir, '--config', path.join(dir, 'start.json')], { json: true });
    const ready = await host.next('ready');
    assert.match(
      String((await host.next('warning'))['message']),
      /could not be read \(not valid JSON .*\); it was kept at .*state\.json\.corrupt-.* and the host started from the given config$/,
    );
    assert.equal(JSON.parse((await adminCall(ready, 'GET', '/api/config')).text).providerId, 'FromFile');
    await stop(host);
  });

  test('a token-signing key that cannot be read is kept aside with a warning and replaced', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    const keyFile = path.join(dataDir, 'keys', 'token-signing.key');
    await mkdir(path.join(keyFile, 'inside'), { recursive: true });
    const host = spawnCli(['--json', ...testListenFlags, '--data-dir', dataDir], { json: true });
    await host.next('ready');
    const warning = String((await host.next('warning'))['message']);
    assert.match(
      warning,
      new RegExp(
        `^token signing key ${keyFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} was unreadable; kept it at ${keyFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\.corrupt-[^ ]+ and made a new one \\(earlier tokens no longer verify\\)$`,
      ),
    );
    assert.equal(Buffer.from((await readFile(keyFile, 'utf8')).trim(), 'base64url').length, 32);
    await stop(host);
  });
});

function httpsStatus(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

/** A file's bytes, or a folder's files and their bytes. */
async function snapshot(target: string): Promise<unknown> {
  try {
    return (await readFile(target)).toString('base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
    const entries = await readdir(target, { recursive: true, withFileTypes: true });
    const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
    return Object.fromEntries(
      await Promise.all(files.map(async (f) => [path.relative(target, f), (await readFile(f)).toString('base64')])),
    );
  }
}
