import { createDocx } from './docx.js';
import { createPptx } from './pptx.js';
import { createXlsx } from './xlsx.js';

export { createDocx } from './docx.js';
export { createPptx } from './pptx.js';
export { createXlsx, type XlsxCell, type XlsxFormulaCell } from './xlsx.js';

export interface SeedDocument {
  name: string;
  content: Uint8Array;
}

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
