import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AWKWARD_NAME,
  AWKWARD_NAME_ESCAPED,
  assertRoundTrip,
  assertValidPackage,
  occurrences,
  part,
  relationships,
} from '../../../test-support/ooxml-package.js';
import { createDocx } from './docx.js';

test('docx is a complete package with a Title paragraph and escaped text', () => {
  const pkg = assertValidPackage(
    createDocx({ title: `Hello ${AWKWARD_NAME}`, paragraphs: ['First "para" it\'s', 'Second'] }),
    'word/document.xml',
  );
  const document = part(pkg, 'word/document.xml');
  assertRoundTrip(document, `Hello ${AWKWARD_NAME}`, `Hello ${AWKWARD_NAME_ESCAPED}`);
  assertRoundTrip(document, 'First "para" it\'s', 'First &quot;para&quot; it&apos;s');
  assert.match(document, /<w:p><w:pPr><w:pStyle w:val="Title"\/><\/w:pPr><w:r><w:t[^>]*>Hello /);
  assert.equal(occurrences(document, '<w:p>') + occurrences(document, '<w:p '), 3);

  const styles = part(pkg, 'word/styles.xml');
  assert.match(styles, /w:styleId="Normal"/);
  assert.match(styles, /w:styleId="Title"/);
  assert.ok(relationships(pkg, 'word/_rels/document.xml.rels').some((r) => r['@_Target'] === 'styles.xml'));
});

test('characters XML cannot hold are dropped rather than producing a broken part', () => {
  const pkg = assertValidPackage(
    createDocx({ title: 'bell\u0007 and \uD800 lone surrogate', paragraphs: ['nul\u0000'] }),
    'word/document.xml',
  );
  const document = part(pkg, 'word/document.xml');
  assert.ok(document.includes('bell and  lone surrogate'));
  assert.ok(document.includes('>nul<'));
});
