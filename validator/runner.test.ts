import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transport } from './http.js';
import type { TestCaseDefinition } from './model.js';
import type { Target } from './requests.js';
import { Resources } from './resources.js';
import { runTests, summarize, type TargetProvider } from './runner.js';
import { Schemas } from './schemas.js';

const testCase = (name: string): TestCaseDefinition => ({ name, category: 'WopiCore', description: '', failMessage: undefined, requests: [], cleanupRequests: [] });

test('runTests: skip list first, a setup failure fails the test, every acquired file is released', async () => {
  const calls: string[] = [];
  const provider: TargetProvider = {
    async acquire(t) {
      calls.push(`acquire ${t.name}`);
      if (t.name === 'B') throw new Error('CreateChildFile answered 501');
      return { wopiSrc: `https://h/wopi/files/${t.name}`, accessToken: 'tok', accessTokenTtl: 0 };
    },
    async release(target: Target) {
      calls.push(`release ${target.wopiSrc}`);
    },
  };
  const seen: string[] = [];
  const results = await runTests(
    [
      { group: 'G1', test: testCase('A'), prerequisites: [] },
      { group: 'G1', test: testCase('B'), prerequisites: [] },
      { group: 'G2', test: testCase('C'), prerequisites: [] },
    ],
    new Map([['A', 'argued reason']]),
    provider,
    { transport: new Transport(), resources: new Resources([]), schemas: Schemas.fromObjects({}), userAgent: undefined },
    (result) => seen.push(result.name),
  );
  assert.deepEqual(
    results.map((r) => [r.group, r.name, r.status, r.message]),
    [
      ['G1', 'A', 'skipped', 'argued reason'],
      ['G1', 'B', 'failed', 'setup failed: CreateChildFile answered 501'],
      ['G2', 'C', 'passed', undefined],
    ],
  );
  assert.deepEqual(seen, ['A', 'B', 'C']);
  assert.deepEqual(calls, ['acquire B', 'acquire C', 'release https://h/wopi/files/C']);
  assert.deepEqual(summarize(results), {
    groups: [
      { group: 'G1', passed: 0, failed: 1, skipped: 1 },
      { group: 'G2', passed: 1, failed: 0, skipped: 0 },
    ],
    total: { passed: 1, failed: 1, skipped: 1 },
  });
});
