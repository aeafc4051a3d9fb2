import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineCounters } from '../mock-server/engine.js';
import { formatReport, judgeMemory, summarizeFaults, type SoakReport } from './report.js';
import type { MemorySample } from './ipc.js';
import type { InstalledRule } from './fault-plan.js';

/** The memory verdict on made-up samples: what passes, and each way it fails; the fault counts and how they are printed. */

const MiB = 2 ** 20;
const counters = (over: Partial<EngineCounters> = {}): EngineCounters => ({
  logEntries: 5000,
  logCapacity: 5000,
  verifiedTokens: 100,
  issuedTokens: 100,
  openCodes: 0,
  usedCodes: 0,
  storedResources: 10,
  ...over,
});
const series = (heapMiB: (i: number) => number, rssMiB: (i: number) => number, over: (i: number) => Partial<EngineCounters> = () => ({})) =>
  Array.from({ length: 12 }, (_, i): MemorySample & { atMs: number } => ({
    atMs: i * 10_000,
    uptimeMs: i * 10_000,
    rss: rssMiB(i) * MiB,
    heapUsed: heapMiB(i) * MiB,
    heapTotal: 0,
    external: 0,
    arrayBuffers: 0,
    counters: counters(over(i)),
  }));
const limits = { heapGrowthMiB: 24, rssGrowthMiB: 64 };
const codes = { users: 10, codeTtlMs: 10_000, redemptions: [], endedAt: 110_000 };

describe('judgeMemory', () => {
  test('growth during warm-up, then flat with noise: passes', () => {
    const verdict = judgeMemory(
      series(
        (i) => (i < 3 ? 20 + i * 15 : 60 + (i % 2)),
        (i) => (i < 3 ? 150 + i * 40 : 270 + (i % 3) * 10),
      ),
      30_000,
      limits,
      codes,
    );
    assert.deepEqual(verdict.problems, []);
    assert.equal(verdict.passed, true);
  });

  test('a heap that keeps growing after warm-up fails, with the amount', () => {
    const verdict = judgeMemory(
      series(
        (i) => 50 + i * 5,
        () => 200,
      ),
      30_000,
      limits,
      codes,
    );
    assert.deepEqual(verdict.problems, ['the heap grew 30.0 MiB after warm-up (limit 24 MiB)']);
  });

  test('an RSS that keeps growing fails too', () => {
    const verdict = judgeMemory(
      series(
        () => 50,
        (i) => 200 + i * 12,
      ),
      30_000,
      limits,
      codes,
    );
    assert.deepEqual(verdict.problems, ['RSS grew 72.0 MiB after warm-up (limit 64 MiB)']);
  });

  test('a structure past its bound at any sample fails, even if it shrank again', () => {
    const verdict = judgeMemory(
      series(
        () => 50,
        () => 200,
        (i) => ({ verifiedTokens: i === 5 ? 10_001 : 10_000, logEntries: i === 7 ? 5001 : 5000 }),
      ),
      30_000,
      limits,
      codes,
    );
    assert.deepEqual(verdict.problems, [
      'request log entries (ring): 5001 exceeds its bound 5000',
      'verified-token cache: 10001 exceeds its bound 10000',
    ]);
  });

  test('used codes that were never purged fail: more than were redeemed within a code lifetime and a purge interval', () => {
    const redemptions = Array.from({ length: 100 }, (_, i) => i * 1000);
    const verdict = judgeMemory(
      series(
        () => 50,
        () => 200,
        () => ({ usedCodes: 100 }),
      ),
      30_000,
      limits,
      { ...codes, redemptions },
    );
    assert.deepEqual(verdict.problems, ['used authorization codes (purged): 100 exceeds its bound 23']);
  });

  test('too few samples after warm-up is a failure, not a pass', () => {
    const verdict = judgeMemory(
      series(
        () => 50,
        () => 200,
      ),
      100_000,
      limits,
      codes,
    );
    assert.deepEqual(verdict.problems, [
      'only 2 memory samples after the warm-up; lengthen --duration or shorten --sample-every (at least 4 are needed)',
    ]);
  });
});

describe('fault rule counts', () => {
  const rules: InstalledRule[] = [
    { id: 'f-1', kind: 'device', userId: 'u1', operation: 'CheckFileInfo', drop: false },
    { id: 'f-2', kind: 'device', userId: 'u1', operation: 'EnumerateChildren', drop: true },
    { id: 'soak-chaos-503', kind: 'chaos', operation: 'CheckFileInfo', drop: false },
    { id: 'soak-throttle-429-1', kind: 'throttle', operation: 'GetFile', drop: false },
    { id: 'soak-throttle-429-2', kind: 'throttle', operation: 'GetFile', drop: false },
    { id: 'soak-maintenance-503-1', kind: 'maintenance', operation: '*', exceptOperations: ['Authorize', 'Token'], drop: false },
    { id: 'soak-commit-then-fail-500', kind: 'commitThenFail', operation: 'PutFile', drop: false },
  ];
  const seen = {
    forcedByRule: new Map([
      ['f-1', 4],
      ['f-2', 6],
      ['soak-chaos-503', 7],
      ['soak-throttle-429-1', 3],
      ['soak-throttle-429-2', 2],
      ['soak-commit-then-fail-500', 9],
    ]),
    retries: { waits: 5, waitedMs: 5000, recovered: 4, abandoned: 1 },
    commitThenFail: { verified: 8, mismatched: 0, unverified: 1 },
  };

  test('forced answers are summed per kind of rule, with how many rules of each kind there were', () => {
    const faults = summarizeFaults(rules, seen);
    assert.deepEqual(faults.byKind, {
      device: { rules: 2, forced: 10 },
      chaos: { rules: 1, forced: 7 },
      throttle: { rules: 2, forced: 5 },
      maintenance: { rules: 1, forced: 0 },
      commitThenFail: { rules: 1, forced: 9 },
    });
    assert.deepEqual(faults.retries, seen.retries);
    assert.deepEqual(faults.commitThenFail, seen.commitThenFail);
  });

  test('the summary is a copy: counting on after it was taken does not change it', () => {
    const retries = { ...seen.retries };
    const faults = summarizeFaults(rules, { ...seen, retries });
    retries.waits++;
    assert.equal(faults.retries.waits, 5);
  });

  test('the report prints each kind that had rules, flags one that never fired, and the retry and read-back counts', () => {
    const memory = judgeMemory(
      series(
        () => 50,
        () => 200,
      ),
      30_000,
      limits,
      codes,
    );
    const report: SoakReport = {
      durationS: 60,
      devices: { total: 8, faulty: 1, freshConnections: 1 },
      requests: 1000,
      requestsPerSecond: 17,
      outcomes: { ok: 969, intended: 0, forced: 31, unforced: 0 },
      forcedReasons: {},
      faults: {
        ...summarizeFaults(
          rules.filter((r) => r.kind !== 'device'),
          seen,
        ),
        bodyActions: [
          { id: 's', action: 'stall on GetFile', bent: 12 },
          { id: 'd', action: 'dribble on CheckFileInfo', bent: 0 },
        ],
      },
      intendedReasons: {},
      unforcedSamples: [],
      latencyMs: { p50: 1, p99: 2 },
      operations: [],
      streamEvents: 1,
      memory,
      missingOperations: [],
      passed: true,
    };
    const lines = formatReport(report, limits).split('\n');
    const section = lines.slice(lines.indexOf('  fault rules'), lines.indexOf('  fault rules') + 9);
    assert.deepEqual(section, [
      '  fault rules',
      '    seeded chaos 503                   7 forced by 1 rule',
      '    429 + Retry-After bursts           5 forced by 2 rules',
      '    503 + Retry-After on *             0 forced by 1 rule  (never fired)',
      '    commit-then-fail PutFile           9 forced by 1 rule',
      '  Retry-After honoured 5 waits (5.0 s), 4 retried requests answered, 1 given up',
      '  commit-then-fail     8 failed saves read back committed, 0 not committed, 1 could not be read back',
      '  body action          stall on GetFile: 12 answers bent, each arrived whole',
      '  body action          dribble on CheckFileInfo: 0 answers bent, each arrived whole  (never fired)',
    ]);
  });
});
