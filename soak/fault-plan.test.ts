import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { faultRuleInputSchema } from '../mock-server/state/config-schema.js';
import { ruleMatches } from '../mock-server/faults/rules.js';
import type { FaultRule } from '../mock-server/state/config-schema.js';
import type { OperationName } from '../mock-server/protocol/operations.js';
import { burstRules, forcedRuleId, retryAfterMs, ruleApplies, steadyRules, type InstalledRule } from './fault-plan.js';

/** The soak's own fault rules: valid for the host, and recognised by the devices exactly where the host would fire them. */

describe('the planned rules', () => {
  const planned = [...steadyRules(), ...burstRules(1), ...burstRules(2)];

  test('every one is a rule the host accepts, with its own id, and bursts get new ids', () => {
    for (const { body } of planned) assert.equal(faultRuleInputSchema.safeParse(body).success, true, JSON.stringify(body));
    const ids = planned.map((p) => p.rule.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(
      planned.map((p) => p.rule.kind),
      ['chaos', 'commitThenFail', 'throttle', 'maintenance', 'throttle', 'maintenance'],
    );
  });

  test('a device counts a rule as applying exactly where the host matches it', () => {
    const operations: OperationName[] = ['CheckFileInfo', 'GetFile', 'PutFile', 'Authorize', 'Token', 'Bootstrap', 'Lock'];
    for (const { body, rule } of planned)
      for (const operation of operations)
        for (const userId of ['soak-000', 'soak-001'])
          assert.equal(
            ruleApplies(rule, userId, operation),
            ruleMatches(body as unknown as FaultRule, { operation, method: 'POST', userId }),
            `${rule.id} on ${operation}`,
          );
  });
});

describe('ruleApplies', () => {
  const own: InstalledRule = { id: 'f-1', kind: 'device', userId: 'soak-000', operation: 'CheckFileInfo', drop: false };

  test("a device's rule applies to its user only, and to its operation only", () => {
    assert.equal(ruleApplies(own, 'soak-000', 'CheckFileInfo'), true);
    assert.equal(ruleApplies(own, 'soak-001', 'CheckFileInfo'), false);
    assert.equal(ruleApplies(own, 'soak-000', 'GetFile'), false);
  });

  test("'*' applies to every operation but the excepted ones", () => {
    const star: InstalledRule = { id: 'm', kind: 'maintenance', operation: '*', exceptOperations: ['Token'], drop: false };
    assert.equal(ruleApplies(star, 'anyone', 'PutFile'), true);
    assert.equal(ruleApplies(star, 'anyone', 'Token'), false);
  });
});

describe('forcedRuleId', () => {
  test('names the rule of a forced answer, also a commit-then-fail one, and nothing else', () => {
    assert.equal(forcedRuleId('forced by fault rule soak-chaos-503: Answer 503 on CheckFileInfo'), 'soak-chaos-503');
    assert.equal(
      forcedRuleId('forced by fault rule f-1a2b: the change was committed (PutFile answered 200), then answered 500 instead'),
      'f-1a2b',
    );
    assert.equal(forcedRuleId('the file is locked; forced by fault rule f-1: x'), null);
    assert.equal(forcedRuleId(''), null);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-10-21T07:28:00Z');

  test('seconds and HTTP dates, capped', () => {
    assert.equal(retryAfterMs('1', now, 2000), 1000);
    assert.equal(retryAfterMs(' 120 ', now, 2000), 2000);
    assert.equal(retryAfterMs('Wed, 21 Oct 2026 07:28:01 GMT', now, 2000), 1000);
    assert.equal(retryAfterMs('Wed, 21 Oct 2026 07:27:00 GMT', now, 2000), 0);
  });

  test('no header, or one that is neither, gives no wait', () => {
    assert.equal(retryAfterMs(undefined, now, 2000), null);
    assert.equal(retryAfterMs('soon', now, 2000), null);
    assert.equal(retryAfterMs('-1', now, 2000), null);
  });
});
