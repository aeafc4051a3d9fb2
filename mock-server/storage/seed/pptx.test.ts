import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AWKWARD_NAME,
  AWKWARD_NAME_ESCAPED,
  assertRoundTrip,
  assertValidPackage,
  parser,
  part,
  relationships,
} from '../../../test-support/ooxml-package.js';
import { createPptx } from './pptx.js';

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
