import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leafPaths, mergeFragment, valueAt, withValueAt } from './config-fragment.js';

/** Config fragments: what a scenario's `config` sets, merged over a document and taken back. */

test('leafPaths: every value that is not an object, arrays whole; empty objects set nothing', () => {
  assert.deepEqual(
    leafPaths({ oauth: { refreshTokens: { reuse: 'reject', graceSeconds: 5 } }, users: [{ id: 'a' }], wopi: {}, providerId: null }),
    [['oauth', 'refreshTokens', 'reuse'], ['oauth', 'refreshTokens', 'graceSeconds'], ['users'], ['providerId']],
  );
});

test('mergeFragment: objects merge key by key, arrays and values replace, the original is untouched', () => {
  const document = { oauth: { clientId: 'c', refreshTokens: { rotate: true, reuse: 'allow' } }, users: [{ id: 'a' }, { id: 'b' }] };
  const merged = mergeFragment(document, { oauth: { refreshTokens: { reuse: 'reject' } }, users: [{ id: 'z' }] });
  assert.deepEqual(merged, { oauth: { clientId: 'c', refreshTokens: { rotate: true, reuse: 'reject' } }, users: [{ id: 'z' }] });
  assert.equal(document.oauth.refreshTokens.reuse, 'allow');
});

test('withValueAt: sets, makes the objects on the way, and removes with undefined', () => {
  assert.deepEqual(withValueAt({ a: 1 }, ['wopi', 'requestedCallThrottling'], { value: 'Major' }), {
    a: 1,
    wopi: { requestedCallThrottling: 'Major' },
  });
  assert.deepEqual(withValueAt({ wopi: { requestedCallThrottling: 'Major' } }, ['wopi', 'requestedCallThrottling'], undefined), {
    wopi: {},
  });
});

test('valueAt tells absent from present: null and false are present', () => {
  assert.deepEqual(valueAt({ a: { b: null } }, ['a', 'b']), { value: null });
  assert.deepEqual(valueAt({ a: { b: false } }, ['a', 'b']), { value: false });
  assert.equal(valueAt({ a: {} }, ['a', 'b']), undefined);
  assert.equal(valueAt({ a: 'text' }, ['a', 'length']), undefined, 'only objects are walked into');
});

test('a fragment naming __proto__ makes an own field (which the config schema refuses), never a prototype', () => {
  const fragment = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
  const merged = mergeFragment({}, fragment);
  assert.deepEqual(Object.keys(merged), ['__proto__']);
  assert.equal(Object.getPrototypeOf(merged), Object.prototype);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});
