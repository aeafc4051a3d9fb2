import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FormatError,
  JsonTokenError,
  parseJsonObject,
  selectToken,
  stringToBoolean,
  stringToInteger,
  tokenToBoolean,
  tokenToInteger,
  tokenToString,
} from './json-token.js';

const body = parseJsonObject(
  JSON.stringify({
    Url: 'https://h/wopi/files/f?access_token=t',
    Nothing: null,
    ContainerPointer: { Name: 'Documents', Url: 'https://h/wopi/containers/c?access_token=t' },
    AncestorsWithRootFirst: [
      { Name: 'root', Url: 'https://h/wopi/containers/root?access_token=a' },
      { Name: 'child', Url: 'https://h/wopi/containers/child?access_token=b' },
    ],
    ChildFiles: [{ Name: 'a.wopitest', Size: 12 }],
  }),
);

describe('selectToken (Json.NET SelectToken)', () => {
  const cases: Array<[string, unknown]> = [
    ['Url', 'https://h/wopi/files/f?access_token=t'],
    ['ContainerPointer.Url', 'https://h/wopi/containers/c?access_token=t'],
    ['AncestorsWithRootFirst[0].Url', 'https://h/wopi/containers/root?access_token=a'],
    ['AncestorsWithRootFirst[-1:].Url', 'https://h/wopi/containers/child?access_token=b'],
    ['ChildFiles[0].Size', 12],
    ['Nothing', null],
    ['Missing', undefined],
    ['ChildFiles[3].Size', undefined],
    ['url', undefined],
  ];
  for (const [path, expected] of cases) test(`${path}`, () => assert.equal(selectToken(body, path), expected));

  test('a path naming several tokens is an error', () => {
    assert.throws(
      () => selectToken(body, 'AncestorsWithRootFirst[*].Url'),
      new JsonTokenError(`JsonException thrown while parsing JSON content: 'Path returned multiple tokens.'`),
    );
  });
});

describe('parseJsonObject (JObject.Parse)', () => {
  test('rejects what is not one JSON object', () => {
    for (const text of ['[1]', 'not json', '"x"', 'null']) {
      assert.throws(
        () => parseJsonObject(text),
        new JsonTokenError('JsonReaderException thrown while parsing JSON. Are you sure the response is JSON?'),
      );
    }
  });
});

describe('Value<T>() conversions', () => {
  test('to string: booleans as True/False, numbers invariant, null stays null', () => {
    assert.equal(tokenToString('v'), 'v');
    assert.equal(tokenToString(true), 'True');
    assert.equal(tokenToString(false), 'False');
    assert.equal(tokenToString(42), '42');
    assert.equal(tokenToString(1.5), '1.5');
    assert.equal(tokenToString(null), null);
    assert.throws(() => tokenToString({ a: 1 }), new JsonTokenError('Cannot cast JObject to JToken.'));
    assert.throws(() => tokenToString([1]), new JsonTokenError('Cannot cast JArray to JToken.'));
  });
  test('to bool: strings parsed case-insensitively, numbers non-zero', () => {
    assert.equal(tokenToBoolean(true), true);
    assert.equal(tokenToBoolean(' TRUE '), true);
    assert.equal(tokenToBoolean('false'), false);
    assert.equal(tokenToBoolean(0), false);
    assert.equal(tokenToBoolean(2), true);
    assert.throws(() => tokenToBoolean('yes'), new FormatError(`String 'yes' was not recognized as a valid Boolean.`));
  });
  test('to int/long: integers, numeric strings, floats rounded half to even, range checked', () => {
    assert.equal(tokenToInteger(7, 32), 7);
    assert.equal(tokenToInteger(' -12 ', 32), -12);
    assert.equal(tokenToInteger(2.5, 32), 2);
    assert.equal(tokenToInteger(3.5, 32), 4);
    assert.equal(tokenToInteger(true, 32), 1);
    assert.equal(tokenToInteger(2147483648, 64), 2147483648);
    assert.throws(() => tokenToInteger(2147483648, 32), new JsonTokenError('Value was either too large or too small for an Int32.'));
    assert.throws(() => tokenToInteger('1.5', 32), new FormatError(`The input string '1.5' was not in a correct format.`));
  });
  test('saved state text to bool and int (Convert.ChangeType)', () => {
    assert.equal(stringToBoolean('True'), true);
    assert.equal(stringToBoolean('False'), false);
    assert.equal(stringToInteger('+5', 64), 5);
    assert.throws(() => stringToInteger('five', 64), FormatError);
  });
});
