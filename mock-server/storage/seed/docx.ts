import { XML_DECLARATION, NS, appPropsPart, corePropsPart, escapeXml, officeRel, packageRelsPart, relsXml, zipPackage } from './ooxml.js';

/** A Word document (WordprocessingML): a Title paragraph, then plain paragraphs. */

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

const CT = {
  document: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
  styles: 'application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml',
} as const;

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
    `${XML_DECLARATION}<w:styles xmlns:w="${W_NS}">` +
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
      contentType: CT.document,
      xml: `${XML_DECLARATION}<w:document xmlns:w="${W_NS}" xmlns:r="${NS.officeRels}"><w:body>${body}</w:body></w:document>`,
    },
    { path: 'word/_rels/document.xml.rels', xml: relsXml([{ type: officeRel('styles'), target: 'styles.xml' }]) },
    { path: 'word/styles.xml', contentType: CT.styles, xml: styles },
    corePropsPart(options.title),
    appPropsPart(),
  ]);
}
