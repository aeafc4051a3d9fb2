import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { epochMsToSeconds, epochSecondsToMs, expiresInSeconds, secondsToMs } from './time.js';

describe('time units', () => {
  test('secondsToMs turns a span of seconds into milliseconds', () => {
    assert.equal(secondsToMs(0), 0);
    assert.equal(secondsToMs(1), 1000);
    assert.equal(secondsToMs(30 * 60), 1_800_000);
    assert.equal(secondsToMs(0.5), 500);
  });

  test('epochSecondsToMs reads a JWT exp as milliseconds since the epoch', () => {
    assert.equal(epochSecondsToMs(1_700_000_000), 1_700_000_000_000);
    assert.equal(new Date(epochSecondsToMs(0)).toISOString(), '1970-01-01T00:00:00.000Z');
  });

  test('epochMsToSeconds rounds down to the second the instant falls in', () => {
    assert.equal(epochMsToSeconds(1_700_000_000_000), 1_700_000_000);
    assert.equal(epochMsToSeconds(1_700_000_000_999), 1_700_000_000);
    assert.equal(epochMsToSeconds(999), 0);
  });

  test('the two epoch conversions round-trip on whole seconds', () => {
    for (const seconds of [0, 1, 1_700_000_000, 4_102_444_800]) assert.equal(epochMsToSeconds(epochSecondsToMs(seconds)), seconds);
  });

  test('expiresInSeconds counts whole seconds on the JWT clock and is never negative', () => {
    const issuedAt = 1_700_000_000_400;
    // Issued 0.4 s into a second with a 3600 s lifetime: exp is 3600 s after that second began.
    assert.equal(expiresInSeconds(epochSecondsToMs(epochMsToSeconds(issuedAt) + 3600), issuedAt), 3600);
    assert.equal(expiresInSeconds(1_700_000_010_000, 1_700_000_000_999), 10);
    assert.equal(expiresInSeconds(1_700_000_000_000, 1_700_000_005_000), 0);
  });
});
