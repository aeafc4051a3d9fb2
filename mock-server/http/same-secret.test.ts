import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameSecret } from './same-secret.js';

test('sameSecret is true exactly when the strings are equal', () => {
  assert.equal(sameSecret('mock-secret', 'mock-secret'), true);
  assert.equal(sameSecret('', ''), true);
  assert.equal(sameSecret('mock-secret', 'mock-secreT'), false);
  assert.equal(sameSecret('mock-secret', 'mock-secret '), false);
  assert.equal(sameSecret('mock', 'mock-secret'), false);
  assert.equal(sameSecret('', 'x'), false);
  assert.equal(sameSecret('héllo', 'hello'), false);
  assert.equal(sameSecret('h\u00e9llo', 'he\u0301llo'), false, 'no Unicode normalisation');
  assert.equal(sameSecret('\ud800', '\ud801'), false, 'lone surrogates stay distinct');
  assert.equal(sameSecret('a\0', 'a'), false);
});
