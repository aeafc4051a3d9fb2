import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeNameHeader, nameHeader } from './names.js';

// The validator sends names as .NET's UTF7Encoding writes them (optional characters such as "_" encoded).
const cases: Array<[string, string]> = [
  ['madeup+AF8-name.wopitestx', 'madeup_name.wopitestx'],
  ['madeup+AF8-renamed', 'madeup_renamed'],
  ['ValidatorTestFile.wopitest', 'ValidatorTestFile.wopitest'],
  ['Caf+AOk-.docx', 'Café.docx'],
  ['+2D3eAA-.docx', '😀.docx'],
  ['1 +- 1.docx', '1 + 1.docx'],
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
