import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The package as a new user gets it: `npm pack`, installed from the tarball into a fresh project,
 * then imported with its types, run with npx, and the README's library example run from there.
 */

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const packageJson = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const maxPackedBytes = 1.5 * 1024 * 1024;

let work: string;
let tarball: string;
let listing: string[];
let consumer: string;

before(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'wopi-post-pack-'));
  // The build already ran (npm test builds first, and `npm pack` alone runs it as prepack).
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: repoRoot });
  tarball = path.join(work, stdout.trim().split('\n').pop()!);
  listing = (await run('tar', ['tzf', tarball])).stdout.trim().split('\n');
  consumer = path.join(work, 'consumer');
  await run('mkdir', ['-p', consumer]);
  await writeFile(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: consumer,
    timeout: 240_000,
  });
});
after(() => rm(work, { recursive: true, force: true }));

describe('the tarball', () => {
  test(`is at most 1.5 MB and holds the library, the CLI and the UI, and no tests, fixtures or maps`, async () => {
    assert.ok((await stat(tarball)).size <= maxPackedBytes, `packed size ${(await stat(tarball)).size} bytes`);
    for (const needed of [
      'package/dist/mock-server/index.js',
      'package/dist/mock-server/index.d.ts',
      'package/dist/mock-server/protocol/index.js',
      'package/dist/mock-server/cli/main.js',
      'package/dist/renderer/index.html',
      'package/validator/skip-list.json',
      'package/README.md',
      'package/LICENSE',
    ])
      assert.ok(listing.includes(needed), `${needed} is in the tarball`);
    const unwanted = listing.filter((f) =>
      /\.test\.|\.map$|test-support|fixture|screenshots|\/bench\/|\/soak\/|\/e2e\/|\/main\/main|\.ts$(?<!\.d\.ts)/.test(f),
    );
    assert.deepEqual(unwanted, []);
  });
});

describe('installed from the tarball', () => {
  test('the ESM import and the types work (tsc, module nodenext)', async () => {
    await writeFile(
      path.join(consumer, 'consumer.ts'),
      `import { startMockHost, checkHost, createVirtualClock, type MockHost, type CheckReport } from 'wopi-mock-host';
import { parseChallenge, formatBootstrapChallenge, parseBearerAuthorization } from 'wopi-mock-host/protocol';

const clock = createVirtualClock();
const host: MockHost = await startMockHost({ clock, failOnSpecWarnings: true });
const report: CheckReport = (await checkHost(host.urls.bootstrapper, { signIn: 'given', ca: host.caPem })).report;
const parsed = parseChallenge(formatBootstrapChallenge({ authorizationUri: 'https://a.example/auth', tokenIssuanceUri: 'https://a.example/token' }));
const bearer = parseBearerAuthorization('Bearer abc');
console.log(report.outcome, parsed?.params['authorization_uri'], bearer.kind);
await host.stop();
`,
    );
    await writeFile(
      path.join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          outDir: 'out',
          types: ['node'],
          typeRoots: [path.join(repoRoot, 'node_modules', '@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    await run(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: consumer });
    const { stdout } = await run(process.execPath, ['out/consumer.js'], { cwd: consumer, timeout: 60_000 });
    assert.equal(stdout.trim(), 'passed https://a.example/auth bearer');
  });

  test('npx wopi-mock-host --version', async () => {
    const { stdout } = await run('npx', ['--no-install', 'wopi-mock-host', '--version'], { cwd: consumer });
    assert.equal(stdout.trim(), packageJson.version);
  });

  test('wopi-mock-host serve --port 0 --admin-port 0 --json answers a 401 with the challenge and stops on SIGTERM', async () => {
    const dataDir = path.join(work, 'serve-data');
    // The command npx runs, started directly: npm exec goes through `sh -c`, which does not pass SIGTERM on.
    const bin = path.join(consumer, 'node_modules', '.bin', 'wopi-mock-host');
    const child = spawn(bin, ['serve', '--port', '0', '--admin-port', '0', '--json', '--data-dir', dataDir, '--public-host', 'localhost'], {
      cwd: consumer,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = createInterface({ input: child.stdout });
    const events: Array<Record<string, unknown>> = [];
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      lines.on('line', (line) => {
        const event = JSON.parse(line) as Record<string, unknown>;
        events.push(event);
        if (event['event'] === 'ready') resolve(event);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code} before ready`)));
    });
    const ca = await readFile(String(ready['caCertificate']), 'utf8');
    const answer = await new Promise<{ status: number; challenge: string | undefined }>((resolve, reject) => {
      request(String(ready['bootstrapperUrl']), { ca }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, challenge: res.headers['www-authenticate'] });
      })
        .on('error', reject)
        .end();
    });
    assert.equal(answer.status, 401);
    assert.match(answer.challenge ?? '', /^Bearer authorization_uri="https:\/\/localhost:\d+\/oauth\/authorize",tokenIssuance_uri="/);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(events.some((e) => e['event'] === 'stopped'));
  });

  test("the README's Node test runner example runs from there", async () => {
    await copyFile(path.join(repoRoot, 'examples', 'node-test-runner.test.mjs'), path.join(consumer, 'example.test.mjs'));
    // A runner of its own, not a subtest of this one (node:test marks its children through NODE_TEST_CONTEXT).
    const { NODE_TEST_CONTEXT: _ours, ...env } = process.env;
    const { stdout } = await run(process.execPath, ['--test', '--test-reporter=tap', 'example.test.mjs'], {
      cwd: consumer,
      env,
      timeout: 90_000,
    });
    assert.match(stdout, /^# pass 3$/m);
    assert.match(stdout, /^# fail 0$/m);
  });
});
