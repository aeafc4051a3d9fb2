import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkSync } from '../../test-support/fuzz.js';
import { safeEqual } from './safe-equal.js';

describe('safeEqual', () => {
  test('is true for the same text and false for any other', () => {
    assert.equal(safeEqual('mock-client-secret', 'mock-client-secret'), true);
    assert.equal(safeEqual('', ''), true);
    for (const other of ['', 'mock-client-secreT', 'mock-client-secret ', 'mock-client-secre', 'Mock-client-secret', 'x'.repeat(10_000)]) {
      assert.equal(safeEqual(other, 'mock-client-secret'), false, JSON.stringify(other.slice(0, 20)));
      assert.equal(safeEqual('mock-client-secret', other), false);
    }
  });

  test('compares characters, not a lossy encoding: lone surrogates, NUL and non-ASCII count', () => {
    assert.equal(safeEqual('zoë', 'zoë'), true);
    assert.equal(safeEqual('zoë', 'zoe\u0308'), false, 'no Unicode normalisation');
    assert.equal(safeEqual('a\u0000', 'a'), false);
    assert.equal(safeEqual('\uD800', '\uD801'), false, 'lone surrogates are told apart (UTF-8 would make both U+FFFD)');
    assert.equal(safeEqual('\uD800', '\uFFFD'), false);
  });

  test('agrees with === on arbitrary strings of UTF-16 code units, of any length', (t) => {
    // A small alphabet makes equal pairs common; any code unit (lone surrogates too) keeps the rest honest.
    const unit = fc.oneof(
      fc.constantFrom('a', 'b'),
      fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    );
    const text = fc.string({ unit, maxLength: 6 });
    checkSync(
      t,
      [text, text],
      (a, b) => {
        assert.equal(safeEqual(a, b), a === b);
        assert.equal(safeEqual(a, a), true);
      },
      { weight: 10 },
    );
  });
});
