import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { unzipSync } from 'fflate';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Assertions on Office Open XML packages (the seed documents, storage/seed/). */

export const AWKWARD_NAME = 'Zoë Ünal & Co <QA>';
// Written out by hand so a broken escaper in the module cannot also break the expectation.
export const AWKWARD_NAME_ESCAPED = 'Zoë Ünal &amp; Co &lt;QA&gt;';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
export const INVALID_NAME_CHARS = /[\\/:*?"<>|#{}^[\]`%]/;

export const parser = new XMLParser({
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

export function part(pkg: Package, path: string): string {
  const xml = pkg.get(path);
  assert.ok(xml !== undefined, `missing part ${path}`);
  return xml;
}

export function occurrences(haystack: string, needle: string): number {
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

export function relationships(pkg: Package, relsPath: string): Rel[] {
  return (parser.parse(part(pkg, relsPath)).Relationships.Relationship ?? []) as Rel[];
}

function relsPathFor(partPath: string): string {
  return posix.join(posix.dirname(partPath), '_rels', `${posix.basename(partPath)}.rels`);
}

export function assertValidPackage(bytes: Uint8Array, mainPart: string): Package {
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
export function assertRoundTrip(xml: string, text: string, escaped: string): void {
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

export function centralDirectory(zip: Uint8Array): CentralEntry[] {
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
