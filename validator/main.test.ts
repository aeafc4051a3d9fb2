import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The runner as a user runs it: the compiled binary, its output and exit code. */

const main = fileURLToPath(new URL('./main.js', import.meta.url));
const scratch = await mkdtemp(path.join(os.tmpdir(), 'wopi-validator-cli-'));
after(() => rm(scratch, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('validator runner CLI', () => {
  test('--help prints usage and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: npm run validate -- \[options\]\n/);
  });

  test('a missing TestCases.xml exits 2 and says which file', async () => {
    const { code, stderr, stdout } = await run(['--config', '/nonexistent/TestCases.xml']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      'wopi-validator: cannot read TestCases.xml at /nonexistent/TestCases.xml: no such file. TestCases.xml comes from microsoft/wopi-validator-core (MIT, https://github.com/microsoft/wopi-validator-core); point at it with --test-cases FILE or WOPI_VALIDATOR_DATA=<folder>\n',
    );
  });

  test('a skip list naming an unknown test exits 2', async () => {
    const list = path.join(scratch, 'stale.json');
    await writeFile(list, JSON.stringify([{ test: 'NoSuchTest', reason: 'r' }]));
    const { code, stderr } = await run(['--skip-list', list]);
    assert.equal(code, 2);
    assert.equal(stderr, `wopi-validator: ${list} entry 1 names "NoSuchTest", which is not a test in TestCases.xml\n`);
  });

  test('a listed test is skipped with its reason, and the run passes', async () => {
    const list = path.join(scratch, 'skip.json');
    await writeFile(list, JSON.stringify([{ test: 'CheckFileWithInvalidAccessToken', reason: 'only to test the skip list' }]));
    const { code, stdout } = await run(['--test', 'CheckFileWithInvalidAccessToken', '--skip-list', list]);
    assert.equal(code, 0);
    assert.match(stdout, /\n {2}Skip: CheckFileWithInvalidAccessToken \(skip list: only to test the skip list\)\n/);
    assert.match(stdout, /\n0 passed, 0 failed, 1 skipped\n$/);
  });

  test('with no --wopisrc it runs a test against its own mock host', async () => {
    const { code, stdout } = await run(['--test', 'CheckFileWithInvalidAccessToken', '--json']);
    const report = JSON.parse(stdout) as {
      summary: unknown;
      tests: Array<{ name: string; status: string; requests: Array<{ operation: string; status: number }> }>;
    };
    assert.deepEqual(report.summary, { passed: 1, failed: 0, skipped: 0 });
    assert.deepEqual(
      report.tests.map((t) => [t.name, t.status, t.requests.map((r) => r.operation)]),
      [['CheckFileWithInvalidAccessToken', 'passed', ['CheckFileInfo']]],
    );
    // The test accepts either answer to a bad token; which one is the host's choice.
    assert.ok([401, 404].includes(report.tests[0]!.requests[0]!.status), `status ${report.tests[0]!.requests[0]!.status}`);
    assert.equal(code, 0);
  });

  test('a group whose prerequisites need a feature absent runs on a host configured without it, and says so', async () => {
    const { code, stdout } = await run(['--group', 'PutRelativeFileUnsupported']);
    assert.match(
      stdout,
      /\n\nPutRelativeFileUnsupported {2}\(host: capabilities\.putRelativeFile=false\)\n {2}Pass: PutRelativeFileUnsupported\.SuggestedExtension\n/,
    );
    assert.match(stdout, /\nPutRelativeFileUnsupported {7}6 {7}0 {8}0 {2}capabilities\.putRelativeFile=false\n/);
    assert.match(stdout, /\n6 passed, 0 failed, 0 skipped\n$/);
    assert.equal(code, 0);
  });
});
