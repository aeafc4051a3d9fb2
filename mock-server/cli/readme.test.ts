import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEngine, type Engine } from '../engine.js';

/**
 * Runs the README's `bash walkthrough` blocks, in order, against a real host, so the documented
 * commands cannot drift from what the host does.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let engine: Engine;
let dir: string;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-readme-'));
  engine = await startEngine({
    dataDir: path.join(dir, 'data'),
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    publicHost: 'localhost',
    adminToken: 'dev-admin-token',
  });
});
after(async () => {
  await engine.stop();
  await rm(dir, { recursive: true, force: true });
});

function walkthroughBlocks(readme: string): string[] {
  return [...readme.matchAll(/```bash walkthrough\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

test('README walk-through runs against a real host', async () => {
  const blocks = walkthroughBlocks(await readFile(path.join(repoRoot, 'README.md'), 'utf8'));
  assert.ok(blocks.length >= 8, `expected the walk-through blocks, found ${blocks.length}`);
  await mkdir(path.join(dir, 'bin'));
  const command = path.join(dir, 'bin', 'wopi-mock-host');
  await writeFile(
    command,
    `#!/bin/sh\nexec "${process.execPath}" "${path.join(repoRoot, 'dist', 'mock-server', 'cli', 'main.js')}" "$@"\n`,
    { mode: 0o755 },
  );
  const script = `set -euo pipefail\n${blocks.join('\n')}`;
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('bash', ['-c', script], {
      cwd: dir,
      env: {
        ...process.env,
        H: engine.urls.wopiOrigin,
        CA: engine.urls.caCertificatePath,
        ADMIN: engine.urls.adminUrl,
        ADMIN_TOKEN: 'dev-admin-token',
        // The package's command, as `npm install` puts it on PATH.
        PATH: `${path.join(dir, 'bin')}${path.delimiter}${process.env['PATH'] ?? ''}`,
      },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (exit) => resolve({ code: exit, stdout: out, stderr: err }));
  });
  assert.equal(code, 0, `walk-through failed:\n${stderr}\n${stdout}`);
  const origin = engine.urls.wopiOrigin;
  const expectations = [
    `WWW-Authenticate: Bearer authorization_uri="${origin}/oauth/authorize",tokenIssuance_uri="${origin}/oauth/token",providerId="WopiMockHost"`,
    'https://localhost/?code=',
    '&state=demo',
    '"token_type":"bearer","expires_in":3600,"refresh_token":"',
    `{"Bootstrap":{"EcosystemUrl":"${origin}/wopi/ecosystem?access_token=`,
    '"UserId":"alice","SignInName":"alice@contoso.test","UserFriendlyName":"Alice Adams"}}',
    'Budget.xlsx ',
    'Welcome.docx ',
    'AccessTokenExpiry: ',
    '"explanation":"Answer 401 on Bootstrap, for the next request"',
    '401\n200\n{"userId":"alice","revoked":true}\n401\n',
    'Welcome.docx owned by alice, UserId alice',
    '| Bootstrap | 401 | f-',
    'PASSED: ',
    'exit 1\n<failure message="AccessTokenExpiry ',
    'type="access-token-expiry-seconds"',
    'the access token was revoked (user "alice" was revoked after it was issued)',
    // Watch your own host: the proxy in front of this host.
    `Bootstrap | 401 | proxy | ${origin} | -`,
    `Token | 200 | proxy | ${origin} | alice`,
    `Bootstrap | 200 | proxy | ${origin} | alice`,
    // The forward proxy in front of a second engine named wopi.contoso.test.
    'intercepted 1, tunnelled 0, failed 0',
  ];
  for (const expected of expectations) assert.ok(stdout.includes(expected), `README output lacks ${JSON.stringify(expected)}:\n${stdout}`);
  // Through the proxy, the challenge's token endpoint names the proxy; the sign-in page stays here.
  const proxied = new RegExp(`authorization_uri="${origin}/oauth/authorize",tokenIssuance_uri="(https://localhost:\\d+)/oauth/token"`, 'g');
  const tokenEndpoints = [...stdout.matchAll(proxied)].map((m) => m[1]);
  assert.ok(
    tokenEndpoints.some((endpoint) => endpoint !== origin),
    `no challenge through the proxy in:\n${stdout}`,
  );
  // Through the forward proxy: the real host's challenge, untouched, and the entry naming it.
  assert.match(
    stdout,
    /WWW-Authenticate: Bearer authorization_uri="https:\/\/wopi\.contoso\.test:(\d+)\/oauth\/authorize",tokenIssuance_uri="https:\/\/wopi\.contoso\.test:\1\/oauth\/token",providerId="WopiMockHost"/,
  );
  assert.match(stdout, /\nBootstrap \| 401 \| proxy \| https:\/\/wopi\.contoso\.test:\d+\n/);
  assert.equal(stdout.match(/PASSED: /g)?.length, 2, 'the check passes directly and through the proxy');
  assert.match(stdout, /"EcosystemUrl":"https:\/\/localhost:\d+\/wopi\/ecosystem\?access_token=/);
  const har = JSON.parse(await readFile(path.join(dir, 'wopi-mock.har'), 'utf8')) as { log: { version: string; entries: unknown[] } };
  assert.equal(har.log.version, '1.2');
  assert.ok(har.log.entries.length >= 12);
});
