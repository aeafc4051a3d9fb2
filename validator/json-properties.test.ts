import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResponseData } from './http.js';
import { checkProperty, jsonResponseContent } from './json-properties.js';
import type { PropertyDefinition } from './model.js';
import type { SavedState } from './state.js';

function response(status: number, headers: Record<string, string> = {}, body = ''): ResponseData {
  return { status, headers: new Map(Object.entries(headers)), body: Buffer.from(body), isTextResponse: true, elapsedMs: 1 };
}

const property = (kind: PropertyDefinition['kind'], name: string, overrides: Partial<PropertyDefinition> = {}): PropertyDefinition => ({
  kind,
  name,
  isRequired: false,
  expectedValue: undefined,
  expectedStateKey: undefined,
  endsWith: undefined,
  shouldMatch: true,
  mustIncludeAccessToken: false,
  ignoreCase: false,
  ...overrides,
});
const noState: SavedState = new Map();

describe('JsonResponseContentValidator property checks', () => {
  test('BooleanProperty: required, typed comparison, True/False in messages', () => {
    assert.equal(
      checkProperty(property('BooleanProperty', 'SupportsLocks', { isRequired: true, expectedValue: 'true' }), true, noState),
      null,
    );
    assert.equal(
      checkProperty(property('BooleanProperty', 'SupportsLocks', { isRequired: true, expectedValue: 'true' }), undefined, noState),
      'Required property missing',
    );
    assert.equal(
      checkProperty(property('BooleanProperty', 'SupportsLocks', { expectedValue: 'true' }), false, noState),
      `Expected: 'True', Actual: 'False'`,
    );
    assert.equal(checkProperty(property('BooleanProperty', 'SupportsLocks', { expectedValue: 'false' }), undefined, noState), null);
  });
  test('BooleanProperty compared with a saved True/False (IsEduUser parent vs child)', () => {
    const state: SavedState = new Map([['IsEduUserParentContainer', 'False']]);
    assert.equal(
      checkProperty(
        property('BooleanProperty', 'IsEduUser', { isRequired: true, expectedStateKey: 'IsEduUserParentContainer' }),
        false,
        state,
      ),
      null,
    );
    assert.equal(
      checkProperty(
        property('BooleanProperty', 'IsEduUser', { isRequired: true, expectedStateKey: 'IsEduUserParentContainer' }),
        true,
        state,
      ),
      `Expected: '', Actual: 'True'`,
    );
    assert.equal(
      checkProperty(property('BooleanProperty', 'IsEduUser', { expectedStateKey: 'Bad' }), true, new Map([['Bad', 'maybe']])),
      'ExpectedStateValue should be of type : System.Boolean',
    );
  });
  test('LongProperty and IntegerProperty: present, or equal', () => {
    assert.equal(checkProperty(property('LongProperty', 'Size', { isRequired: true }), 12, noState), null);
    assert.equal(checkProperty(property('LongProperty', 'Size', { isRequired: true }), undefined, noState), 'Required property missing');
    assert.equal(checkProperty(property('IntegerProperty', 'Count', { expectedValue: '2' }), 3, noState), `Expected: '2', Actual: '3'`);
    assert.equal(
      checkProperty(property('IntegerProperty', 'Count', { expectedValue: '2' }), 'two', noState),
      `Expected: '2', Actual: 'two'`,
    );
  });
  test('StringProperty: exact, case-insensitive, EndsWith, and the empty string counts as missing', () => {
    assert.equal(
      checkProperty(property('StringProperty', 'Name', { expectedValue: 'madeupname.wopitestx' }), 'madeupname.wopitestx', noState),
      null,
    );
    assert.equal(
      checkProperty(property('StringProperty', 'Name', { expectedValue: 'MadeUpName.wopitestx' }), 'madeupname.wopitestx', noState),
      `Expected: 'MadeUpName.wopitestx', Actual: 'madeupname.wopitestx'`,
    );
    assert.equal(
      checkProperty(
        property('StringProperty', 'Name', { expectedValue: 'MadeUpName.wopitestx', ignoreCase: true }),
        'madeupname.wopitestx',
        noState,
      ),
      null,
    );
    assert.equal(
      checkProperty(
        property('StringProperty', 'BaseFileName', { isRequired: true, endsWith: '.WOPITEST', ignoreCase: true }),
        'a.wopitest',
        noState,
      ),
      null,
    );
    assert.equal(
      checkProperty(property('StringProperty', 'Name', { isRequired: true, endsWith: '.wopitestx' }), 'a.wopitest', noState),
      `Expected to end with: '.wopitestx', Actual: 'a.wopitest'`,
    );
    assert.equal(checkProperty(property('StringProperty', 'Version', { isRequired: true }), '', noState), 'Required property missing');
    assert.equal(
      checkProperty(
        property('StringProperty', 'Version', { expectedStateKey: 'VersionOnUnlock' }),
        '5',
        new Map([['VersionOnUnlock', '5']]),
      ),
      null,
    );
    assert.equal(
      checkProperty(property('StringProperty', 'Version', { expectedStateKey: 'VersionOnUnlock' }), 5, new Map([['VersionOnUnlock', '5']])),
      null,
    );
  });
  test('StringRegexProperty: ShouldMatch both ways; a missing optional value passes', () => {
    const notDotted = property('StringRegexProperty', 'BaseFileName', { expectedValue: '^\\..*$', shouldMatch: false });
    assert.equal(checkProperty(notDotted, 'a.wopitest', noState), null);
    assert.equal(
      checkProperty(notDotted, '.wopitest', noState),
      `Value '.wopitest' matched the regular expression, but should not '^\\..*$'`,
    );
    assert.equal(checkProperty(notDotted, undefined, noState), null);
    assert.equal(checkProperty(notDotted, null, noState), `Value null doesn't match the expected regular expression '^\\..*$'`);
    assert.equal(
      checkProperty(property('StringRegexProperty', 'X', { expectedValue: '^a', shouldMatch: true }), 'ba', noState),
      `Value 'ba' doesn't match the expected regular expression '^a'`,
    );
  });
  test('AbsoluteUrlProperty: absolute, and with MustIncludeAccessToken an access_token parameter', () => {
    const url = property('AbsoluteUrlProperty', 'Url', { isRequired: true, mustIncludeAccessToken: true });
    assert.equal(checkProperty(url, 'https://h/wopi/files/f?access_token=t', noState), null);
    assert.equal(
      checkProperty(url, 'https://h/wopi/files/f', noState),
      `URL 'https://h/wopi/files/f' does not include the 'access_token' query parameter`,
    );
    assert.equal(checkProperty(url, '/wopi/files/f', noState), 'Cannot parse /wopi/files/f as absolute URL');
    assert.equal(checkProperty(url, '', noState), 'Value is required but not provided.');
    assert.equal(checkProperty(property('AbsoluteUrlProperty', 'HostEditUrl'), undefined, noState), null);
  });
  test('ArrayProperty: present and non-empty, or containing a value case-insensitively', () => {
    assert.equal(checkProperty(property('ArrayProperty', 'SupportedShareUrlTypes', { isRequired: true }), ['ReadOnly'], noState), null);
    assert.equal(
      checkProperty(property('ArrayProperty', 'SupportedShareUrlTypes', { isRequired: true }), [], noState),
      'Required property missing',
    );
    assert.equal(
      checkProperty(
        property('ArrayProperty', 'SupportedShareUrlTypes', { expectedValue: 'readwrite' }),
        ['ReadOnly', 'ReadWrite'],
        noState,
      ),
      null,
    );
    assert.equal(
      checkProperty(property('ArrayProperty', 'SupportedShareUrlTypes', { expectedValue: 'ReadWrite' }), ['ReadOnly'], noState),
      `Expected: 'ReadWrite', Actual: '["ReadOnly"]'`,
    );
  });
  test('ArrayLengthProperty and ResponseBodyProperty', () => {
    assert.equal(
      checkProperty(property('ArrayLengthProperty', 'CoauthTable', { isRequired: true, expectedValue: '2' }), [1, 2], noState),
      null,
    );
    assert.equal(
      checkProperty(property('ArrayLengthProperty', 'CoauthTable', { isRequired: true, expectedValue: '2' }), [1], noState),
      `Expected array to be of length '2', Actual: '1'`,
    );
    assert.equal(
      checkProperty(property('ArrayLengthProperty', 'CoauthTable', { isRequired: true, expectedValue: '2' }), 'x', noState),
      `Value is of 'String' type and is not an array type`,
    );
    const expected = JSON.stringify([
      { CoauthLockId: 'b', Expiry: '*' },
      { CoauthLockId: 'a', Expiry: '*' },
    ]);
    const body = property('ResponseBodyProperty', 'CoauthTable', { isRequired: true, expectedValue: expected });
    assert.equal(
      checkProperty(
        body,
        [
          { CoauthLockId: 'a', Expiry: 1 },
          { CoauthLockId: 'b', Expiry: 2 },
        ],
        noState,
      ),
      null,
    );
    assert.equal(
      checkProperty(body, [{ CoauthLockId: 'a', Expiry: 1 }], noState),
      `\nExpected: '[{"CoauthLockId":"a","Expiry":"*"},{"CoauthLockId":"b","Expiry":"*"}]', \nActual: '[{"CoauthLockId":"a","Expiry":"*"}]'`,
    );
  });
  test('whole-body rules: ShouldExist, non-JSON bodies, error prefix', () => {
    const props = [property('BooleanProperty', 'SupportsLocks', { isRequired: true, expectedValue: 'true' })];
    assert.deepEqual(jsonResponseContent(props, true, response(200, {}, ''), noState), [
      "Response body should exist, but couldn't read resource content.",
    ]);
    assert.deepEqual(jsonResponseContent([], false, response(200, {}, ''), noState), []);
    assert.deepEqual(jsonResponseContent([], false, response(200, {}, '{}'), noState), ["Response body shouldn't exist."]);
    assert.deepEqual(jsonResponseContent(props, true, response(200, {}, 'nope'), noState), [
      'JsonContentValidator: JsonReaderException thrown while parsing JSON. Are you sure the response is JSON?',
    ]);
    assert.deepEqual(jsonResponseContent(props, true, response(200, {}, '{"SupportsLocks":false}'), noState), [
      `Incorrect value for 'SupportsLocks' property. Expected: 'True', Actual: 'False'`,
    ]);
  });
});
