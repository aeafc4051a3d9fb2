import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SoakReport } from './report.js';

/**
 * The soak in CI: the real program (`npm run soak`), shortened to SOAK_DURATION (default 40 s),
 * must pass: no unforced error, every operation of the mix served, the fault slice seen (every kind
 * of rule forced answers, Retry-After was waited out and retried, commit-then-fail saves were read
 * back committed), memory flat after warm-up and every bounded structure within its bound. Its report is printed as
 * test diagnostics for the record.
 */

const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test('a short soak: many devices, mixed operations and forced faults, zero unforced errors, flat memory', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-soak-test-'));
  dirs.push(dir);
  const reportFile = path.join(dir, 'report.json');
  const program = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
  const duration = process.env['SOAK_DURATION'] ?? '40s';
  const child = spawn(
    process.execPath,
    [program, '--duration', duration, '--clients', '12', '--sample-every', '3s', '--json-report', reportFile],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const printed = output.slice(output.indexOf('WOPI Mock Host soak report'));
  for (const line of printed.split('\n')) if (line.trim() !== '') t.diagnostic(`soak: ${line}`);
  assert.equal(code, 0, output);

  const report = JSON.parse(await readFile(reportFile, 'utf8')) as SoakReport;
  assert.equal(report.passed, true);
  assert.equal(report.outcomes.unforced, 0, report.unforcedSamples.join('\n'));
  assert.deepEqual(report.missingOperations, []);
  assert.ok(report.requests > 2000, `only ${report.requests} requests`);
  assert.equal(report.outcomes.ok + report.outcomes.intended + report.outcomes.forced, report.requests);
  // The slice of faults and refusals really happened, each kind of it.
  const reasons = Object.keys(report.forcedReasons);
  for (const reason of [
    '500 on Bootstrap (fault rule)',
    '503 on CheckFileInfo (fault rule)',
    'connection dropped on EnumerateChildren (fault rule)',
    '503 on CheckFileInfo (seeded chaos rule)',
    '429 on GetFile (throttle rule, Retry-After)',
    '500 on PutFile (commit-then-fail rule)',
  ])
    assert.ok(reasons.includes(reason), `no "${reason}" among ${reasons.join('; ')}`);
  assert.ok(
    reasons.some((r) => / \(maintenance rule, Retry-After\)$/.test(r)),
    `no maintenance 503 among ${reasons.join('; ')}`,
  );
  const { byKind, retries, commitThenFail } = report.faults;
  for (const [kind, seen] of Object.entries(byKind)) assert.ok(seen.rules > 0 && seen.forced > 0, `${kind}: ${JSON.stringify(seen)}`);
  assert.equal(
    Object.values(byKind).reduce((sum, k) => sum + k.forced, 0),
    report.outcomes.forced,
    'every forced answer is one of the installed rules',
  );
  // Devices waited out Retry-After and the retries were answered; every failed save was found committed.
  assert.ok(retries.waits > 0 && retries.recovered > 0, JSON.stringify(retries));
  assert.ok(commitThenFail.verified > 0, JSON.stringify(commitThenFail));
  assert.equal(commitThenFail.mismatched, 0);
  // Stalled and dribbled answers were read whole: they fired, and no device saw an error for them.
  const bodyActions = report.faults.bodyActions ?? [];
  assert.deepEqual(
    bodyActions.map((b) => b.action),
    ['stall on GetFile', 'dribble on CheckFileInfo'],
  );
  for (const { action, bent } of bodyActions) assert.ok(bent > 0, `${action} never fired`);
  assert.deepEqual(Object.keys(report.intendedReasons).sort(), [
    '401 challenge on Bootstrap without a token',
    '401 on Bootstrap with a forged token',
    '409 on Lock with a foreign lock id, carrying the current lock',
  ]);
  assert.equal(report.memory.passed, true, report.memory.problems.join('\n'));
  assert.ok(report.memory.samples.filter((s) => s.atMs >= report.memory.warmupS * 1000).length >= 4);
  assert.ok(report.memory.bounds.every((b) => b.held));
  assert.ok(report.streamEvents > 0, 'the admin stream subscriber heard nothing');
});

test('the soak fails when it should: a rule no device knows of, and a save passed off as committed that was not, give exactly their 5 + 3 unforced errors and exit 1', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wopi-soak-check-'));
  dirs.push(dir);
  const reportFile = path.join(dir, 'report.json');
  const program = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
  const child = spawn(
    process.execPath,
    [program, '--duration', '10s', '--clients', '2', '--faulty', '0', '--sample-every', '2s', '--self-check', '--json-report', reportFile],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 1, output);
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as SoakReport;
  assert.deepEqual([report.passed, report.outcomes.unforced, report.unforcedSamples.length], [false, 8, 8]);
  const unknownRule =
    / CheckFileInfo: HTTP 500 forced by fault rule f-[0-9a-f]+: Answer 500 on CheckFileInfo, for the next (\d+ requests|request)$/;
  const notCommitted =
    / GetFile: GetFile after a commit-then-fail PutFile: \d+ bytes at version \d+, not the \d+ bytes committed over version \d+$/;
  assert.equal(report.unforcedSamples.filter((s) => unknownRule.test(s)).length, 5, report.unforcedSamples.join('\n'));
  assert.equal(report.unforcedSamples.filter((s) => notCommitted.test(s)).length, 3, report.unforcedSamples.join('\n'));
  assert.equal(report.faults.commitThenFail.mismatched, 3);
  assert.match(output, /RESULT: FAIL/);
});
