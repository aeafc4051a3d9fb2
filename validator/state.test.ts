import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResponseData } from './http.js';
import { expectedFromState, readStateValue, resolveStateReference, StateError, type SavedState } from './state.js';

function response(body: string, headers: Record<string, string> = {}, isTextResponse = true): ResponseData {
  return {
    status: 200,
    headers: new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: Buffer.from(body),
    isTextResponse,
    elapsedMs: 1,
  };
}

describe('readStateValue (StateEntry.GetValue)', () => {
  const ancestry = JSON.stringify({
    AncestorsWithRootFirst: [
      { Url: 'https://h/wopi/containers/root?access_token=a' },
      { Url: 'https://h/wopi/containers/parent?access_token=b' },
    ],
  });
  test('a JSON path into the body: the last ancestor', () => {
    assert.equal(
      readStateValue({ name: 'ParentContainerUrl', source: 'AncestorsWithRootFirst[-1:].Url', sourceType: 'JsonBody' }, response(ancestry)),
      'https://h/wopi/containers/parent?access_token=b',
    );
  });
  test('booleans are saved as .NET prints them', () => {
    assert.equal(
      readStateValue({ name: 'IsEduUserParentContainer', source: 'IsEduUser', sourceType: 'JsonBody' }, response('{"IsEduUser":false}')),
      'False',
    );
  });
  test('missing, unparsable, non-text or object values save null', () => {
    const url = { name: 'NewFileUrl', source: 'Url', sourceType: 'JsonBody' } as const;
    assert.equal(readStateValue(url, response('{}')), null);
    assert.equal(readStateValue(url, response('not json')), null);
    assert.equal(readStateValue(url, response('')), null);
    assert.equal(readStateValue(url, response('{"Url":"x"}', {}, false)), null);
    assert.equal(readStateValue(url, response('{"Url":{"a":1}}')), null);
  });
  test('a header, matched case-insensitively; empty saves null', () => {
    const version = { name: 'SecondVersion', source: 'X-WOPI-ItemVersion', sourceType: 'Header' } as const;
    assert.equal(readStateValue(version, response('', { 'x-wopi-itemversion': '3' })), '3');
    assert.equal(readStateValue(version, response('', { 'X-WOPI-ItemVersion': '' })), null);
    assert.equal(readStateValue(version, response('')), null);
  });
});

describe('resolveStateReference ($State:Name in OverrideUrl)', () => {
  const state: SavedState = new Map<string, string | null>([
    ['NewFileUrl', 'https://h/wopi/files/n?access_token=t'],
    ['Empty', null],
  ]);
  test('a saved value, a saved null, a literal, nothing', () => {
    assert.equal(resolveStateReference('$State:NewFileUrl', state), 'https://h/wopi/files/n?access_token=t');
    assert.equal(resolveStateReference('$State:Empty', state), null);
    assert.equal(resolveStateReference('https://h/literal', state), 'https://h/literal');
    assert.equal(resolveStateReference(undefined, state), null);
  });
  test('an unknown name is the validator error', () => {
    assert.throws(
      () => resolveStateReference('$State:NewUrl2', state),
      new StateError(
        'OverrideUrl specified in definition but not found in state dictionary.  Did it depend on a request that failed? ($State:NewUrl2)',
      ),
    );
  });
});

test('expectedFromState: only present, non-empty values count', () => {
  const state: SavedState = new Map<string, string | null>([
    ['A', '1'],
    ['B', ''],
    ['C', null],
  ]);
  assert.equal(expectedFromState('A', state), '1');
  assert.equal(expectedFromState('B', state), undefined);
  assert.equal(expectedFromState('C', state), undefined);
  assert.equal(expectedFromState('D', state), undefined);
  assert.equal(expectedFromState(undefined, state), undefined);
});
