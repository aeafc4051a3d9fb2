import { strToU8, zipSync } from 'fflate';
import type { Zippable } from 'fflate';

export interface SeedDocument {
  name: string;
  content: Uint8Array;
}

/** A formula cell; `result` is written as the cached value so viewers that never recalculate still show it. */
export interface XlsxFormulaCell {
  formula: string;
  result: number;
}

export type XlsxCell = string | number | XlsxFormulaCell;

const GENERATOR = 'WOPI Mock Host';
// A fixed timestamp keeps the bytes stable: the same input must hash the same for tests and ETags.
const CREATED_W3CDTF = '2024-01-01T00:00:00Z';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const NS = {
  contentTypes: 'http://schemas.openxmlformats.org/package/2006/content-types',
  packageRels: 'http://schemas.openxmlformats.org/package/2006/relationships',
  officeRels: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
  w: 'http://schemas.openxmlformats.org/wordprocessingml/2006/main',
  s: 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
  p: 'http://schemas.openxmlformats.org/presentationml/2006/main',
  a: 'http://schemas.openxmlformats.org/drawingml/2006/main',
  coreProps: 'http://schemas.openxmlformats.org/package/2006/metadata/core-properties',
  extendedProps: 'http://schemas.openxmlformats.org/officeDocument/2006/extended-properties',
} as const;

const REL = {
  officeDocument: `${NS.officeRels}/officeDocument`,
  coreProperties: `${NS.packageRels}/metadata/core-properties`,
  extendedProperties: `${NS.officeRels}/extended-properties`,
  styles: `${NS.officeRels}/styles`,
  worksheet: `${NS.officeRels}/worksheet`,
  sharedStrings: `${NS.officeRels}/sharedStrings`,
  slideMaster: `${NS.officeRels}/slideMaster`,
  slideLayout: `${NS.officeRels}/slideLayout`,
  slide: `${NS.officeRels}/slide`,
  theme: `${NS.officeRels}/theme`,
  presProps: `${NS.officeRels}/presProps`,
  viewProps: `${NS.officeRels}/viewProps`,
  tableStyles: `${NS.officeRels}/tableStyles`,
} as const;

const CT = {
  rels: 'application/vnd.openxmlformats-package.relationships+xml',
  xml: 'application/xml',
  core: 'application/vnd.openxmlformats-package.core-properties+xml',
  app: 'application/vnd.openxmlformats-officedocument.extended-properties+xml',
  docxDocument: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
  docxStyles: 'application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml',
  xlsxWorkbook: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  xlsxWorksheet: 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml',
  xlsxStyles: 'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml',
  xlsxSharedStrings: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml',
  pptxPresentation: 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml',
  pptxSlide: 'application/vnd.openxmlformats-officedocument.presentationml.slide+xml',
  pptxSlideLayout: 'application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml',
  pptxSlideMaster: 'application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml',
  pptxPresProps: 'application/vnd.openxmlformats-officedocument.presentationml.presProps+xml',
  pptxViewProps: 'application/vnd.openxmlformats-officedocument.presentationml.viewProps+xml',
  pptxTableStyles: 'application/vnd.openxmlformats-officedocument.presentationml.tableStyles+xml',
  theme: 'application/vnd.openxmlformats-officedocument.theme+xml',
} as const;

// XML 1.0 forbids most C0 controls and lone surrogates even when escaped; one stray
// character from a user-supplied friendly name would make Office refuse the whole file.
const INVALID_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function escapeXml(text: string): string {
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

interface Part {
  path: string;
  xml: string;
  /** Omitted for .rels parts, which the Default entry covers. */
  contentType?: string;
}

interface Relationship {
  type: string;
  target: string;
}

function relsXml(relationships: Relationship[]): string {
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

function corePropsPart(title: string): Part {
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

function appPropsPart(extra = ''): Part {
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

function packageRelsPart(mainPart: string): Part {
  return {
    path: '_rels/.rels',
    xml: relsXml([
      { type: REL.officeDocument, target: mainPart },
      { type: REL.coreProperties, target: 'docProps/core.xml' },
      { type: REL.extendedProperties, target: 'docProps/app.xml' },
    ]),
  };
}

function zipPackage(parts: Part[]): Uint8Array {
  // Some consumers sniff the first entry, so [Content_Types].xml goes first as Office writes it.
  const files: Zippable = { '[Content_Types].xml': strToU8(contentTypesXml(parts)) };
  for (const part of parts) files[part.path] = strToU8(part.xml);
  // fflate encodes DOS times with local-time getters, so the Date is built from local components
  // at call time: a fixed UTC instant (or one captured under another TZ) would shift the bytes.
  return zipSync(files, { level: 6, mtime: new Date(2024, 0, 1, 0, 0, 0) });
}

// ---------------------------------------------------------------------------
// Word

function wordRun(text: string): string {
  return `<w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r>`;
}

export function createDocx(options: { title: string; paragraphs: string[] }): Uint8Array {
  const body =
    `<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>${wordRun(options.title)}</w:p>` +
    options.paragraphs.map((text) => `<w:p>${wordRun(text)}</w:p>`).join('') +
    // US Letter with 1" margins; without sectPr Word falls back to its locale default, which varies.
    '<w:sectPr><w:pgSz w:w="12240" w:h="15840"/>' +
    '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720" w:gutter="0"/>' +
    '</w:sectPr>';

  const fonts = '<w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="Calibri" w:cs="Calibri"/>';
  const styles =
    `${XML_DECLARATION}<w:styles xmlns:w="${NS.w}">` +
    `<w:docDefaults><w:rPrDefault><w:rPr>${fonts}<w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-US"/></w:rPr></w:rPrDefault>` +
    '<w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="259" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>' +
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>' +
    '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>' +
    '<w:next w:val="Normal"/><w:uiPriority w:val="10"/><w:qFormat/>' +
    '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:contextualSpacing/></w:pPr>' +
    '<w:rPr><w:rFonts w:ascii="Calibri Light" w:hAnsi="Calibri Light" w:eastAsia="Calibri Light" w:cs="Calibri Light"/>' +
    '<w:kern w:val="28"/><w:sz w:val="56"/><w:szCs w:val="56"/></w:rPr></w:style>' +
    '</w:styles>';

  return zipPackage([
    packageRelsPart('word/document.xml'),
    {
      path: 'word/document.xml',
      contentType: CT.docxDocument,
      xml: `${XML_DECLARATION}<w:document xmlns:w="${NS.w}" xmlns:r="${NS.officeRels}"><w:body>${body}</w:body></w:document>`,
    },
    { path: 'word/_rels/document.xml.rels', xml: relsXml([{ type: REL.styles, target: 'styles.xml' }]) },
    { path: 'word/styles.xml', contentType: CT.docxStyles, xml: styles },
    corePropsPart(options.title),
    appPropsPart(),
  ]);
}

// ---------------------------------------------------------------------------
// Excel

const MAX_COLUMNS = 16384;
const MAX_ROWS = 1048576;
const MAX_CELL_TEXT = 32767;

function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  }
  return name;
}

function numberText(value: number, where: string): string {
  // NaN/Infinity have no xsd:double spelling Excel accepts; it would flag the file as corrupt.
  if (!Number.isFinite(value)) throw new RangeError(`Cell ${where} is not a finite number: ${value}`);
  return String(value);
}

// Excel rejects (with a repair prompt) sheet names it would not let a user type.
function assertSheetName(name: string): void {
  if (name.length < 1 || name.length > 31) throw new RangeError('Sheet name must be 1-31 characters');
  if (/[\\/?*:[\]]/.test(name)) throw new RangeError('Sheet name must not contain \\ / ? * : [ ]');
  if (name.startsWith("'") || name.endsWith("'")) throw new RangeError('Sheet name must not start or end with an apostrophe');
  if (name.toLowerCase() === 'history') throw new RangeError('"History" is a reserved sheet name');
  if (name.replace(INVALID_XML_CHARS, '') !== name) throw new RangeError('Sheet name contains characters XML cannot hold');
}

export function createXlsx(options: { sheetName: string; rows: Array<Array<XlsxCell>> }): Uint8Array {
  assertSheetName(options.sheetName);
  if (options.rows.length > MAX_ROWS) throw new RangeError(`At most ${MAX_ROWS} rows fit in a sheet`);

  const sharedStrings: string[] = [];
  const sharedIndex = new Map<string, number>();
  let stringRefs = 0;
  let maxColumn = 0;

  const rowsXml = options.rows
    .map((row, r) => {
      if (row.length > MAX_COLUMNS) throw new RangeError(`Row ${r + 1} has more than ${MAX_COLUMNS} cells`);
      if (row.length === 0) return '';
      maxColumn = Math.max(maxColumn, row.length);
      const cells = row
        .map((cell, c) => {
          const ref = `${columnName(c)}${r + 1}`;
          if (typeof cell === 'number') return `<c r="${ref}"><v>${numberText(cell, ref)}</v></c>`;
          if (typeof cell === 'string') {
            if (cell.length > MAX_CELL_TEXT) throw new RangeError(`Cell ${ref} exceeds ${MAX_CELL_TEXT} characters`);
            let index = sharedIndex.get(cell);
            if (index === undefined) {
              index = sharedStrings.push(cell) - 1;
              sharedIndex.set(cell, index);
            }
            stringRefs++;
            return `<c r="${ref}" t="s"><v>${index}</v></c>`;
          }
          return `<c r="${ref}"><f>${escapeXml(cell.formula)}</f><v>${numberText(cell.result, ref)}</v></c>`;
        })
        .join('');
      return `<row r="${r + 1}">${cells}</row>`;
    })
    .join('');

  const lastRow = options.rows.length;
  const dimension = lastRow === 0 || maxColumn === 0 ? 'A1' : `A1:${columnName(maxColumn - 1)}${lastRow}`;

  const sheet =
    `${XML_DECLARATION}<worksheet xmlns="${NS.s}" xmlns:r="${NS.officeRels}">` +
    `<dimension ref="${dimension}"/>` +
    '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    '<cols><col min="1" max="1" width="28" customWidth="1"/></cols>' +
    `<sheetData>${rowsXml}</sheetData>` +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
    '</worksheet>';

  // Excel insists on the two reserved fills (none, gray125) and on one xf in each xf list.
  const styles =
    `${XML_DECLARATION}<styleSheet xmlns="${NS.s}">` +
    '<fonts count="1"><font><sz val="11"/><color rgb="FF000000"/><name val="Calibri"/><family val="2"/></font></fonts>' +
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>' +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
    '<dxfs count="0"/><tableStyles count="0"/>' +
    '</styleSheet>';

  const workbookRels: Relationship[] = [
    { type: REL.worksheet, target: 'worksheets/sheet1.xml' },
    { type: REL.styles, target: 'styles.xml' },
  ];
  const parts: Part[] = [
    packageRelsPart('xl/workbook.xml'),
    {
      path: 'xl/workbook.xml',
      contentType: CT.xlsxWorkbook,
      xml:
        `${XML_DECLARATION}<workbook xmlns="${NS.s}" xmlns:r="${NS.officeRels}">` +
        '<bookViews><workbookView/></bookViews>' +
        `<sheets><sheet name="${escapeXml(options.sheetName)}" sheetId="1" r:id="rId1"/></sheets>` +
        // Matching current Excel's calcId makes it trust the cached formula results instead of recalculating.
        '<calcPr calcId="191029"/>' +
        '</workbook>',
    },
    { path: 'xl/worksheets/sheet1.xml', contentType: CT.xlsxWorksheet, xml: sheet },
    { path: 'xl/styles.xml', contentType: CT.xlsxStyles, xml: styles },
  ];
  if (sharedStrings.length > 0) {
    workbookRels.push({ type: REL.sharedStrings, target: 'sharedStrings.xml' });
    parts.push({
      path: 'xl/sharedStrings.xml',
      contentType: CT.xlsxSharedStrings,
      xml:
        `${XML_DECLARATION}<sst xmlns="${NS.s}" count="${stringRefs}" uniqueCount="${sharedStrings.length}">` +
        sharedStrings.map((text) => `<si><t xml:space="preserve">${escapeXml(text)}</t></si>`).join('') +
        '</sst>',
    });
  }
  parts.push({ path: 'xl/_rels/workbook.xml.rels', xml: relsXml(workbookRels) }, corePropsPart(options.sheetName), appPropsPart());
  return zipPackage(parts);
}

// ---------------------------------------------------------------------------
// PowerPoint

const PML_NS = `xmlns:a="${NS.a}" xmlns:r="${NS.officeRels}" xmlns:p="${NS.p}"`;

const GROUP_SHAPE_HEADER =
  '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>' +
  '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>';

function fontRefs(kind: 'mj' | 'mn'): string {
  return `<a:latin typeface="+${kind}-lt"/><a:ea typeface="+${kind}-ea"/><a:cs typeface="+${kind}-cs"/>`;
}

function placeholder(args: {
  id: number;
  name: string;
  ph: string;
  xfrm?: { x: number; y: number; cx: number; cy: number };
  bodyPr?: string;
  lstStyle?: string;
  text: string;
}): string {
  const spPr = args.xfrm
    ? `<p:spPr><a:xfrm><a:off x="${args.xfrm.x}" y="${args.xfrm.y}"/><a:ext cx="${args.xfrm.cx}" cy="${args.xfrm.cy}"/></a:xfrm>` +
      '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>'
    : '<p:spPr/>';
  return (
    `<p:sp><p:nvSpPr><p:cNvPr id="${args.id}" name="${args.name}"/>` +
    `<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>${args.ph}</p:nvPr></p:nvSpPr>` +
    spPr +
    `<p:txBody>${args.bodyPr ?? '<a:bodyPr/>'}${args.lstStyle ?? '<a:lstStyle/>'}` +
    `<a:p><a:r><a:rPr lang="en-US" dirty="0"/><a:t>${escapeXml(args.text)}</a:t></a:r></a:p></p:txBody></p:sp>`
  );
}

const THEME_XML =
  `${XML_DECLARATION}<a:theme xmlns:a="${NS.a}" name="Office Theme"><a:themeElements>` +
  '<a:clrScheme name="Office">' +
  '<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>' +
  '<a:dk2><a:srgbClr val="44546A"/></a:dk2><a:lt2><a:srgbClr val="E7E6E6"/></a:lt2>' +
  '<a:accent1><a:srgbClr val="4472C4"/></a:accent1><a:accent2><a:srgbClr val="ED7D31"/></a:accent2>' +
  '<a:accent3><a:srgbClr val="A5A5A5"/></a:accent3><a:accent4><a:srgbClr val="FFC000"/></a:accent4>' +
  '<a:accent5><a:srgbClr val="5B9BD5"/></a:accent5><a:accent6><a:srgbClr val="70AD47"/></a:accent6>' +
  '<a:hlink><a:srgbClr val="0563C1"/></a:hlink><a:folHlink><a:srgbClr val="954F72"/></a:folHlink>' +
  '</a:clrScheme>' +
  '<a:fontScheme name="Office">' +
  '<a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>' +
  '<a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont>' +
  '</a:fontScheme>' +
  '<a:fmtScheme name="Office">' +
  '<a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>' +
  '<a:solidFill><a:schemeClr val="phClr"><a:tint val="50000"/></a:schemeClr></a:solidFill>' +
  '<a:solidFill><a:schemeClr val="phClr"><a:shade val="80000"/></a:schemeClr></a:solidFill></a:fillStyleLst>' +
  '<a:lnStyleLst>' +
  [6350, 12700, 19050]
    .map(
      (w) =>
        `<a:ln w="${w}" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>` +
        '<a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>',
    )
    .join('') +
  '</a:lnStyleLst>' +
  '<a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle>' +
  '<a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst>' +
  '<a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>' +
  '<a:solidFill><a:schemeClr val="phClr"><a:tint val="95000"/></a:schemeClr></a:solidFill>' +
  '<a:solidFill><a:schemeClr val="phClr"><a:shade val="90000"/></a:schemeClr></a:solidFill></a:bgFillStyleLst>' +
  '</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>';

const TEXT_PPR = 'defTabSz="914400" rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="1"';
const TX1_FILL = '<a:solidFill><a:schemeClr val="tx1"/></a:solidFill>';

const SLIDE_MASTER_XML =
  `${XML_DECLARATION}<p:sldMaster ${PML_NS}><p:cSld>` +
  '<p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg>' +
  `<p:spTree>${GROUP_SHAPE_HEADER}` +
  placeholder({
    id: 2,
    name: 'Title Placeholder 1',
    ph: '<p:ph type="title"/>',
    xfrm: { x: 838200, y: 365125, cx: 10515600, cy: 1325563 },
    bodyPr: '<a:bodyPr vert="horz" lIns="91440" tIns="45720" rIns="91440" bIns="45720" rtlCol="0" anchor="ctr"><a:normAutofit/></a:bodyPr>',
    text: 'Click to edit Master title style',
  }) +
  placeholder({
    id: 3,
    name: 'Text Placeholder 2',
    ph: '<p:ph type="body" idx="1"/>',
    xfrm: { x: 838200, y: 1825625, cx: 10515600, cy: 4351338 },
    bodyPr: '<a:bodyPr vert="horz" lIns="91440" tIns="45720" rIns="91440" bIns="45720" rtlCol="0"><a:normAutofit/></a:bodyPr>',
    text: 'Click to edit Master text styles',
  }) +
  '</p:spTree></p:cSld>' +
  '<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" ' +
  'accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>' +
  // Layout ids share one space with the master id (>= 2^31) and must be larger than it.
  '<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst>' +
  '<p:txStyles>' +
  `<p:titleStyle><a:lvl1pPr algn="l" ${TEXT_PPR}><a:lnSpc><a:spcPct val="90000"/></a:lnSpc><a:spcBef><a:spcPct val="0"/></a:spcBef>` +
  `<a:buNone/><a:defRPr sz="4400" kern="1200">${TX1_FILL}${fontRefs('mj')}</a:defRPr></a:lvl1pPr></p:titleStyle>` +
  `<p:bodyStyle><a:lvl1pPr marL="228600" indent="-228600" algn="l" ${TEXT_PPR}><a:lnSpc><a:spcPct val="90000"/></a:lnSpc>` +
  '<a:spcBef><a:spcPts val="1000"/></a:spcBef><a:buFont typeface="Arial"/><a:buChar char="&#8226;"/>' +
  `<a:defRPr sz="2800" kern="1200">${TX1_FILL}${fontRefs('mn')}</a:defRPr></a:lvl1pPr></p:bodyStyle>` +
  `<p:otherStyle><a:defPPr><a:defRPr lang="en-US"/></a:defPPr><a:lvl1pPr marL="0" algn="l" ${TEXT_PPR}>` +
  `<a:defRPr sz="1800" kern="1200">${TX1_FILL}${fontRefs('mn')}</a:defRPr></a:lvl1pPr></p:otherStyle>` +
  '</p:txStyles></p:sldMaster>';

const TITLE_BOX = { x: 1524000, y: 1122363, cx: 9144000, cy: 2387600 };
const SUBTITLE_BOX = { x: 1524000, y: 3602038, cx: 9144000, cy: 1655762 };

const SLIDE_LAYOUT_XML =
  `${XML_DECLARATION}<p:sldLayout ${PML_NS} type="title" preserve="1"><p:cSld name="Title Slide">` +
  `<p:spTree>${GROUP_SHAPE_HEADER}` +
  placeholder({
    id: 2,
    name: 'Title 1',
    ph: '<p:ph type="ctrTitle"/>',
    xfrm: TITLE_BOX,
    bodyPr: '<a:bodyPr anchor="b"/>',
    lstStyle: '<a:lstStyle><a:lvl1pPr algn="ctr"><a:defRPr sz="6000"/></a:lvl1pPr></a:lstStyle>',
    text: 'Click to edit Master title style',
  }) +
  placeholder({
    id: 3,
    name: 'Subtitle 2',
    ph: '<p:ph type="subTitle" idx="1"/>',
    xfrm: SUBTITLE_BOX,
    // The subtitle inherits the master body style; drop its bullet and indent as PowerPoint's own layout does.
    lstStyle: '<a:lstStyle><a:lvl1pPr marL="0" indent="0" algn="ctr"><a:buNone/><a:defRPr sz="2400"/></a:lvl1pPr></a:lstStyle>',
    text: 'Click to edit Master subtitle style',
  }) +
  '</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>';

export function createPptx(options: { title: string; subtitle: string }): Uint8Array {
  const slide =
    `${XML_DECLARATION}<p:sld ${PML_NS}><p:cSld><p:spTree>${GROUP_SHAPE_HEADER}` +
    placeholder({ id: 2, name: 'Title 1', ph: '<p:ph type="ctrTitle"/>', text: options.title }) +
    placeholder({ id: 3, name: 'Subtitle 2', ph: '<p:ph type="subTitle" idx="1"/>', text: options.subtitle }) +
    '</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>';

  const presentation =
    `${XML_DECLARATION}<p:presentation ${PML_NS} saveSubsetFonts="1">` +
    // Master ids live in the 2^31+ range; PowerPoint reports corruption for anything lower.
    '<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>' +
    '<p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst>' +
    '<p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/>' +
    `<p:defaultTextStyle><a:defPPr><a:defRPr lang="en-US"/></a:defPPr><a:lvl1pPr marL="0" algn="l" ${TEXT_PPR}>` +
    `<a:defRPr sz="1800" kern="1200">${TX1_FILL}${fontRefs('mn')}</a:defRPr></a:lvl1pPr></p:defaultTextStyle>` +
    '</p:presentation>';

  return zipPackage([
    packageRelsPart('ppt/presentation.xml'),
    { path: 'ppt/presentation.xml', contentType: CT.pptxPresentation, xml: presentation },
    {
      path: 'ppt/_rels/presentation.xml.rels',
      xml: relsXml([
        { type: REL.slideMaster, target: 'slideMasters/slideMaster1.xml' },
        { type: REL.slide, target: 'slides/slide1.xml' },
        { type: REL.presProps, target: 'presProps.xml' },
        { type: REL.viewProps, target: 'viewProps.xml' },
        { type: REL.theme, target: 'theme/theme1.xml' },
        { type: REL.tableStyles, target: 'tableStyles.xml' },
      ]),
    },
    { path: 'ppt/slides/slide1.xml', contentType: CT.pptxSlide, xml: slide },
    { path: 'ppt/slides/_rels/slide1.xml.rels', xml: relsXml([{ type: REL.slideLayout, target: '../slideLayouts/slideLayout1.xml' }]) },
    { path: 'ppt/slideLayouts/slideLayout1.xml', contentType: CT.pptxSlideLayout, xml: SLIDE_LAYOUT_XML },
    {
      path: 'ppt/slideLayouts/_rels/slideLayout1.xml.rels',
      xml: relsXml([{ type: REL.slideMaster, target: '../slideMasters/slideMaster1.xml' }]),
    },
    { path: 'ppt/slideMasters/slideMaster1.xml', contentType: CT.pptxSlideMaster, xml: SLIDE_MASTER_XML },
    {
      path: 'ppt/slideMasters/_rels/slideMaster1.xml.rels',
      xml: relsXml([
        { type: REL.slideLayout, target: '../slideLayouts/slideLayout1.xml' },
        { type: REL.theme, target: '../theme/theme1.xml' },
      ]),
    },
    { path: 'ppt/theme/theme1.xml', contentType: CT.theme, xml: THEME_XML },
    { path: 'ppt/presProps.xml', contentType: CT.pptxPresProps, xml: `${XML_DECLARATION}<p:presentationPr ${PML_NS}/>` },
    {
      path: 'ppt/viewProps.xml',
      contentType: CT.pptxViewProps,
      xml: `${XML_DECLARATION}<p:viewPr ${PML_NS}><p:gridSpacing cx="76200" cy="76200"/></p:viewPr>`,
    },
    {
      path: 'ppt/tableStyles.xml',
      contentType: CT.pptxTableStyles,
      // PowerPoint's built-in "Medium Style 2 - Accent 1"; an unknown GUID here is silently ignored, a missing def is not.
      xml: `${XML_DECLARATION}<a:tblStyleLst xmlns:a="${NS.a}" def="{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"/>`,
    },
    corePropsPart(options.title),
    appPropsPart('<Slides>1</Slides>'),
  ]);
}

// ---------------------------------------------------------------------------

/** The three documents a new user's root container starts with. */
export function createSeedDocuments(owner: { friendlyName: string }): SeedDocument[] {
  const name = owner.friendlyName;
  const [hosting, licences, coffee] = [1200, 350, 75.5] as const;
  return [
    {
      name: 'Welcome.docx',
      content: createDocx({
        title: `Welcome, ${name}`,
        paragraphs: [
          'This document lives on the WOPI Mock Host.',
          'Edit it, save it and watch the request log show each WOPI call the app makes.',
        ],
      }),
    },
    {
      name: 'Budget.xlsx',
      content: createXlsx({
        sheetName: 'Budget',
        rows: [
          ['Item', 'Amount'],
          ['Hosting', hosting],
          ['Licences', licences],
          ['Coffee', coffee],
          ['Total', { formula: 'SUM(B2:B4)', result: hosting + licences + coffee }],
          [],
          [`Prepared for ${name}`],
        ],
      }),
    },
    {
      name: 'Pitch deck.pptx',
      content: createPptx({ title: 'Pitch deck', subtitle: `Prepared for ${name}` }),
    },
  ];
}
