import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChaosDraws, chaosDraw } from './chaos.js';

/** mulberry32 as published, stepped one call at a time: the reference the O(1) draw must equal. */
function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('draw n is the n-th output of mulberry32 for the seed, for any seed', () => {
  for (const seed of [0, 1, 12345, 0x7fffffff, 0xffffffff]) {
    const next = mulberry32(seed);
    for (let n = 1; n <= 1000; n++) assert.equal(chaosDraw(seed, n), next(), `seed ${seed}, draw ${n}`);
  }
});

test('draws are spread over [0, 1): about p of them fall under p', () => {
  const under = Array.from({ length: 20_000 }, (_, i) => chaosDraw(42, i + 1)).filter((v) => v < 0.05).length;
  assert.ok(under > 850 && under < 1150, `${under} of 20000 under 0.05`);
});

test('counters are per rule and seed, and start over once a rule is gone', () => {
  const draws = new ChaosDraws();
  const rule = { id: 'a', seed: 7, probability: 0.5 };
  const first = [1, 2, 3].map(() => draws.next(rule));
  assert.deepEqual(
    first.map((o) => o.draw),
    [1, 2, 3],
  );
  assert.deepEqual(
    first.map((o) => o.hit),
    [1, 2, 3].map((n) => chaosDraw(7, n) < 0.5),
  );
  assert.equal(draws.next({ ...rule, id: 'b' }).draw, 1, 'another rule has its own counter');
  assert.equal(draws.next({ ...rule, seed: 8 }).draw, 1, 'another seed starts over');
  draws.keepOnly([{ id: 'b', seed: 7 }]);
  assert.equal(draws.next(rule).draw, 1, 'a rule removed and added again starts over');
  assert.equal(draws.next({ ...rule, id: 'b' }).draw, 2, 'a rule still in play keeps counting');
});
