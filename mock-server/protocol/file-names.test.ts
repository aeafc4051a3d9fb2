import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { legalizeName, nameKey, nameProblem, officeSafeName, renamedFileName, splitExtension, uniqueName } from './file-names.js';

describe('nameProblem', () => {
  const ok = ['Report.docx', 'madeup_name.wopitestx', 'Q3 (final).xlsx', 'Ünïcödé 😀.pptx', 'no extension', 'a'.repeat(255)];
  for (const name of ok) test(`accepts ${JSON.stringify(name)}`, () => assert.equal(nameProblem(name), null));
  const refused: Array<[string, string]> = [
    ['', 'the name is empty'],
    ['   ', 'the name is empty'],
    ['a/b.docx', 'the name contains a character Office cannot load (\\ / : * ? " < > | # { } ^ [ ] ` % or a control character)'],
    ['100%.docx', 'the name contains a character Office cannot load (\\ / : * ? " < > | # { } ^ [ ] ` % or a control character)'],
    ['tab\there.docx', 'the name contains a character Office cannot load (\\ / : * ? " < > | # { } ^ [ ] ` % or a control character)'],
    [' lead.docx', 'the name starts or ends with whitespace'],
    ['.docx', 'the name starts with "."'],
    ['trailing.', 'the name ends with "."'],
    ['a'.repeat(256), 'the name is 256 characters long; at most 255 are allowed'],
  ];
  for (const [name, reason] of refused) test(`refuses ${JSON.stringify(name.slice(0, 20))}`, () => assert.equal(nameProblem(name), reason));
});

describe('legalizeName', () => {
  const cases: Array<[string, string]> = [
    ['a:b*c?.docx', 'a-b-c-.docx'],
    ['  spaced.docx  ', 'spaced.docx'],
    ['.docx', 'Untitled.docx'],
    ['', 'Untitled'],
    ['name...', 'name'],
    ['x'.repeat(300) + '.docx', 'x'.repeat(250) + '.docx'],
  ];
  for (const [input, expected] of cases)
    test(`${JSON.stringify(input.slice(0, 20))} → ${JSON.stringify(expected.slice(0, 20))}`, () => {
      assert.equal(legalizeName(input), expected);
      assert.equal(nameProblem(legalizeName(input)), null);
    });
});

describe('names', () => {
  test('splitExtension: the last dot, not a leading one', () => {
    assert.deepEqual(splitExtension('a.b.docx'), { base: 'a.b', extension: '.docx' });
    assert.deepEqual(splitExtension('.hidden'), { base: '.hidden', extension: '' });
    assert.deepEqual(splitExtension('plain'), { base: 'plain', extension: '' });
  });

  test('uniqueName numbers before the extension and skips taken numbers', () => {
    const taken = new Set(['report.docx', 'report (2).docx'].map(nameKey));
    const isTaken = (n: string) => taken.has(nameKey(n));
    assert.equal(uniqueName('Free.docx', isTaken), 'Free.docx');
    assert.equal(uniqueName('REPORT.docx', isTaken), 'REPORT (3).docx');
    const long = uniqueName('x'.repeat(255 - 5) + '.docx', (n) => n.length === 255 && !n.includes('('));
    assert.equal(long, 'x'.repeat(255 - 5 - 4) + ' (2).docx');
  });

  test('renamedFileName keeps the current extension (RenameFile sends a name without one)', () => {
    assert.equal(renamedFileName('ValidatorTestFileRenamed', 'ValidatorTestFile.wopitest'), 'ValidatorTestFileRenamed.wopitest');
    assert.equal(renamedFileName('New', 'no-extension'), 'New');
  });

  test('officeSafeName replaces each invalid character with "-" (invalidcharacters.rst)', () => {
    assert.equal(officeSafeName('a\\b/c:d*e?f"g<h>i|j#k{l}m^n[o]p`q%r'), 'a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r');
  });
});
