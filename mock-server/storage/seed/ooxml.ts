import { strToU8, zipSync } from 'fflate';
import type { Zippable } from 'fflate';

/**
 * What every Office Open XML package the seeds are made of shares (ECMA-376 Part 2, Open
 * Packaging Conventions): content types, relationships, document properties, the zip itself.
 */

const GENERATOR = 'WOPI Mock Host';
// A fixed timestamp keeps the bytes stable: the same input must hash the same for tests and ETags.
const CREATED_W3CDTF = '2024-01-01T00:00:00Z';

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

export const NS = {
  contentTypes: 'http://schemas.openxmlformats.org/package/2006/content-types',
  packageRels: 'http://schemas.openxmlformats.org/package/2006/relationships',
  officeRels: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
  coreProps: 'http://schemas.openxmlformats.org/package/2006/metadata/core-properties',
  extendedProps: 'http://schemas.openxmlformats.org/officeDocument/2006/extended-properties',
} as const;

/** A relationship type of the officeDocument namespace, as a .rels Type attribute. */
export const officeRel = (name: string) => `${NS.officeRels}/${name}`;

const REL = {
  officeDocument: officeRel('officeDocument'),
  coreProperties: `${NS.packageRels}/metadata/core-properties`,
  extendedProperties: officeRel('extended-properties'),
} as const;

const CT = {
  rels: 'application/vnd.openxmlformats-package.relationships+xml',
  xml: 'application/xml',
  core: 'application/vnd.openxmlformats-package.core-properties+xml',
  app: 'application/vnd.openxmlformats-officedocument.extended-properties+xml',
} as const;

// XML 1.0 forbids most C0 controls and lone surrogates even when escaped; one stray
// character from a user-supplied friendly name would make Office refuse the whole file.
export const INVALID_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(text: string): string {
  return text.replace(INVALID_XML_CHARS, '').replace(/[&<>"']/g, (ch) => {
    switch (ch) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&apos;';
    }
  });
}

export interface Part {
  path: string;
  xml: string;
  /** Omitted for .rels parts, which the Default entry covers. */
  contentType?: string;
}

export interface Relationship {
  type: string;
  target: string;
}

export function relsXml(relationships: Relationship[]): string {
  const items = relationships
    .map((rel, i) => `<Relationship Id="rId${i + 1}" Type="${rel.type}" Target="${escapeXml(rel.target)}"/>`)
    .join('');
  return `${XML_DECLARATION}<Relationships xmlns="${NS.packageRels}">${items}</Relationships>`;
}

function contentTypesXml(parts: Part[]): string {
  const overrides = parts
    .filter((part) => part.contentType !== undefined)
    .map((part) => `<Override PartName="/${escapeXml(part.path)}" ContentType="${part.contentType}"/>`)
    .join('');
  return (
    `${XML_DECLARATION}<Types xmlns="${NS.contentTypes}">` +
    `<Default Extension="rels" ContentType="${CT.rels}"/>` +
    `<Default Extension="xml" ContentType="${CT.xml}"/>` +
    overrides +
    '</Types>'
  );
}

export function corePropsPart(title: string): Part {
  return {
    path: 'docProps/core.xml',
    contentType: CT.core,
    xml:
      `${XML_DECLARATION}<cp:coreProperties xmlns:cp="${NS.coreProps}" ` +
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
      'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      `<dc:title>${escapeXml(title)}</dc:title>` +
      `<dc:creator>${GENERATOR}</dc:creator>` +
      `<cp:lastModifiedBy>${GENERATOR}</cp:lastModifiedBy>` +
      `<dcterms:created xsi:type="dcterms:W3CDTF">${CREATED_W3CDTF}</dcterms:created>` +
      `<dcterms:modified xsi:type="dcterms:W3CDTF">${CREATED_W3CDTF}</dcterms:modified>` +
      '</cp:coreProperties>',
  };
}

export function appPropsPart(extra = ''): Part {
  return {
    path: 'docProps/app.xml',
    contentType: CT.app,
    xml:
      `${XML_DECLARATION}<Properties xmlns="${NS.extendedProps}" ` +
      'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
      `<Application>${GENERATOR}</Application>${extra}` +
      '</Properties>',
  };
}

export function packageRelsPart(mainPart: string): Part {
  return {
    path: '_rels/.rels',
    xml: relsXml([
      { type: REL.officeDocument, target: mainPart },
      { type: REL.coreProperties, target: 'docProps/core.xml' },
      { type: REL.extendedProperties, target: 'docProps/app.xml' },
    ]),
  };
}

export function zipPackage(parts: Part[]): Uint8Array {
  // Some consumers sniff the first entry, so [Content_Types].xml goes first as Office writes it.
  const files: Zippable = { '[Content_Types].xml': strToU8(contentTypesXml(parts)) };
  for (const part of parts) files[part.path] = strToU8(part.xml);
  // fflate encodes DOS times with local-time getters, so the Date is built from local components
  // at call time: a fixed UTC instant (or one captured under another TZ) would shift the bytes.
  return zipSync(files, { level: 6, mtime: new Date(2024, 0, 1, 0, 0, 0) });
}
