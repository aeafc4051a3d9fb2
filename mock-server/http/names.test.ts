import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeUtf7, encodeNameHeader, nameHeader } from './names.js';

// The validator sends names as .NET's UTF7Encoding writes them (optional characters such as "_" encoded).
const cases: Array<[string, string]> = [
  ['madeup+AF8-name.wopitestx', 'madeup_name.wopitestx'],
  ['madeup+AF8-renamed', 'madeup_renamed'],
  ['ValidatorTestFile.wopitest', 'ValidatorTestFile.wopitest'],
  ['Caf+AOk-.docx', 'Café.docx'],
  ['+2D3eAA-.docx', '😀.docx'],
  ['1 +- 1.docx', '1 + 1.docx'],
  // A shifted run whose base64 starts with "+" (found by the file-surface fuzz): U+FB60.
  ['++2A-.docx', '\uFB60.docx'],
  ['A+ImIDkQ.', 'A\u2262\u0391.'],
  ['Hi Mom -+Jjo--!', 'Hi Mom -\u263A-!'],
  ['+ZeVnLIqe-', '\u65E5\u672C\u8A9E'],
];
for (const [header, name] of cases) {
  test(`X-WOPI header ${JSON.stringify(header)} names ${JSON.stringify(name)}`, () => assert.equal(nameHeader(header), name));
}

test('raw UTF-8 in a header (which Node reads as latin1) is taken as UTF-8', () => {
  assert.equal(nameHeader(Buffer.from('Café.docx', 'utf8').toString('latin1')), 'Café.docx');
});

test('absent stays undefined; encoding round-trips to plain ASCII', () => {
  assert.equal(nameHeader(undefined), undefined);
  for (const name of ['my file_ä 😀.docx', 'a+b.docx', 'plain.docx']) {
    const encoded = encodeNameHeader(name);
    assert.match(encoded, /^[\x20-\x7e]*$/);
    assert.equal(nameHeader(encoded), name);
  }
});

test('every name survives encodeNameHeader then decodeUtf7, whatever its characters', () => {
  for (const name of ['\uFB60', '\uFB60 .', 'a+b', '++', '+-', '\u00FF\uFBFF\uFFFF', '😀😀', 'x'.repeat(40) + '\uF8FF']) {
    assert.equal(decodeUtf7(encodeNameHeader(name)), name, JSON.stringify(name));
  }
});
