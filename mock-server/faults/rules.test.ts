import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { explainRule, pickRule } from './rules.js';
import type { FaultRule } from '../state/config-schema.js';

const rules: FaultRule[] = [
  { id: 'a', operation: 'Bootstrap', userId: 'alice', status: 401, remaining: 1 },
  { id: 'b', operation: 'Bootstrap', status: 500 },
  { id: 'c', operation: '*', method: 'POST', delayMs: 250 },
];

describe('pickRule', () => {
  const cases: Array<[string, Parameters<typeof pickRule>[1], string | undefined]> = [
    ['user-scoped rule wins for its user (list order)', { operation: 'Bootstrap', method: 'GET', userId: 'alice' }, 'a'],
    ['falls through to the unscoped rule for another user', { operation: 'Bootstrap', method: 'GET', userId: 'bob' }, 'b'],
    ['unknown caller only matches unscoped rules', { operation: 'Bootstrap', method: 'GET', userId: null }, 'b'],
    ['wildcard operation with a method filter', { operation: 'Token', method: 'POST', userId: null }, 'c'],
    ['method filter excludes', { operation: 'Token', method: 'GET', userId: null }, undefined],
  ];
  for (const [name, target, expected] of cases) test(name, () => assert.equal(pickRule(rules, target)?.id, expected));
});

describe('explainRule', () => {
  const cases: Array<[FaultRule, string]> = [
    [rules[0]!, 'Answer 401 on Bootstrap for user alice, for the next request'],
    [rules[1]!, 'Answer 500 on Bootstrap, until removed'],
    [rules[2]!, 'Delay 250 ms on POST every operation, until removed'],
    [
      { id: 'd', operation: 'GetFile', delayMs: 100, status: 503, remaining: 3 },
      'Delay 100 ms, then answer 503 on GetFile, for the next 3 requests',
    ],
    [{ id: 'e', operation: 'CheckFileInfo', dropConnection: true }, 'Drop the connection on CheckFileInfo, until removed'],
    [
      { id: 'f', operation: 'GetFile', body: { kind: 'truncate', cutBytes: 1 }, remaining: 1 },
      'Cut the last 1 byte of the body and close on GetFile, for the next request',
    ],
    [
      { id: 'g', operation: 'GetFile', delayMs: 50, body: { kind: 'reset', afterBytes: 100 } },
      'Delay 50 ms, then reset the connection after 100 body bytes on GetFile, until removed',
    ],
    [{ id: 'h', operation: 'CheckFileInfo', body: { kind: 'malformedJson' } }, 'Send malformed JSON on CheckFileInfo, until removed'],
    [{ id: 'i', operation: 'Lock', body: { kind: 'empty200' } }, 'Answer an empty 200 on Lock, until removed'],
    [
      { id: 'j', operation: 'CheckFileInfo', status: 503, body: { kind: 'contentType', value: 'text/html' } },
      'Answer 503, then send the body as text/html on CheckFileInfo, until removed',
    ],
    [{ id: 'k', operation: 'GetFile', body: { kind: 'stall', ms: 5000 } }, 'Stall 5000 ms after the headers on GetFile, until removed'],
    [
      { id: 'l', operation: 'GetFile', body: { kind: 'dribble', bytesPerSecond: 100 } },
      'Send the body at 100 bytes/s on GetFile, until removed',
    ],
  ];
  for (const [rule, sentence] of cases) test(sentence, () => assert.equal(explainRule(rule), sentence));
});
