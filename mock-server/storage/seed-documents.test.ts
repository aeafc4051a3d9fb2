import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { unzipSync } from 'fflate';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createDocx, createPptx, createSeedDocuments, createXlsx } from './seed-documents.js';

const AWKWARD_NAME = 'Zoë Ünal & Co <QA>';
// Written out by hand so a broken escaper in the module cannot also break the expectation.
const AWKWARD_NAME_ESCAPED = 'Zoë Ünal &amp; Co &lt;QA&gt;';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
const INVALID_NAME_CHARS = /[\\/:*?"<>|#{}^[\]`%]/;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (name) => ['Default', 'Override', 'Relationship'].includes(name),
});

type Package = Map<string, string>;

function openPackage(bytes: Uint8Array): Package {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const entries = unzipSync(bytes);
  return new Map(Object.entries(entries).map(([path, data]) => [path, decoder.decode(data)]));
}

function part(pkg: Package, path: string): string {
  const xml = pkg.get(path);
  assert.ok(xml !== undefined, `missing part ${path}`);
  return xml;
}

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** Every text node in the parsed document, entity-decoded. */
function textNodes(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textNodes);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .filter(([key]) => !key.startsWith('@_'))
      .flatMap(([, child]) => textNodes(child));
  }
  return [];
}

function relsSourceDir(relsPath: string): string {
  // "word/_rels/document.xml.rels" describes "word/document.xml", so targets resolve from "word/".
  return posix.dirname(posix.dirname(relsPath));
}

function resolveTarget(relsPath: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const dir = relsSourceDir(relsPath);
  return posix.normalize(dir === '.' ? target : `${dir}/${target}`);
}

interface Rel {
  '@_Id': string;
  '@_Type': string;
  '@_Target': string;
  '@_TargetMode'?: string;
}

function relationships(pkg: Package, relsPath: string): Rel[] {
  return (parser.parse(part(pkg, relsPath)).Relationships.Relationship ?? []) as Rel[];
}

function relsPathFor(partPath: string): string {
  return posix.join(posix.dirname(partPath), '_rels', `${posix.basename(partPath)}.rels`);
}

function assertValidPackage(bytes: Uint8Array, mainPart: string): Package {
  const pkg = openPackage(bytes);
  const contentTypes = parser.parse(part(pkg, '[Content_Types].xml')).Types;
  const defaults = new Set((contentTypes.Default as Array<{ '@_Extension': string }>).map((d) => d['@_Extension'].toLowerCase()));
  const overrides = new Set((contentTypes.Override as Array<{ '@_PartName': string }>).map((o) => o['@_PartName'].slice(1)));

  for (const overridden of overrides) assert.ok(pkg.has(overridden), `Override for missing part ${overridden}`);
  assert.ok(overrides.has(mainPart), `main part ${mainPart} needs an Override`);

  for (const [path, xml] of pkg) {
    if (path !== '[Content_Types].xml') {
      // OPC takes the extension after the last dot of the last segment, so "_rels/.rels" is "rels".
      const segment = posix.basename(path);
      const ext = segment.slice(segment.lastIndexOf('.') + 1).toLowerCase();
      assert.ok(overrides.has(path) || defaults.has(ext), `${path} has no content type`);
    }
    assert.ok(xml.startsWith(XML_DECLARATION), `${path} must start with an XML declaration`);
    assert.equal(XMLValidator.validate(xml), true, `${path} is not well-formed`);
  }

  const rootRels = relationships(pkg, '_rels/.rels');
  const rootTypes = rootRels.map((r) => r['@_Type'].split('/').pop());
  assert.deepEqual([...rootTypes].sort(), ['core-properties', 'extended-properties', 'officeDocument']);
  assert.equal(rootRels.find((r) => r['@_Type'].endsWith('/officeDocument'))?.['@_Target'], mainPart);

  for (const relsPath of [...pkg.keys()].filter((p) => p.endsWith('.rels'))) {
    const rels = relationships(pkg, relsPath);
    assert.equal(new Set(rels.map((r) => r['@_Id'])).size, rels.length, `duplicate Ids in ${relsPath}`);
    for (const rel of rels) {
      if (rel['@_TargetMode'] === 'External') continue;
      const resolved = resolveTarget(relsPath, rel['@_Target']);
      assert.ok(pkg.has(resolved), `${relsPath}: ${rel['@_Target']} -> ${resolved} does not exist`);
    }
  }

  // r:id attributes inside a part must name a relationship of that part, or Office drops the reference.
  for (const [path, xml] of pkg) {
    const ids = [...xml.matchAll(/\br:id="([^"]+)"/g)].map((m) => m[1]);
    if (ids.length === 0) continue;
    const known = new Set(relationships(pkg, relsPathFor(path)).map((r) => r['@_Id']));
    for (const id of ids) assert.ok(known.has(id!), `${path} references unknown relationship ${id}`);
  }

  const core = part(pkg, 'docProps/core.xml');
  assert.match(core, /<dc:creator>WOPI Mock Host<\/dc:creator>/);
  assert.match(core, /<dcterms:created xsi:type="dcterms:W3CDTF">[^<]+<\/dcterms:created>/);
  assert.match(core, /<dc:title>[^<]+<\/dc:title>/);
  return pkg;
}

/** Asserts `text` appears in `xml` exactly once, only in escaped form, and decodes back to itself. */
function assertRoundTrip(xml: string, text: string, escaped: string): void {
  assert.equal(occurrences(xml, escaped), 1, `expected one escaped occurrence of ${JSON.stringify(text)}`);
  if (text !== escaped) assert.equal(xml.includes(text), false, 'raw unescaped text leaked into the XML');
  const matching = textNodes(parser.parse(xml)).filter((node) => node.includes(text));
  assert.equal(matching.length, 1);
}

interface CentralEntry {
  name: string;
  method: number;
  dosTime: number;
  dosDate: number;
}

function centralDirectory(zip: Uint8Array): CentralEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = zip.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'no end-of-central-directory record');
  const count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const entries: CentralEntry[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(view.getUint32(offset, true), 0x02014b50);
    const nameLength = view.getUint16(offset + 28, true);
    entries.push({
      method: view.getUint16(offset + 10, true),
      dosTime: view.getUint16(offset + 12, true),
      dosDate: view.getUint16(offset + 14, true),
      name: new TextDecoder().decode(zip.subarray(offset + 46, offset + 46 + nameLength)),
    });
    offset += 46 + nameLength + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
  }
  return entries;
}

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

test('pptx has master, layout, theme and a slide with title and subtitle placeholders', () => {
  const pkg = assertValidPackage(
    createPptx({ title: `Deck for ${AWKWARD_NAME}`, subtitle: 'Q3 <draft> & "final"' }),
    'ppt/presentation.xml',
  );
  const slide = part(pkg, 'ppt/slides/slide1.xml');
  assertRoundTrip(slide, `Deck for ${AWKWARD_NAME}`, `Deck for ${AWKWARD_NAME_ESCAPED}`);
  assertRoundTrip(slide, 'Q3 <draft> & "final"', 'Q3 &lt;draft&gt; &amp; &quot;final&quot;');
  assert.match(slide, /<p:ph type="ctrTitle"\/>/);
  assert.match(slide, /<p:ph type="subTitle" idx="1"\/>/);

  const presentation = part(pkg, 'ppt/presentation.xml');
  assert.match(presentation, /<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId\d+"\/><\/p:sldMasterIdLst>/);
  assert.match(presentation, /<p:sldIdLst><p:sldId id="256" r:id="rId\d+"\/><\/p:sldIdLst>/);
  assert.match(presentation, /<p:sldSz cx="12192000" cy="6858000"\/>/);
  assert.match(presentation, /<p:notesSz cx="\d+" cy="\d+"\/>/);

  const master = part(pkg, 'ppt/slideMasters/slideMaster1.xml');
  for (const element of ['<p:clrMap ', '<p:sldLayoutIdLst>', '<p:titleStyle>', '<p:bodyStyle>', '<p:otherStyle>']) {
    assert.ok(master.includes(element), `slide master lacks ${element}`);
  }
  const theme = part(pkg, 'ppt/theme/theme1.xml');
  for (const element of ['<a:clrScheme ', '<a:fontScheme ', '<a:majorFont>', '<a:minorFont>', '<a:fmtScheme ']) {
    assert.ok(theme.includes(element), `theme lacks ${element}`);
  }
  // A fmtScheme needs at least three entries in each list or PowerPoint rejects the theme.
  const fmt = parser.parse(theme)['a:theme']['a:themeElements']['a:fmtScheme'];
  assert.ok(fmt['a:fillStyleLst']['a:solidFill'].length >= 3);
  assert.ok(fmt['a:lnStyleLst']['a:ln'].length >= 3);
  assert.ok(fmt['a:effectStyleLst']['a:effectStyle'].length >= 3);
  assert.ok(fmt['a:bgFillStyleLst']['a:solidFill'].length >= 3);

  for (const extra of ['ppt/presProps.xml', 'ppt/viewProps.xml', 'ppt/tableStyles.xml']) part(pkg, extra);
  const slideRels = relationships(pkg, 'ppt/slides/_rels/slide1.xml.rels');
  assert.ok(slideRels.some((r) => r['@_Type'].endsWith('/slideLayout')));
});

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

test('characters XML cannot hold are dropped rather than producing a broken part', () => {
  const pkg = assertValidPackage(
    createDocx({ title: 'bell\u0007 and \uD800 lone surrogate', paragraphs: ['nul\u0000'] }),
    'word/document.xml',
  );
  const document = part(pkg, 'word/document.xml');
  assert.ok(document.includes('bell and  lone surrogate'));
  assert.ok(document.includes('>nul<'));
});
