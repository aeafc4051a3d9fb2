import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestCaseDefinition, TestSuite } from './model.js';
import { parseCategories, selectTests, SelectionError } from './selection.js';
import { parseSkipList, SkipListError } from './skip-list.js';

const testCase = (name: string, category: TestCaseDefinition['category']): TestCaseDefinition => ({
  name,
  category,
  description: '',
  failMessage: undefined,
  requests: [],
  cleanupRequests: [],
});

const suite: TestSuite = {
  resources: [],
  prereqCases: [testCase('CorePrereq', 'WopiCore'), testCase('CoauthPrereq', 'WopiCoauth')],
  groups: [
    {
      name: 'Files',
      hasDelay: false,
      prereqNames: ['CorePrereq'],
      testCases: [testCase('A', 'WopiCore'), testCase('B', 'OfficeNativeClient'), testCase('C', 'OfficeOnline')],
    },
    { name: 'Coauth', hasDelay: false, prereqNames: ['CoauthPrereq'], testCases: [testCase('D', 'WopiCoauth')] },
    { name: 'More', hasDelay: false, prereqNames: [], testCases: [testCase('A', 'WopiCore'), testCase('E', 'WopiCore')] },
  ],
};
const names = (selected: ReturnType<typeof selectTests>) =>
  selected.map((s) => `${s.group}/${s.test.name}:${s.prerequisites.map((p) => p.name).join('+')}`);

describe('selectTests', () => {
  test('WopiCore always runs; other categories when chosen; groups whose tests are all out of scope are not resolved', () => {
    assert.deepEqual(names(selectTests(suite, { categories: ['WopiCore', 'OfficeNativeClient'] })), [
      'Files/A:CorePrereq',
      'Files/B:CorePrereq',
      'More/A:',
      'More/E:',
    ]);
    assert.deepEqual(names(selectTests(suite, { categories: ['WopiCore'] })), ['Files/A:CorePrereq', 'More/A:', 'More/E:']);
    assert.deepEqual(names(selectTests(suite, { categories: ['OfficeNativeClient'] })), [
      'Files/A:CorePrereq',
      'Files/B:CorePrereq',
      'More/A:',
      'More/E:',
    ]);
  });
  test('--group and --test (the first test of that name, as the validator picks it)', () => {
    assert.deepEqual(names(selectTests(suite, { categories: ['WopiCore'], group: 'More' })), ['More/A:', 'More/E:']);
    assert.deepEqual(names(selectTests(suite, { categories: ['WopiCore'], test: 'A' })), ['Files/A:CorePrereq']);
  });
  test('unknown names and out-of-scope categories are errors', () => {
    assert.throws(
      () => selectTests(suite, { categories: ['WopiCore'], group: 'Nope' }),
      new SelectionError('no test group is named "Nope"; groups: Files, Coauth, More'),
    );
    assert.throws(
      () => selectTests(suite, { categories: ['WopiCore'], test: 'B' }),
      new SelectionError('no test named "B" in the chosen categories'),
    );
    assert.throws(
      () => selectTests(suite, { categories: ['WopiCoauth'] }),
      new SelectionError('category WopiCoauth is out of scope for this runner (it runs WopiCore and OfficeNativeClient)'),
    );
  });
  test('a missing prerequisite of a selected group is an error', () => {
    const broken: TestSuite = {
      ...suite,
      groups: [{ name: 'G', hasDelay: false, prereqNames: ['Ghost'], testCases: [testCase('X', 'WopiCore')] }],
    };
    assert.throws(
      () => selectTests(broken, { categories: ['WopiCore'] }),
      new SelectionError('Could not find a prereq test case named Ghost (group G)'),
    );
  });
});

test('parseCategories', () => {
  assert.deepEqual(parseCategories('wopicore, OfficeNativeClient'), ['WopiCore', 'OfficeNativeClient']);
  assert.throws(
    () => parseCategories('Mobile'),
    new SelectionError('unknown category "Mobile"; categories are WopiCore, OfficeOnline, OfficeNativeClient, WopiCoauth'),
  );
  assert.throws(() => parseCategories(' , '), new SelectionError('--category needs at least one category'));
});

describe('parseSkipList', () => {
  const known = new Set(['A', 'E']);
  test('the checked-in list is empty', () => assert.deepEqual(parseSkipList('[]\n', known), new Map()));
  test('entries name a test and argue the skip', () => {
    assert.deepEqual(
      parseSkipList('[{"test":"A","reason":"  the validator cannot run it as written  "}]', known),
      new Map([['A', 'the validator cannot run it as written']]),
    );
  });
  const broken: Array<[string, string, string]> = [
    ['not JSON', '[', 'skip-list.json is not JSON'],
    ['not a list', '{}', 'skip-list.json must be a JSON array of { "test": "<name>", "reason": "<why>" }'],
    ['no reason', '[{"test":"A"}]', 'skip-list.json entry 1 (A) needs a "reason" arguing the skip'],
    ['blank reason', '[{"test":"A","reason":" "}]', 'skip-list.json entry 1 (A) needs a "reason" arguing the skip'],
    ['no test', '[{"reason":"r"}]', 'skip-list.json entry 1 needs a "test" name'],
    ['unknown test', '[{"test":"Z","reason":"r"}]', 'skip-list.json entry 1 names "Z", which is not a test in TestCases.xml'],
    ['duplicate', '[{"test":"A","reason":"r"},{"test":"A","reason":"r"}]', 'skip-list.json entry 2 lists "A" a second time'],
    ['extra field', '[{"test":"A","reason":"r","until":"later"}]', 'skip-list.json entry 1 has unknown field "until"'],
  ];
  for (const [name, text, message] of broken) {
    test(`rejects: ${name}`, () =>
      assert.throws(
        () => parseSkipList(text, known),
        (error: unknown) => error instanceof SkipListError && error.message.startsWith(message),
      ));
  }
});
