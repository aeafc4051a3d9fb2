import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyActionNote, dribblePace, planBodyAction, type RealAnswer } from './body-actions.js';

const json: RealAnswer = {
  status: 200,
  headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': '18', 'x-wopi-itemversion': 'v1' },
  body: Buffer.from('{"BaseFileName":1}'),
};
const chunked: RealAnswer = {
  status: 404,
  headers: { 'transfer-encoding': 'chunked', 'content-type': 'text/plain' },
  body: Buffer.from('not found'),
};

describe('planBodyAction', () => {
  test('truncate promises the whole length, sends all but cutBytes, then closes', () => {
    const plan = planBodyAction({ kind: 'truncate', cutBytes: 5 }, json);
    assert.equal(plan.headers['content-length'], '18');
    assert.equal(plan.send.toString(), '{"BaseFileNam');
    assert.equal(plan.ending, 'close');
    assert.equal(plan.headers['x-wopi-itemversion'], 'v1');
    assert.equal(bodyActionNote('r1', plan), 'fault rule r1: truncated the body: sent 13 of 18 bytes, then closed');
  });

  test('truncate cutting more than the body sends none of it', () => {
    const plan = planBodyAction({ kind: 'truncate', cutBytes: 100 }, json);
    assert.equal(plan.send.length, 0);
    assert.equal(plan.outcome, 'truncated the body: sent 0 of 18 bytes, then closed');
  });

  test('a chunked answer goes out with a Content-Length instead', () => {
    const plan = planBodyAction({ kind: 'reset', afterBytes: 3 }, chunked);
    assert.equal(plan.headers['transfer-encoding'], undefined);
    assert.equal(plan.headers['content-length'], '9');
    assert.equal(plan.send.toString(), 'not');
    assert.equal(plan.ending, 'reset');
    assert.equal(plan.outcome, 'reset the connection after 3 of 9 body bytes');
  });

  test('reset after more bytes than the body has sends the whole body, then resets', () => {
    const plan = planBodyAction({ kind: 'reset', afterBytes: 50 }, chunked);
    assert.equal(plan.send.toString(), 'not found');
    assert.equal(plan.outcome, 'reset the connection after 9 of 9 body bytes');
  });

  test('stall and dribble send the whole answer, paced', () => {
    const stall = planBodyAction({ kind: 'stall', ms: 250 }, json);
    assert.deepEqual([stall.stallMs, stall.ending, stall.send.length], [250, 'finish', 18]);
    assert.equal(stall.outcome, 'stalled 250 ms after the headers, then sent the 18-byte body');
    const dribble = planBodyAction({ kind: 'dribble', bytesPerSecond: 40 }, json);
    assert.deepEqual(dribble.dribble, { chunkBytes: 4, intervalMs: 100 });
    assert.equal(dribble.outcome, 'dribbled the 18-byte body at 40 bytes/s');
  });

  test('malformedJson sends text that does not parse, still as JSON, with its own length', () => {
    for (const body of ['{"a":1}', '[]', '"text"', '12345', 'true', '', '{"name":"é😀"}']) {
      const plan = planBodyAction({ kind: 'malformedJson' }, { ...json, body: Buffer.from(body) });
      assert.throws(() => JSON.parse(plan.send.toString()), SyntaxError, body);
      assert.equal(plan.headers['content-length'], String(plan.send.length));
      assert.equal(plan.headers['content-type'], 'application/json; charset=utf-8');
    }
    assert.equal(
      planBodyAction({ kind: 'malformedJson' }, json).outcome,
      'malformed the JSON body: sent its first 9 of 18 bytes and a stray "<"',
    );
  });

  test('malformedJson leaves a body that is not JSON alone, and says so', () => {
    const plan = planBodyAction({ kind: 'malformedJson' }, chunked);
    assert.equal(plan.send.toString(), 'not found');
    assert.equal(plan.outcome, 'left the body alone: it is not JSON (text/plain)');
  });

  test('contentType keeps the body and names both types', () => {
    const plan = planBodyAction({ kind: 'contentType', value: 'text/html' }, json);
    assert.equal(plan.headers['content-type'], 'text/html');
    assert.equal(plan.send, json.body);
    assert.equal(plan.outcome, 'sent the body under Content-Type text/html instead of application/json; charset=utf-8');
  });

  test('empty200 answers 200 with nothing, whatever the real status', () => {
    const plan = planBodyAction({ kind: 'empty200' }, chunked);
    assert.deepEqual([plan.status, plan.headers['content-length'], plan.send.length, plan.ending], [200, '0', 0, 'finish']);
    assert.equal(plan.outcome, 'answered an empty 200 instead of the real 404 (9 bytes)');
  });
});

describe('dribblePace', () => {
  test('ten chunks a second, at least a byte each', () => {
    assert.deepEqual(dribblePace(1), { chunkBytes: 1, intervalMs: 1000 });
    assert.deepEqual(dribblePace(1000), { chunkBytes: 100, intervalMs: 100 });
    assert.deepEqual(dribblePace(15), { chunkBytes: 2, intervalMs: 2000 / 15 });
  });
});
