import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineCounters } from '../mock-server/engine.js';
import { judgeMemory } from './report.js';
import type { MemorySample } from './ipc.js';

/** The memory verdict on made-up samples: what passes, and each way it fails. */

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
