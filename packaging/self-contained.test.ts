import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * A clone with no ../shared beside it: it builds, the engine and the CLI run, and the validator
 * suites say in one line where TestCases.xml comes from instead of failing.
 */

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
let work: string;
let clone: string;
/** The environment of a user who never heard of WOPI_VALIDATOR_DATA, outside any test runner. */
const { WOPI_VALIDATOR_DATA: _data, NODE_TEST_CONTEXT: _context, ...env } = process.env;

before(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'wopi-no-shared-'));
  clone = path.join(work, 'wopi-mock-host');
  await mkdir(clone);
  const { stdout } = await run('git', ['ls-files', '-z'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  for (const file of stdout.split('\0').filter(Boolean)) {
    await mkdir(path.dirname(path.join(clone, file)), { recursive: true });
    await cp(path.join(repoRoot, file), path.join(clone, file));
  }
  // The build output comes along so tsc -b only has to confirm it; node_modules is the same install.
  await cp(path.join(repoRoot, 'dist'), path.join(clone, 'dist'), { recursive: true });
  await symlink(path.join(repoRoot, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
});
after(() => rm(work, { recursive: true, force: true }));

test('builds without ../shared', async () => {
  await run(process.execPath, [path.join(clone, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], { cwd: clone, env, timeout: 240_000 });
});

test('the engine starts from the CLI and answers the challenge', async () => {
  const child = spawn(
    process.execPath,
    [
      'dist/mock-server/cli/main.js',
      '--port',
      '0',
      '--admin-port',
      '0',
      '--json',
      '--data-dir',
      path.join(work, 'data'),
      '--public-host',
      'localhost',
    ],
    { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const event = JSON.parse(line) as Record<string, unknown>;
        if (event['event'] === 'ready') resolve(event);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const ca = await readFile(String(ready['caCertificate']), 'utf8');
    const status = await new Promise<number>((resolve, reject) =>
      request(String(ready['bootstrapperUrl']), { ca }, (res) => resolve(res.resume().statusCode ?? 0))
        .on('error', reject)
        .end(),
    );
    assert.equal(status, 401);
  } finally {
    child.kill('SIGTERM');
  }
});

test('the validator says in one line where TestCases.xml comes from, and fails nothing', async () => {
  const { stdout } = await run(process.execPath, ['dist/mock-server/cli/main.js', 'validate'], { cwd: clone, env });
  assert.equal(
    stdout,
    'wopi-validator: no test cases to run. TestCases.xml comes from microsoft/wopi-validator-core (MIT, https://github.com/microsoft/wopi-validator-core); point at it with --test-cases FILE or WOPI_VALIDATOR_DATA=<folder>.\n0 passed, 0 failed, 0 skipped\n',
  );
});

test("the validator's own suites that read TestCases.xml skip with that line", async () => {
  const { stdout } = await run(
    process.execPath,
    ['--test', '--test-reporter=tap', 'dist/validator/parse-test-cases.test.js', 'dist/validator/host-configuration.test.js'],
    { cwd: clone, env },
  );
  assert.match(stdout, /^# fail 0$/m);
  assert.match(stdout, /# SKIP TestCases\.xml comes from microsoft\/wopi-validator-core/);
});

test('the README shows the library examples exactly as they run', async () => {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
  for (const example of ['examples/node-test-runner.test.mjs', 'examples/playwright.spec.ts']) {
    const code = (await readFile(path.join(repoRoot, example), 'utf8')).trimEnd();
    assert.ok(readme.includes(`\n${code}\n\`\`\``), `README.md holds ${example} verbatim`);
  }
});
