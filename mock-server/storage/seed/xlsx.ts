import {
  INVALID_XML_CHARS,
  XML_DECLARATION,
  NS,
  appPropsPart,
  corePropsPart,
  escapeXml,
  officeRel,
  packageRelsPart,
  relsXml,
  zipPackage,
  type Part,
  type Relationship,
} from './ooxml.js';

/** An Excel workbook (SpreadsheetML) of one sheet: numbers, shared strings and formulas with cached results. */

/** A formula cell; `result` is written as the cached value so viewers that never recalculate still show it. */
export interface XlsxFormulaCell {
  formula: string;
  result: number;
}

export type XlsxCell = string | number | XlsxFormulaCell;

const S_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

const REL = {
  worksheet: officeRel('worksheet'),
  styles: officeRel('styles'),
  sharedStrings: officeRel('sharedStrings'),
} as const;

const CT = {
  workbook: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  worksheet: 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml',
  styles: 'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml',
  sharedStrings: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml',
} as const;

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
    `${XML_DECLARATION}<worksheet xmlns="${S_NS}" xmlns:r="${NS.officeRels}">` +
    `<dimension ref="${dimension}"/>` +
    '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    '<cols><col min="1" max="1" width="28" customWidth="1"/></cols>' +
    `<sheetData>${rowsXml}</sheetData>` +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
    '</worksheet>';

  // Excel insists on the two reserved fills (none, gray125) and on one xf in each xf list.
  const styles =
    `${XML_DECLARATION}<styleSheet xmlns="${S_NS}">` +
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
      contentType: CT.workbook,
      xml:
        `${XML_DECLARATION}<workbook xmlns="${S_NS}" xmlns:r="${NS.officeRels}">` +
        '<bookViews><workbookView/></bookViews>' +
        `<sheets><sheet name="${escapeXml(options.sheetName)}" sheetId="1" r:id="rId1"/></sheets>` +
        // Matching current Excel's calcId makes it trust the cached formula results instead of recalculating.
        '<calcPr calcId="191029"/>' +
        '</workbook>',
    },
    { path: 'xl/worksheets/sheet1.xml', contentType: CT.worksheet, xml: sheet },
    { path: 'xl/styles.xml', contentType: CT.styles, xml: styles },
  ];
  if (sharedStrings.length > 0) {
    workbookRels.push({ type: REL.sharedStrings, target: 'sharedStrings.xml' });
    parts.push({
      path: 'xl/sharedStrings.xml',
      contentType: CT.sharedStrings,
      xml:
        `${XML_DECLARATION}<sst xmlns="${S_NS}" count="${stringRefs}" uniqueCount="${sharedStrings.length}">` +
        sharedStrings.map((text) => `<si><t xml:space="preserve">${escapeXml(text)}</t></si>`).join('') +
        '</sst>',
    });
  }
  parts.push({ path: 'xl/_rels/workbook.xml.rels', xml: relsXml(workbookRels) }, corePropsPart(options.sheetName), appPropsPart());
  return zipPackage(parts);
}
