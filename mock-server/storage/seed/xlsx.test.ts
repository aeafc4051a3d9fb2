import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AWKWARD_NAME,
  AWKWARD_NAME_ESCAPED,
  assertRoundTrip,
  assertValidPackage,
  parser,
  part,
} from '../../../test-support/ooxml-package.js';
import { createXlsx } from './xlsx.js';

test('xlsx stores numbers as numeric cells, strings once in sharedStrings, and keeps formulas', () => {
  const pkg = assertValidPackage(
    createXlsx({
      sheetName: 'Q1 & Q2',
      rows: [
        ['Label', AWKWARD_NAME],
        [AWKWARD_NAME, 2.5],
        ['Sum', { formula: 'SUM(B2:B2)', result: 2.5 }],
      ],
    }),
    'xl/workbook.xml',
  );
  const sheet = part(pkg, 'xl/worksheets/sheet1.xml');
  const shared = part(pkg, 'xl/sharedStrings.xml');

  assertRoundTrip(shared, AWKWARD_NAME, AWKWARD_NAME_ESCAPED);
  assert.equal(sheet.includes('Zo'), false, 'strings belong in sharedStrings, not the sheet');
  assert.match(shared, /count="4" uniqueCount="3"/);
  assert.match(sheet, /<c r="B1" t="s"><v>1<\/v><\/c>/);
  assert.match(sheet, /<c r="A2" t="s"><v>1<\/v><\/c>/);
  assert.match(sheet, /<c r="B2"><v>2\.5<\/v><\/c>/);
  assert.match(sheet, /<c r="B3"><f>SUM\(B2:B2\)<\/f><v>2\.5<\/v><\/c>/);
  assert.match(sheet, /<dimension ref="A1:B3"\/>/);
  assert.match(part(pkg, 'xl/workbook.xml'), /<sheet name="Q1 &amp; Q2" sheetId="1" r:id="rId1"\/>/);

  const styles = parser.parse(part(pkg, 'xl/styles.xml')).styleSheet;
  const fills = styles.fills.fill as Array<{ patternFill: { '@_patternType': string } }>;
  assert.deepEqual(
    fills.map((f) => f.patternFill['@_patternType']),
    ['none', 'gray125'],
  );
  for (const list of ['fonts', 'borders', 'cellStyleXfs', 'cellXfs', 'cellStyles']) {
    assert.ok(styles[list], `styles.xml lacks ${list}`);
  }
});

test('xlsx without strings omits sharedStrings and uses multi-letter columns correctly', () => {
  const row = Array.from({ length: 28 }, (_, i) => i);
  const pkg = assertValidPackage(createXlsx({ sheetName: 'Numbers', rows: [row] }), 'xl/workbook.xml');
  assert.equal(pkg.has('xl/sharedStrings.xml'), false);
  const sheet = part(pkg, 'xl/worksheets/sheet1.xml');
  assert.match(sheet, /<c r="Z1"><v>25<\/v><\/c><c r="AA1"><v>26<\/v><\/c><c r="AB1"><v>27<\/v><\/c>/);
  assert.match(sheet, /<dimension ref="A1:AB1"\/>/);
});

test('xlsx rejects input Excel would have to repair', () => {
  for (const sheetName of ['', 'a'.repeat(32), 'a/b', 'x[1]', "'quoted'", 'History']) {
    assert.throws(() => createXlsx({ sheetName, rows: [] }), RangeError, `sheet name ${JSON.stringify(sheetName)}`);
  }
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => createXlsx({ sheetName: 'S', rows: [[bad]] }), RangeError);
  }
});
