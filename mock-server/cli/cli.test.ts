import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { get } from 'node:https';
import { createInterface } from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
const packageVersion = (JSON.parse(await readFile(path.join(path.dirname(cli), '../../../package.json'), 'utf8')) as { version: string })
  .version;
const tempDirs: string[] = [];
after(async () => Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-cli-'));
  tempDirs.push(dir);
  return dir;
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts the CLI with --json and yields its event lines as they come. */
function serve(args: string[]) {
  const child = spawn(
    process.execPath,
    [cli, '--json', '--host', '127.0.0.1', '--port', '0', '--admin-port', '0', '--public-host', 'localhost', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines = createInterface({ input: child.stdout });
  const events: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  lines.on('line', (line) => {
    events.push(JSON.parse(line) as Record<string, unknown>);
    waiters.splice(0).forEach((w) => w());
  });
  const next = async (event: string, timeoutMs = 10_000): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find((e) => e['event'] === event);
      if (found) return found;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no "${event}" event; saw ${JSON.stringify(events)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  };
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, events, next, exited };
}

function httpsStatus(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  child.kill('SIGTERM');
  return exited;
}

describe('wopi-mock-host CLI', () => {
  test('--help lists every flag and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    assert.equal(code, 0);
    for (const flag of [
      '--port',
      '--host',
      '--admin-port',
      '--public-host',
      '--data-dir',
      '--config',
      '--admin-token',
      '--json',
      '--help',
      '--version',
    ])
      assert.match(stdout, new RegExp(`${flag}\\b`));
  });

  test('--version prints the package version', async () => {
    const { code, stdout } = await run(['--version']);
    assert.equal(code, 0);
    assert.equal(stdout, `${packageVersion}\n`);
  });

  const usageErrors: Array<[string[], string]> = [
    [['--bogus'], "wopi-mock-host: Unknown option '--bogus' (see --help)\n"],
    [['--port', 'abc'], 'wopi-mock-host: --port must be a port number from 0 to 65535, not "abc"\n'],
    [['--admin-port', '70000'], 'wopi-mock-host: --admin-port must be a port number from 0 to 65535, not "70000"\n'],
    [['--log-capacity', '0'], 'wopi-mock-host: --log-capacity must be a whole number from 1 to 10000000, not "0"\n'],
    [['--admin-token', 'short'], 'wopi-mock-host: --admin-token must be at least 8 characters\n'],
  ];
  for (const [args, message] of usageErrors) {
    test(`bad flags exit 2: ${args.join(' ')}`, async () => {
      const { code, stderr, stdout } = await run(args);
      assert.equal(code, 2);
      assert.equal(stderr, message);
      assert.equal(stdout, '');
    });
  }

  test('an invalid config file exits 2 naming the file, each JSON path and reason', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ users: [{ id: 'a/b', signInName: 'x' }], tokenTtlSeconds: { wopiAccessToken: 0 }, extra: 1 }));
    const { code, stderr } = await run(['--config', file, '--data-dir', path.join(dir, 'data')]);
    assert.equal(code, 2);
    assert.equal(
      stderr,
      `wopi-mock-host: config file ${file} is not a valid config:\n` +
        '  $.tokenTtlSeconds.wopiAccessToken: must be at least 1 second\n' +
        '  $.users[0].id: must not contain any of \\ / : * ? " < > | # { } ^ [ ] ` % (Office iOS cannot load such ids)\n' +
        '  $: unknown field: extra\n',
    );
  });

  test('a config file that is not JSON, or missing, exits 2 naming the file', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '{"users": [}');
    const broken = await run(['--config', file, '--data-dir', path.join(dir, 'data')]);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, new RegExp(`^wopi-mock-host: config file ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON`));
    const missing = await run(['--config', path.join(dir, 'nope.json'), '--data-dir', path.join(dir, 'data')]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, `wopi-mock-host: config file ${path.join(dir, 'nope.json')}: no such file\n`);
  });

  test('--json: ready event first, one request event per request, clean stop on SIGTERM', async () => {
    const dataDir = await tempDir();
    const host = serve(['--data-dir', dataDir]);
    const ready = await host.next('ready');
    assert.equal(host.events[0]?.['event'], 'ready');
    for (const key of ['wopiOrigin', 'bootstrapperUrl', 'adminUrl', 'adminToken', 'caCertificate'])
      assert.equal(typeof ready[key], 'string', key);
    assert.match(String(ready['wopiOrigin']), /^https:\/\/localhost:\d+$/);
    assert.equal(ready['bootstrapperUrl'], `${String(ready['wopiOrigin'])}/wopibootstrapper`);
    assert.match(String(ready['adminUrl']), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(ready['uiUrl'], `${String(ready['adminUrl'])}/#token=${encodeURIComponent(String(ready['adminToken']))}`);
    assert.equal(ready['deviceSetupUrl'], `${String(ready['wopiOrigin'])}/setup`);
    assert.equal(ready['caCertificate'], path.join(dataDir, 'tls', 'ca.crt'));
    const ca = await readFile(String(ready['caCertificate']), 'utf8');
    assert.equal(await httpsStatus(String(ready['bootstrapperUrl']), ca), 401);
    const request = await host.next('request');
    assert.deepEqual(
      [request['operation'], request['method'], request['url'], request['status']],
      ['Bootstrap', 'GET', '/wopibootstrapper', 401],
    );
    assert.equal(await stop(host.child, host.exited), 0);
    assert.equal(host.events.at(-1)?.['event'], 'stopped');
  });

  test('human output names the UI URL (token in the fragment) and the phone set-up page', async () => {
    const child = spawn(
      process.execPath,
      [
        cli,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--admin-port',
        '0',
        '--public-host',
        'localhost',
        '--admin-token',
        'cli-test-token',
        '--data-dir',
        await tempDir(),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const lines: string[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      lines.push(line);
      if (line.includes('Press Ctrl+C to stop.')) break;
    }
    const field = (label: string) => lines.find((l) => l.startsWith(`  ${label}`))?.slice(18);
    const adminUrl = field('Admin API');
    const wopiOrigin = field('WOPI origin');
    assert.match(String(adminUrl), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(field('Desktop UI'), `${adminUrl}/#token=cli-test-token`);
    assert.equal(field('Phone set-up'), `open ${wopiOrigin}/setup on the device (CA download and steps)`);
    assert.equal(await stop(child, exited), 0);
  });

  test('a busy port exits 1 with a message naming the port and the flag', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const busy = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr } = await run([
        '--host',
        '127.0.0.1',
        '--port',
        String(busy),
        '--admin-port',
        '0',
        '--data-dir',
        await tempDir(),
      ]);
      assert.equal(code, 1);
      assert.equal(
        stderr,
        `wopi-mock-host: the WOPI port ${busy} on 127.0.0.1 is already in use; choose another with --port (0 picks any free port)\n`,
      );
    } finally {
      blocker.close();
    }
  });

  test('a corrupt persisted state is kept aside with a warning, never overwritten', async () => {
    const dataDir = await tempDir();
    await writeFile(path.join(dataDir, 'state.json'), '{"schemaVersion": 1, "config": {"users": 42}');
    const host = serve(['--data-dir', dataDir]);
    await host.next('ready');
    const warning = await host.next('warning');
    assert.equal(host.events[0]?.['event'], 'ready', 'ready stays the first line even with warnings');
    const keptAside = (await readdir(dataDir)).find((name) => name.startsWith('state.json.corrupt-'));
    assert.ok(keptAside, 'the unreadable file was kept');
    assert.equal(await readFile(path.join(dataDir, keptAside), 'utf8'), '{"schemaVersion": 1, "config": {"users": 42}');
    assert.match(
      String(warning['message']),
      new RegExp(
        `persisted state ${path.join(dataDir, 'state.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} could not be read \\(not valid JSON`,
      ),
    );
    assert.ok(String(warning['message']).includes(path.join(dataDir, keptAside)));
    assert.equal(await stop(host.child, host.exited), 0);
  });

  test('--config wins over the persisted config, which then persists', async () => {
    const dataDir = await tempDir();
    const file = path.join(dataDir, 'start.json');
    await writeFile(file, JSON.stringify({ providerId: 'FromFile', users: [{ id: 'carol', signInName: 'carol@example.test' }] }));
    const first = serve(['--data-dir', dataDir, '--config', file]);
    await first.next('ready');
    assert.equal(await stop(first.child, first.exited), 0);
    const persisted = JSON.parse(await readFile(path.join(dataDir, 'state.json'), 'utf8')) as {
      config: { providerId: string; users: Array<{ id: string }> };
    };
    assert.equal(persisted.config.providerId, 'FromFile');
    assert.deepEqual(
      persisted.config.users.map((u) => u.id),
      ['carol'],
    );
  });
});
