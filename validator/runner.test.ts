import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transport } from './http.js';
import type { TestCaseDefinition } from './model.js';
import type { Target } from './requests.js';
import { Resources } from './resources.js';
import { runTests, summarize, type TargetProvider } from './runner.js';
import { Schemas } from './schemas.js';

const testCase = (name: string): TestCaseDefinition => ({
  name,
  category: 'WopiCore',
  description: '',
  failMessage: undefined,
  requests: [],
  cleanupRequests: [],
});

test('runTests: skip list first, a setup failure fails the test, every acquired file is released', async () => {
  const calls: string[] = [];
  const provider: TargetProvider = {
    acquire(t) {
      calls.push(`acquire ${t.name}`);
      if (t.name === 'B') return Promise.reject(new Error('CreateChildFile answered 501'));
      return Promise.resolve({ wopiSrc: `https://h/wopi/files/${t.name}`, accessToken: 'tok', accessTokenTtl: 0 });
    },
    release(target: Target) {
      calls.push(`release ${target.wopiSrc}`);
      return Promise.resolve();
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

const requiring = (name: string, property: string, expectedValue: string): TestCaseDefinition => ({
  ...testCase(name),
  requests: [
    {
      operation: 'CheckFileInfo',
      attributes: {},
      validators: [
        {
          kind: 'JsonResponseContent',
          shouldExist: true,
          properties: [
            {
              kind: 'BooleanProperty',
              name: property,
              isRequired: true,
              expectedValue,
              expectedStateKey: undefined,
              endsWith: undefined,
              shouldMatch: true,
              mustIncludeAccessToken: false,
              ignoreCase: false,
            },
          ],
        },
      ],
      stateSavers: [],
      mutators: [],
      requestBody: undefined,
    },
  ],
});

test('runTests: the host is configured once per group, from its prerequisites, before its first test; results say how', async () => {
  const calls: string[] = [];
  const provider: TargetProvider = {
    configureFor(requirements) {
      calls.push(`configure ${JSON.stringify(requirements.capabilities)}`);
      if (requirements.capabilities.putRelativeFile === false) return Promise.reject(new Error('PUT /api/config answered 507'));
      return Promise.resolve(`host ${JSON.stringify(requirements.capabilities)}`);
    },
    acquire(t) {
      calls.push(`acquire ${t.name}`);
      // Nothing listens on port 1: the prerequisites' CheckFileInfo gets no answer, which is fine here.
      return Promise.resolve({ wopiSrc: `https://127.0.0.1:1/wopi/files/${t.name}`, accessToken: 'tok', accessTokenTtl: 0 });
    },
    async release() {},
  };
  const transport = new Transport({ timeoutMs: 5000 });
  const results = await runTests(
    [
      { group: 'G1', test: testCase('A'), prerequisites: [] },
      { group: 'G1', test: testCase('B'), prerequisites: [] },
      { group: 'G2', test: testCase('C'), prerequisites: [requiring('ContainersUnsupportedPrereq', 'SupportsContainers', 'false')] },
      { group: 'G3', test: testCase('D'), prerequisites: [requiring('UserCanNotWriteRelativePrereq', 'UserCanNotWriteRelative', 'true')] },
      { group: 'G3', test: testCase('E'), prerequisites: [requiring('UserCanNotWriteRelativePrereq', 'UserCanNotWriteRelative', 'true')] },
    ],
    new Map(),
    provider,
    { transport, resources: new Resources([]), schemas: Schemas.fromObjects({}), userAgent: undefined },
  );
  transport.close();
  assert.deepEqual(calls, [
    'configure {}',
    'acquire A',
    'acquire B',
    'configure {"containers":false}',
    'acquire C',
    'configure {"putRelativeFile":false}',
  ]);
  const setupFailure = 'setup failed: could not configure the host for group G3: PUT /api/config answered 507';
  assert.deepEqual(
    results.map((r) => [
      r.group,
      r.name,
      r.status,
      r.host,
      r.prerequisite,
      r.status === 'failed' && !r.prerequisite ? r.message : undefined,
    ]),
    [
      ['G1', 'A', 'passed', 'host {}', undefined, undefined],
      ['G1', 'B', 'passed', 'host {}', undefined, undefined],
      ['G2', 'C', 'failed', 'host {"containers":false}', 'ContainersUnsupportedPrereq', undefined],
      ['G3', 'D', 'failed', undefined, undefined, setupFailure],
      ['G3', 'E', 'failed', undefined, undefined, setupFailure],
    ],
  );
  assert.deepEqual(summarize(results).groups, [
    { group: 'G1', passed: 2, failed: 0, skipped: 0, host: 'host {}' },
    { group: 'G2', passed: 0, failed: 1, skipped: 0, host: 'host {"containers":false}' },
    { group: 'G3', passed: 0, failed: 2, skipped: 0 },
  ]);
});

test('runTests: a provider that cannot configure the host (an external one) runs every group as the host is', async () => {
  const provider: TargetProvider = {
    acquire: (t) => Promise.resolve({ wopiSrc: `https://h/wopi/files/${t.name}`, accessToken: 'tok', accessTokenTtl: 0 }),
    release: async () => {},
  };
  const results = await runTests([{ group: 'G', test: testCase('A'), prerequisites: [] }], new Map(), provider, {
    transport: new Transport(),
    resources: new Resources([]),
    schemas: Schemas.fromObjects({}),
    userAgent: undefined,
  });
  assert.deepEqual(
    results.map((r) => [r.status, r.host]),
    [['passed', undefined]],
  );
  assert.deepEqual(summarize(results).groups, [{ group: 'G', passed: 1, failed: 0, skipped: 0 }]);
});
