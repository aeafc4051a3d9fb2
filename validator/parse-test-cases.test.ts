import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { condense, parseTestCases, TestCasesError } from './parse-test-cases.js';
import { selectTests } from './selection.js';
import { defaultTestCasesFile, testCasesOrigin } from './test-cases-location.js';

/** The real TestCases.xml when it is here (WOPI_VALIDATOR_DATA, or ../shared beside the repository); without it these cases say where it comes from. */
const testCasesFile = defaultTestCasesFile(fileURLToPath(new URL('../../', import.meta.url)));

const sample = `<?xml version="1.0" encoding="utf-8"?>
<WopiValidation>
  <Resources>
    <!-- a comment -->
    <File Id="WordBlankDocument" Name="WordBlankDocument.docx" FilePath="Resources\\WordBlankDocument.docx" />
    <File Id="ZeroByteOfficeDocument" Name="" FilePath="" />
  </Resources>
  <PrereqCases>
    <TestCase Name="LocksPrereq" Category="WopiCore">
      <Description>Locks.</Description>
      <Requests>
        <CheckFileInfo>
          <Validators>
            <JsonResponseContentValidator>
              <BooleanProperty Name="SupportsLocks" ExpectedValue="true" IsRequired="true"/>
            </JsonResponseContentValidator>
          </Validators>
        </CheckFileInfo>
      </Requests>
    </TestCase>
  </PrereqCases>
  <TestGroup Name="Locks" HasDelay="false">
    <PrereqTests>
      <PrereqTest> LocksPrereq </PrereqTest>
    </PrereqTests>
    <TestCases>
      <TestCase Name="LockFormatValidation" Category="wopicore" FailMessage="Lock ids are JSON">
        <Description>
          First line
          continues.

          Second paragraph.
        </Description>
        <Requests>
          <Lock Lock="{&quot;S&quot;:1}" />
          <Unlock Lock="L">
            <SaveState>
              <State Name="V" Source="X-WOPI-ItemVersion" SourceType="Header" />
              <State Name="U" Source="AncestorsWithRootFirst[-1:].Url" />
            </SaveState>
            <Mutators><AccessToken Mutation="INVALID" /><ProofKey MutateOld="true" /></Mutators>
            <Validators>
              <Or>
                <ResponseCodeValidator ExpectedCode="401" />
                <LockMismatchValidator ExpectedLock="" />
              </Or>
              <ResponseHeaderValidator Header="X-WOPI-ItemVersion" ExpectedStateKey="V" ShouldMatch="false" Comparator=" " />
              <ResponseContentValidator ExpectedResourceId="WordBlankDocument" />
              <JsonSchemaValidator Schema="CsppCheckFileInfoSchema" />
              <JsonResponseContentValidator ShouldExist="0">
                <StringProperty Name="Name" EndsWith=".wopitest" IgnoreCase="true" IsRequired="1" />
                <ArrayProperty Name="SupportedShareUrlTypes" ContainsValue="ReadOnly" />
              </JsonResponseContentValidator>
            </Validators>
          </Unlock>
          <PutUserInfo><RequestBody>PutUserInfoTest</RequestBody></PutUserInfo>
          <AddActivities><RequestBody>
            <![CDATA[{ "Activities": [] }]]>
          </RequestBody></AddActivities>
        </Requests>
        <CleanupRequests>
          <Unlock Lock="L" />
        </CleanupRequests>
      </TestCase>
    </TestCases>
  </TestGroup>
</WopiValidation>`;

describe('parseTestCases', () => {
  const suite = parseTestCases(sample);

  test('resources, prerequisite cases and groups', () => {
    assert.deepEqual(suite.resources, [
      { id: 'WordBlankDocument', name: 'WordBlankDocument.docx', filePath: 'Resources\\WordBlankDocument.docx' },
      { id: 'ZeroByteOfficeDocument', name: '', filePath: '' },
    ]);
    assert.deepEqual(
      suite.prereqCases.map((p) => p.name),
      ['LocksPrereq'],
    );
    assert.deepEqual(
      suite.groups.map((g) => ({ name: g.name, hasDelay: g.hasDelay, prereqNames: g.prereqNames, tests: g.testCases.map((t) => t.name) })),
      [{ name: 'Locks', hasDelay: false, prereqNames: ['LocksPrereq'], tests: ['LockFormatValidation'] }],
    );
  });

  test('a test case: category normalised, description condensed, requests in order', () => {
    const testCase = suite.groups[0]!.testCases[0]!;
    assert.equal(testCase.category, 'WopiCore');
    assert.equal(testCase.description, 'First line continues.\nSecond paragraph.');
    assert.equal(testCase.failMessage, 'Lock ids are JSON');
    assert.deepEqual(
      testCase.requests.map((r) => r.operation),
      ['Lock', 'Unlock', 'PutUserInfo', 'AddActivities'],
    );
    assert.deepEqual(testCase.requests[0], {
      operation: 'Lock',
      attributes: { Lock: '{"S":1}' },
      validators: null,
      stateSavers: [],
      mutators: [],
      requestBody: undefined,
    });
    assert.equal(testCase.requests[2]!.requestBody, 'PutUserInfoTest');
    // XElement.Value: CDATA text with the whitespace around it.
    assert.equal(testCase.requests[3]!.requestBody, '\n            { "Activities": [] }\n          ');
    assert.deepEqual(
      testCase.cleanupRequests.map((r) => [r.operation, r.attributes]),
      [['Unlock', { Lock: 'L' }]],
    );
  });

  test('state, mutators and every validator kind', () => {
    const unlock = suite.groups[0]!.testCases[0]!.requests[1]!;
    assert.deepEqual(unlock.stateSavers, [
      { name: 'V', source: 'X-WOPI-ItemVersion', sourceType: 'Header' },
      { name: 'U', source: 'AncestorsWithRootFirst[-1:].Url', sourceType: 'JsonBody' },
    ]);
    assert.deepEqual(unlock.mutators, [{ kind: 'AccessToken', mutation: 'INVALID' }, { kind: 'ProofKey' }]);
    assert.deepEqual(unlock.validators, [
      {
        kind: 'Or',
        validators: [
          { kind: 'ResponseCode', expectedCode: 401 },
          { kind: 'LockMismatch', expectedLock: '' },
        ],
      },
      {
        kind: 'ResponseHeader',
        header: 'X-WOPI-ItemVersion',
        expectedValue: undefined,
        expectedStateKey: 'V',
        comparator: '=',
        isRequired: true,
        shouldMatch: false,
      },
      { kind: 'ResponseContent', expectedResourceId: 'WordBlankDocument', expectedBodyContent: undefined },
      { kind: 'JsonSchema', schema: 'CsppCheckFileInfoSchema' },
      {
        kind: 'JsonResponseContent',
        shouldExist: false,
        properties: [
          {
            kind: 'StringProperty',
            name: 'Name',
            isRequired: true,
            expectedValue: undefined,
            expectedStateKey: undefined,
            endsWith: '.wopitest',
            shouldMatch: true,
            mustIncludeAccessToken: false,
            ignoreCase: true,
          },
          {
            kind: 'ArrayProperty',
            name: 'SupportedShareUrlTypes',
            isRequired: false,
            expectedValue: 'ReadOnly',
            expectedStateKey: undefined,
            endsWith: undefined,
            shouldMatch: true,
            mustIncludeAccessToken: false,
            ignoreCase: false,
          },
        ],
      },
    ]);
  });

  const broken: Array<[string, string, string]> = [
    ['not XML', '<WopiValidation><TestGroup></WopiValidation>', 'TestCases.xml is not well-formed XML'],
    ['no root', '<Other/>', 'TestCases.xml has no <WopiValidation> root element'],
    [
      'empty category',
      '<WopiValidation><PrereqCases><TestCase Name="T" Category=""><Requests/></TestCase></PrereqCases></WopiValidation>',
      'The category of T TestCase is empty',
    ],
    [
      'unknown category',
      '<WopiValidation><PrereqCases><TestCase Name="T" Category="Mobile"><Requests/></TestCase></PrereqCases></WopiValidation>',
      'The category of T TestCase is invalid ("Mobile"; expected one of WopiCore, OfficeOnline, OfficeNativeClient, WopiCoauth)',
    ],
    [
      'no requests',
      '<WopiValidation><PrereqCases><TestCase Name="T" Category="WopiCore"/></PrereqCases></WopiValidation>',
      'test case T has no <Requests>',
    ],
    [
      'unknown validator',
      '<WopiValidation><PrereqCases><TestCase Name="T" Category="WopiCore"><Requests><CheckFileInfo><Validators><Maybe/></Validators></CheckFileInfo></Requests></TestCase></PrereqCases></WopiValidation>',
      "test case T, <CheckFileInfo>: Unknown validator: 'Maybe'",
    ],
    [
      'unknown property',
      '<WopiValidation><PrereqCases><TestCase Name="T" Category="WopiCore"><Requests><CheckFileInfo><Validators><JsonResponseContentValidator><DateProperty Name="X"/></JsonResponseContentValidator></Validators></CheckFileInfo></Requests></TestCase></PrereqCases></WopiValidation>',
      "test case T, <CheckFileInfo> <JsonResponseContentValidator>: Unknown property type: 'DateProperty'",
    ],
    [
      'bad boolean',
      '<WopiValidation><PrereqCases><TestCase Name="T" Category="WopiCore"><Requests><CheckFileInfo><Validators><ResponseHeaderValidator Header="H" IsRequired="yes"/></Validators></CheckFileInfo></Requests></TestCase></PrereqCases></WopiValidation>',
      'test case T, <CheckFileInfo> <ResponseHeaderValidator>: IsRequired "yes" is not true or false',
    ],
    [
      'bad code',
      '<WopiValidation><PrereqCases><TestCase Name="T" Category="WopiCore"><Requests><CheckFileInfo><Validators><ResponseCodeValidator ExpectedCode="ok"/></Validators></CheckFileInfo></Requests></TestCase></PrereqCases></WopiValidation>',
      'test case T, <CheckFileInfo> <ResponseCodeValidator>: ExpectedCode "ok" is not an integer',
    ],
    [
      'bad typed expected value',
      '<WopiValidation><PrereqCases><TestCase Name="T" Category="WopiCore"><Requests><CheckFileInfo><Validators><JsonResponseContentValidator><LongProperty Name="Size" ExpectedValue="big"/></JsonResponseContentValidator></Validators></CheckFileInfo></Requests></TestCase></PrereqCases></WopiValidation>',
      'test case T, <CheckFileInfo> <JsonResponseContentValidator> <LongProperty Name="Size">: ExpectedValue "big" is not a 64-bit integer',
    ],
  ];
  for (const [name, xml, message] of broken) {
    test(`rejects: ${name}`, () => {
      assert.throws(
        () => parseTestCases(xml),
        (error: unknown) => error instanceof TestCasesError && error.message.startsWith(message),
      );
    });
  }
});

test('condense keeps paragraphs, joins lines', () => {
  assert.equal(condense('\n  a\n  b  \n\n  c\n'), 'a b\nc');
});

describe(
  'the validator TestCases.xml of microsoft/wopi-validator-core',
  { skip: testCasesFile === undefined && testCasesOrigin },
  async () => {
    const xml = await readFile(testCasesFile!, 'utf8');
    const suite = parseTestCases(xml);

    test('has the groups, prerequisite cases and resources the notes count', () => {
      assert.equal(suite.groups.length, 33);
      assert.equal(suite.prereqCases.length, 27);
      assert.equal(suite.resources.length, 19);
      assert.equal(suite.groups.flatMap((g) => g.testCases).length, 224);
    });

    test('selects 123 WopiCore and OfficeNativeClient tests, 121 with WopiCore alone', () => {
      const both = selectTests(suite, { categories: ['WopiCore', 'OfficeNativeClient'] });
      assert.equal(both.length, 123);
      assert.deepEqual(
        both.filter((s) => s.test.category === 'OfficeNativeClient').map((s) => s.test.name),
        [
          'containers.LicensingPropertiesOnChildFolderMatchWithParentFolder',
          'CreateChildFile.LicensingPropertiesOnChildFileMatchWithParentFolder',
        ],
      );
      assert.equal(selectTests(suite, { categories: ['WopiCore'] }).length, 121);
    });
  },
);
