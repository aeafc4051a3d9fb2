import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { BodyTap, contentCoding, decodeContent, decodePrefix, encodeContent } from './bodies.js';

const text = Buffer.from(
  JSON.stringify({ ChildFiles: Array.from({ length: 200 }, (_, i) => ({ Url: `https://h.test/wopi/files/${i}` })) }),
);

test('Content-Encoding: the codings the proxy decodes, and everything else passed untouched', () => {
  assert.equal(contentCoding(undefined), 'identity');
  assert.equal(contentCoding(' GZIP '), 'gzip');
  assert.equal(contentCoding('x-gzip'), 'gzip');
  assert.equal(contentCoding('deflate'), 'deflate');
  assert.equal(contentCoding('br'), 'br');
  assert.equal(contentCoding('gzip, br'), 'other');
  assert.equal(contentCoding('zstd'), 'other');
});

test('gzip, deflate and br decode and encode back to what the headers say', () => {
  for (const coding of ['gzip', 'deflate', 'br'] as const) {
    const encoded = encodeContent(text, coding);
    assert.ok(encoded.length < text.length, coding);
    assert.deepEqual(decodeContent(encoded, coding, 1 << 20), text, coding);
  }
  assert.deepEqual(decodeContent(zlib.deflateRawSync(text), 'deflate', 1 << 20), text, 'raw deflate, as some servers send it');
  assert.equal(decodeContent(zlib.gzipSync(text), 'gzip', 100), null, 'over the cap');
  assert.equal(decodeContent(Buffer.from('not gzip'), 'gzip', 1 << 20), null);
});

test('the start of a cut compressed body decodes for the log', () => {
  const big = Buffer.concat(Array.from({ length: 50 }, () => text));
  for (const coding of ['gzip', 'deflate', 'br'] as const) {
    const encoded = encodeContent(big, coding);
    const prefix = decodePrefix(encoded.subarray(0, Math.floor(encoded.length / 2)), coding, 4096);
    assert.ok(prefix && prefix.length > 0 && prefix.length <= 4096, coding);
    assert.deepEqual(prefix, big.subarray(0, prefix.length), coding);
  }
});

test('the tap counts, hashes and keeps only the first bytes', () => {
  const tap = new BodyTap(1000);
  const hash = createHash('sha256');
  for (let i = 0; i < 50; i++) {
    const chunk = randomBytes(333);
    tap.push(chunk);
    hash.update(chunk);
  }
  assert.equal(tap.size, 50 * 333);
  assert.equal(tap.prefix.length, 1000);
  assert.equal(tap.complete, false);
  assert.equal(tap.digest(), hash.digest('hex'));
});
