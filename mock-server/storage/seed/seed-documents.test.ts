import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import {
  AWKWARD_NAME,
  AWKWARD_NAME_ESCAPED,
  INVALID_NAME_CHARS,
  assertValidPackage,
  centralDirectory,
  occurrences,
  part,
} from '../../../test-support/ooxml-package.js';
import { createSeedDocuments } from './index.js';

test('seed documents carry the owner name once each and have safe names', () => {
  const docs = createSeedDocuments({ friendlyName: AWKWARD_NAME });
  assert.deepEqual(
    docs.map((d) => posix.extname(d.name)),
    ['.docx', '.xlsx', '.pptx'],
  );
  for (const doc of docs) {
    assert.doesNotMatch(doc.name, INVALID_NAME_CHARS);
    assert.ok(doc.name.trim() === doc.name && !doc.name.endsWith('.'));
  }
  const [docx, xlsx, pptx] = docs.map((d) => d.content) as [Uint8Array, Uint8Array, Uint8Array];

  const word = assertValidPackage(docx, 'word/document.xml');
  assert.equal(occurrences(part(word, 'word/document.xml'), AWKWARD_NAME_ESCAPED), 1);

  const excel = assertValidPackage(xlsx, 'xl/workbook.xml');
  assert.equal(occurrences(part(excel, 'xl/sharedStrings.xml'), AWKWARD_NAME_ESCAPED), 1);
  const sheet = part(excel, 'xl/worksheets/sheet1.xml');
  const total = /<f>SUM\(B2:B4\)<\/f><v>([^<]+)<\/v>/.exec(sheet);
  assert.ok(total, 'budget needs a SUM(B2:B4) formula with a cached value');
  const amounts = ['B2', 'B3', 'B4'].map((ref) => {
    const match = new RegExp(`<c r="${ref}"><v>([^<]+)</v></c>`).exec(sheet);
    assert.ok(match, `${ref} should be a numeric cell`);
    return Number(match[1]);
  });
  assert.equal(
    Number(total[1]),
    amounts.reduce((a, b) => a + b, 0),
  );

  const deck = assertValidPackage(pptx, 'ppt/presentation.xml');
  assert.equal(occurrences(part(deck, 'ppt/slides/slide1.xml'), AWKWARD_NAME_ESCAPED), 1);
});

test('output is byte-identical across calls and time zones, deflated, with a fixed mtime', () => {
  const originalTz = process.env.TZ;
  try {
    process.env.TZ = 'Pacific/Kiritimati';
    const east = createSeedDocuments({ friendlyName: AWKWARD_NAME });
    const eastAgain = createSeedDocuments({ friendlyName: AWKWARD_NAME });
    process.env.TZ = 'America/Los_Angeles';
    const west = createSeedDocuments({ friendlyName: AWKWARD_NAME });
    assert.deepEqual(eastAgain, east);
    assert.deepEqual(west, east);

    for (const doc of east) {
      const entries = centralDirectory(doc.content);
      assert.equal(entries[0]?.name, '[Content_Types].xml');
      for (const entry of entries) {
        assert.equal(entry.method, 8, `${doc.name}:${entry.name} should be deflated`);
        assert.equal(entry.dosDate, ((2024 - 1980) << 9) | (1 << 5) | 1);
        assert.equal(entry.dosTime, 0);
      }
    }
  } finally {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  }
});
