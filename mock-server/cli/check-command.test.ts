import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Ajv } from 'ajv';
import { clientId, clientSecret, startHarness, type Harness } from '../../test-support/host-fixture.js';
import { cliPath } from '../../test-support/cli-process.js';
import { withKnownBug } from '../analysis/known-bugs.js';
import type { Config } from '../state/config-schema.js';
import type { CheckReport } from '../check/report.js';
import { CheckExit, parseCheckArgs } from './check-command.js';
import { UsageError } from './args.js';

/** `wopi-mock-host check` as a user runs it: a real process against a real engine, files and exit codes. */

let h: Harness;
let dir: string;
let caFile: string;
let bootstrapper: string;

before(async () => {
  h = await startHarness();
  dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-check-cli-'));
  caFile = path.join(dir, 'ca.crt');
  await writeFile(caFile, h.ca);
  bootstrapper = `${h.origin}/wopibootstrapper`;
});
after(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function check(
  args: string[],
  options: { stdin?: (stderr: () => string, write: (text: string) => void) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  const child = spawn(process.execPath, [cliPath, 'check', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    options.stdin?.(
      () => stderr,
      (text) => child.stdin.write(text),
    );
  });
  if (!options.stdin) child.stdin.end();
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const signInFlags = ['--sign-in', 'form', '--form-field', 'user=alice', '--client-id', clientId, '--client-secret', clientSecret];

describe('exit codes', () => {
  test('0: the mock with its defaults passes; the text report ends with the summary', async () => {
    const run = await check([bootstrapper, '--ca', caFile, ...signInFlags]);
    assert.equal(run.code, CheckExit.Passed, run.stdout + run.stderr);
    assert.match(run.stdout, /^WOPI host check of https:\/\/localhost:\d+\/wopibootstrapper/);
    assert.match(run.stdout, /\nPASSED: \d+ passed, 0 failed, 0 warnings, 1 finding, \d+ skipped in [\d.]+ s\n$/);
    assert.equal(run.stdout.includes('\u001b['), false, 'no colour when not a terminal');
  });

  test('1: a host with a known bug fails, and the report names the rule with its evidence and source', async () => {
    const defaults: Config = (await h.admin('GET', '/api/config')).json();
    await h.admin('PUT', '/api/config', withKnownBug(defaults, 'missingWopiSrcAnswers500', true));
    try {
      const run = await check([bootstrapper, '--ca', caFile, ...signInFlags]);
      assert.equal(run.code, CheckExit.Failed, run.stdout);
      assert.match(
        run.stdout,
        /✗ wopi-src-not-found: .*\n\s+GetNewAccessToken with no X-WOPI-WopiSrc was answered 500; the host should answer 404 Not Found\./,
      );
      assert.match(
        run.stdout,
        /see https:\/\/learn\.microsoft\.com\/microsoft-365\/cloud-storage-partner-program\/rest\/bootstrapper\/getnewaccesstoken/,
      );
      assert.match(run.stdout, /\nFAILED: /);
    } finally {
      await h.admin('PUT', '/api/config', defaults);
    }
  });

  test('2: a usage error says what to change', async () => {
    const run = await check([bootstrapper, '--report', 'yaml']);
    assert.equal(run.code, CheckExit.Usage);
    assert.match(run.stderr, /--report must be one of text, json, junit, tap, not "yaml"/);
    assert.equal((await check([])).code, CheckExit.Usage);
  });

  test('3: a host that cannot be reached is the run breaking, not a rule failing', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const run = await check([`https://127.0.0.1:${port}/wopibootstrapper`, '--report', 'json']);
    assert.equal(run.code, CheckExit.Broken);
    const report = JSON.parse(run.stdout) as CheckReport;
    assert.equal(report.outcome, 'error');
    assert.match(run.stderr, /ECONNREFUSED/);
  });
});

describe('reports and files', () => {
  let json: CheckReport;
  let harPath: string;

  before(async () => {
    harPath = path.join(dir, 'check.har');
    const out = path.join(dir, 'report.json');
    const run = await check([bootstrapper, '--ca', caFile, ...signInFlags, '--report', 'json', '--out', out, '--har', harPath]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '', 'with --out nothing goes to stdout');
    json = JSON.parse(await readFile(out, 'utf8')) as CheckReport;
  });

  test('the JSON report validates against docs/check-report.schema.json', async () => {
    const schema = JSON.parse(await readFile(new URL('../../../docs/check-report.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    assert.equal(validate(json), true, JSON.stringify(validate.errors));
    assert.equal(json.outcome, 'passed');
    assert.ok(json.summary.passed > 40);
  });

  test('the HAR holds the checker traffic', async () => {
    const har = JSON.parse(await readFile(harPath, 'utf8')) as { log: { version: string; entries: Array<{ request: { url: string } }> } };
    assert.equal(har.log.version, '1.2');
    assert.ok(har.log.entries.some((e) => e.request.url.endsWith('/wopibootstrapper')));
    assert.ok(har.log.entries.some((e) => /\/oauth\/token$/.test(e.request.url)));
  });

  test('JUnit: a testcase per rule, read back by an XML parser', async () => {
    const run = await check([bootstrapper, '--ca', caFile, ...signInFlags, '--report', 'junit']);
    assert.equal(XMLValidator.validate(run.stdout), true);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(run.stdout) as {
      testsuites: { tests: string; failures: string; skipped: string; testsuite: Array<{ id: string; testcase: unknown }> };
    };
    const cases = xml.testsuites.testsuite.flatMap((s) => (Array.isArray(s.testcase) ? s.testcase : s.testcase ? [s.testcase] : []));
    assert.equal(cases.length, Number(xml.testsuites.tests));
    assert.equal(cases.length, json.phases.flatMap((p) => p.rules).length);
    assert.equal(xml.testsuites.failures, '0');
    assert.equal(Number(xml.testsuites.skipped), json.summary.skipped);
    assert.deepEqual(
      xml.testsuites.testsuite.map((s) => s.id),
      json.phases.map((p) => p.id),
    );
  });

  test('JUnit failures carry the evidence as the failure message', async () => {
    const defaults: Config = (await h.admin('GET', '/api/config')).json();
    await h.admin('PUT', '/api/config', withKnownBug(defaults, 'tokenResponseCacheable', true));
    try {
      const run = await check([bootstrapper, '--ca', caFile, ...signInFlags, '--report', 'junit']);
      assert.equal(run.code, 1);
      const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(run.stdout) as {
        testsuites: {
          failures: string;
          testsuite: Array<{ testcase: Array<{ name: string; failure?: { message: string; type: string } }> }>;
        };
      };
      const failed = xml.testsuites.testsuite.flatMap((s) => s.testcase).filter((c) => c.failure);
      assert.deepEqual(
        failed.map((c) => c.failure!.type),
        ['token-response-no-store'],
      );
      assert.match(failed[0]!.failure!.message, /no-store/);
    } finally {
      await h.admin('PUT', '/api/config', defaults);
    }
  });

  test('TAP 14: a plan and a test point per rule, skips marked', async () => {
    const run = await check([bootstrapper, '--ca', caFile, ...signInFlags, '--report', 'tap']);
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], 'TAP version 14');
    const total = json.phases.flatMap((p) => p.rules).length;
    assert.equal(lines[1], `1..${total}`);
    assert.equal(lines.filter((l) => /^(not )?ok \d+ - /.test(l)).length, total);
    assert.equal(lines.filter((l) => /^not ok /.test(l)).length, 0);
    assert.equal(lines.filter((l) => / # SKIP /.test(l)).length, json.summary.skipped);
  });
});

describe('sign-in from the command line', () => {
  test('paste: the URL goes to stderr, the redirected URL comes in on stdin', async () => {
    let done = false;
    const run = await check(
      [bootstrapper, '--ca', caFile, '--sign-in', 'paste', '--client-id', clientId, '--client-secret', clientSecret],
      {
        stdin: (stderr, write) => {
          const url = /\n {2}(https:\/\/\S+oauth\/authorize\S+)/.exec(stderr())?.[1];
          if (!url || done) return;
          done = true;
          void (async () => {
            const params = Object.fromEntries(new URL(url).searchParams);
            const submitted = await h.request('POST', url, { form: { ...params, user: 'alice' } });
            write(`${submitted.header('location')}\n`);
          })();
        },
      },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /paste the full URL the browser was sent to/);
    assert.match(run.stdout, /✓ authorize-redirect/);
  });

  test('given: tokens from the environment, never echoed', async () => {
    const tokens = await h.signIn('alice');
    const run = await check([bootstrapper, '--ca', caFile, '--report', 'json', '--client-id', clientId, '--client-secret', clientSecret], {
      env: { WOPI_CHECK_ACCESS_TOKEN: tokens.access_token, WOPI_CHECK_REFRESH_TOKEN: tokens.refresh_token },
    });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as CheckReport;
    assert.equal(report.phases.find((p) => p.id === 'profile')!.status, 'passed');
    assert.equal(report.phases.flatMap((p) => p.rules).find((r) => r.rule === 'oauth-refresh')!.status, 'passed');
    assert.equal(run.stdout.includes(tokens.access_token), false);
    assert.equal(run.stdout.includes(tokens.refresh_token), false);
  });
});

describe('parseCheckArgs', () => {
  const parse = (args: string[], env: NodeJS.ProcessEnv = {}) => parseCheckArgs(args, env);
  const usage = (args: string[], message: RegExp) =>
    assert.throws(
      () => parse(args),
      (e: Error) => e instanceof UsageError && message.test(e.message),
    );

  test('mistakes are usage errors that say what to change', () => {
    usage([], /give the bootstrapper URL/);
    usage(['ftp://host/x'], /is not an http\(s\) URL/);
    usage(['https://h/b', 'https://h/c'], /one bootstrapper URL at a time/);
    usage(['https://h/b', '--sign-in', 'magic'], /--sign-in must be form, paste or loopback/);
    usage(['https://h/b', '--sign-in', 'form'], /needs the OAuth client/);
    usage(['https://h/b', '--form-field', 'user=alice'], /only applies with --sign-in form/);
    usage(['https://h/b', '--sign-in', 'form', '--client-id', 'a', '--client-secret', 'b', '--form-field', 'novalue'], /name=value/);
    usage(['https://h/b', '--client-id', 'a'], /go together/);
    usage(['https://h/b', '--timeout', 'soon'], /--timeout must be a number/);
    usage(['https://h/b', '--trusted-domain', 'not a domain'], /--trusted-domain takes a domain name/);
    usage(['https://h/b', '--test-cases', 'x.xml'], /only applies with --write/);
    usage(['https://h/b', '--bogus'], /Unknown option '--bogus'/);
  });

  test('secrets come from the environment when no flag gives them', () => {
    const command = parse(['https://h/b'], {
      WOPI_CHECK_ACCESS_TOKEN: 'tok',
      WOPI_CHECK_CLIENT_ID: 'id',
      WOPI_CHECK_CLIENT_SECRET: 'secret',
      WOPI_CHECK_REDIRECT_URI: 'https://localhost/cb',
    });
    assert.ok(command !== 'help');
    assert.equal(command.options.accessToken, 'tok');
    assert.deepEqual(command.options.client, { clientId: 'id', clientSecret: 'secret', auth: 'post', redirectUri: 'https://localhost/cb' });
  });

  test('--write finds the validator data through WOPI_VALIDATOR_DATA', () => {
    const command = parse(['https://h/b', '--write'], { WOPI_VALIDATOR_DATA: '/data/validator' });
    assert.ok(command !== 'help');
    assert.equal(command.options.write?.testCasesPath, path.resolve('/data/validator', 'TestCases.xml'));
  });
});
