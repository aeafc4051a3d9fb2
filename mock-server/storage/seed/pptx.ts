import { XML_DECLARATION, NS, appPropsPart, corePropsPart, escapeXml, officeRel, packageRelsPart, relsXml, zipPackage } from './ooxml.js';

/** A PowerPoint deck (PresentationML) of one title slide, with the master, layout and theme it needs. */

const P_NS = 'http://schemas.openxmlformats.org/presentationml/2006/main';
const A_NS = 'http://schemas.openxmlformats.org/drawingml/2006/main';

const REL = {
  slideMaster: officeRel('slideMaster'),
  slideLayout: officeRel('slideLayout'),
  slide: officeRel('slide'),
  theme: officeRel('theme'),
  presProps: officeRel('presProps'),
  viewProps: officeRel('viewProps'),
  tableStyles: officeRel('tableStyles'),
} as const;

const CT = {
  presentation: 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml',
  slide: 'application/vnd.openxmlformats-officedocument.presentationml.slide+xml',
  slideLayout: 'application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml',
  slideMaster: 'application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml',
  presProps: 'application/vnd.openxmlformats-officedocument.presentationml.presProps+xml',
  viewProps: 'application/vnd.openxmlformats-officedocument.presentationml.viewProps+xml',
  tableStyles: 'application/vnd.openxmlformats-officedocument.presentationml.tableStyles+xml',
  theme: 'application/vnd.openxmlformats-officedocument.theme+xml',
} as const;

const PML_NS = `xmlns:a="${A_NS}" xmlns:r="${NS.officeRels}" xmlns:p="${P_NS}"`;

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
  `${XML_DECLARATION}<a:theme xmlns:a="${A_NS}" name="Office Theme"><a:themeElements>` +
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
    { path: 'ppt/presentation.xml', contentType: CT.presentation, xml: presentation },
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
    { path: 'ppt/slides/slide1.xml', contentType: CT.slide, xml: slide },
    { path: 'ppt/slides/_rels/slide1.xml.rels', xml: relsXml([{ type: REL.slideLayout, target: '../slideLayouts/slideLayout1.xml' }]) },
    { path: 'ppt/slideLayouts/slideLayout1.xml', contentType: CT.slideLayout, xml: SLIDE_LAYOUT_XML },
    {
      path: 'ppt/slideLayouts/_rels/slideLayout1.xml.rels',
      xml: relsXml([{ type: REL.slideMaster, target: '../slideMasters/slideMaster1.xml' }]),
    },
    { path: 'ppt/slideMasters/slideMaster1.xml', contentType: CT.slideMaster, xml: SLIDE_MASTER_XML },
    {
      path: 'ppt/slideMasters/_rels/slideMaster1.xml.rels',
      xml: relsXml([
        { type: REL.slideLayout, target: '../slideLayouts/slideLayout1.xml' },
        { type: REL.theme, target: '../theme/theme1.xml' },
      ]),
    },
    { path: 'ppt/theme/theme1.xml', contentType: CT.theme, xml: THEME_XML },
    { path: 'ppt/presProps.xml', contentType: CT.presProps, xml: `${XML_DECLARATION}<p:presentationPr ${PML_NS}/>` },
    {
      path: 'ppt/viewProps.xml',
      contentType: CT.viewProps,
      xml: `${XML_DECLARATION}<p:viewPr ${PML_NS}><p:gridSpacing cx="76200" cy="76200"/></p:viewPr>`,
    },
    {
      path: 'ppt/tableStyles.xml',
      contentType: CT.tableStyles,
      // PowerPoint's built-in "Medium Style 2 - Accent 1"; an unknown GUID here is silently ignored, a missing def is not.
      xml: `${XML_DECLARATION}<a:tblStyleLst xmlns:a="${A_NS}" def="{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"/>`,
    },
    corePropsPart(options.title),
    appPropsPart('<Slides>1</Slides>'),
  ]);
}
