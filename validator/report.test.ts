import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exchange, formatGroupHeading, formatResult, formatSummary, shortenTokens, toJson } from './report.js';
import type { TestResult } from './runner.js';

const token = 'eyJhbGciOiJIUzI1NiJ9.payload.signature123';

const passed: TestResult = {
  group: 'Locks',
  name: 'DoubleLockSequence',
  category: 'WopiCore',
  status: 'passed',
  message: undefined,
  prerequisite: undefined,
  errors: [],
  requests: [],
  host: undefined,
};
const skipped: TestResult = {
  group: 'Locks',
  name: 'UnlockUnlockedFile',
  category: 'WopiCore',
  status: 'skipped',
  message: 'argued reason',
  prerequisite: undefined,
  errors: [],
  requests: [],
  host: undefined,
};
const failed: TestResult = {
  group: 'FileVersion',
  name: 'files.LockReturnsVersion',
  category: 'WopiCore',
  status: 'failed',
  message: 'Lock request failed.',
  prerequisite: undefined,
  host: undefined,
  errors: [`'X-WOPI-ItemVersion' header is not present on the response`],
  requests: [
    {
      operation: 'Lock',
      cleanup: false,
      request: {
        method: 'POST',
        url: `https://h/wopi/files/f?access_token=${token}&access_token_ttl=0`,
        headers: [
          ['X-WOPI-Lock', 'LockString'],
          ['Authorization', `Bearer ${token}`],
        ],
        body: null,
      },
      response: { status: 200, headers: new Map([['content-length', '0']]), body: Buffer.alloc(0), isTextResponse: true, elapsedMs: 3 },
      errors: [`'X-WOPI-ItemVersion' header is not present on the response`],
    },
    { operation: 'Unlock', cleanup: true, request: null, response: null, errors: ['no URL'] },
  ],
};
const prereqFailed: TestResult = {
  ...failed,
  group: 'AddActivities',
  name: 'files.AddActivitiesThreeComments',
  message: 'Prerequisites failed',
  prerequisite: 'AddActivitiesPrereq',
  requests: [],
};

describe('formatResult', () => {
  test('pass and skip are one line', () => {
    assert.equal(formatResult(passed, false), '  Pass: DoubleLockSequence');
    assert.equal(formatResult(skipped, false), '  Skip: UnlockUnlockedFile (skip list: argued reason)');
  });
  test('a failure lists each request with its code and errors', () => {
    assert.equal(
      formatResult(failed, false),
      [
        '  Fail: files.LockReturnsVersion: Lock request failed.',
        '      Lock, response code: 200 OK',
        `        'X-WOPI-ItemVersion' header is not present on the response`,
        '      cleanup Unlock, response code: not sent',
        '        no URL',
      ].join('\n'),
    );
  });
  test('a failed prerequisite says so', () => {
    assert.equal(
      formatResult(prereqFailed, false),
      '  Fail: files.AddActivitiesThreeComments: prerequisite AddActivitiesPrereq failed (the validator reports the test as Skipped and the run as failed)',
    );
  });
  test('--verbose adds the exchange, tokens shortened', () => {
    assert.deepEqual(exchange(failed.requests[0]!), [
      '> POST https://h/wopi/files/f?access_token=eyJhbG…ure123&access_token_ttl=0',
      '> X-WOPI-Lock: LockString',
      '> Authorization: Bearer eyJhbG…ure123',
      '< 200 OK',
      '< content-length: 0',
    ]);
    assert.equal(formatResult(failed, true).split('\n').length, 10);
  });
});

test('shortenTokens leaves short values alone', () => {
  assert.equal(shortenTokens('access_token=INVALID&x=1 Bearer INVALID'), 'access_token=INVALID&x=1 Bearer INVALID');
});

test('formatSummary: one row per group in run order, totals, and the final line', () => {
  assert.equal(
    formatSummary([passed, skipped, failed, prereqFailed]),
    [
      'group          passed  failed  skipped',
      'Locks               1       0        1',
      'FileVersion         0       1        0',
      'AddActivities       0       1        0',
      'total               1       2        1',
      '',
      '1 passed, 2 failed, 1 skipped',
    ].join('\n'),
  );
});

test('against our own mock, the group heading and the table say which host configuration each group ran under', () => {
  assert.equal(formatGroupHeading('Locks', undefined), 'Locks');
  assert.equal(
    formatGroupHeading('PutRelativeFileUnsupported', 'capabilities.putRelativeFile=false'),
    'PutRelativeFileUnsupported  (host: capabilities.putRelativeFile=false)',
  );
  const unsupported: TestResult = {
    ...passed,
    group: 'PutRelativeFileUnsupported',
    name: 'PutRelativeFileUnsupported.SuggestedName',
    host: 'capabilities.putRelativeFile=false',
  };
  assert.equal(
    formatSummary([{ ...passed, host: 'defaults' }, unsupported]),
    [
      'group                       passed  failed  skipped  host',
      'Locks                            1       0        0  defaults',
      'PutRelativeFileUnsupported       1       0        0  capabilities.putRelativeFile=false',
      'total                            2       0        0',
      '',
      '2 passed, 0 failed, 0 skipped',
    ].join('\n'),
  );
  const json = toJson([unsupported], false) as { groups: unknown; tests: Array<Record<string, unknown>> };
  assert.deepEqual(json.groups, [
    { group: 'PutRelativeFileUnsupported', passed: 1, failed: 0, skipped: 0, host: 'capabilities.putRelativeFile=false' },
  ]);
  assert.equal(json.tests[0]!['host'], 'capabilities.putRelativeFile=false');
});

test('toJson', () => {
  const json = toJson([passed, prereqFailed], false) as { summary: unknown; groups: unknown; tests: Array<Record<string, unknown>> };
  assert.deepEqual(json.summary, { passed: 1, failed: 1, skipped: 0 });
  assert.deepEqual(json.groups, [
    { group: 'Locks', passed: 1, failed: 0, skipped: 0 },
    { group: 'AddActivities', passed: 0, failed: 1, skipped: 0 },
  ]);
  assert.deepEqual(json.tests[1], {
    group: 'AddActivities',
    name: 'files.AddActivitiesThreeComments',
    category: 'WopiCore',
    status: 'failed',
    message: 'Prerequisites failed',
    prerequisite: 'AddActivitiesPrereq',
    errors: [`'X-WOPI-ItemVersion' header is not present on the response`],
    requests: [],
  });
});
