import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { categories, type Category } from './constants.js';
import {
  propertyKinds,
  type MutatorDefinition,
  type PropertyDefinition,
  type PropertyKind,
  type RequestDefinition,
  type ResourceDefinition,
  type StateDefinition,
  type TestCaseDefinition,
  type TestGroupDefinition,
  type TestSuite,
  type ValidatorDefinition,
} from './model.js';

/** A `TestCases.xml` that cannot be read as the validator reads it; the message names the place. */
export class TestCasesError extends Error {}

/** fast-xml-parser's ordered form: `{ Tag: children, ':@': attributes }` or `{ '#text': text }`. */
type XmlNode = Record<string, unknown>;

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  // XElement.Value keeps whitespace; RequestBody text is sent as written.
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Reads a `TestCases.xml` into the suite model, checking what the validator's factories check. */
export function parseTestCases(xml: string): TestSuite {
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true)
    throw new TestCasesError(`TestCases.xml is not well-formed XML: ${wellFormed.err.msg} (line ${wellFormed.err.line})`);
  const root = elementsOf(parser.parse(xml) as XmlNode[]).find((e) => e.name === 'WopiValidation');
  if (!root) throw new TestCasesError('TestCases.xml has no <WopiValidation> root element');

  const resources = childElements(root, 'Resources')
    .flatMap((r) => childElements(r, 'File'))
    .map(parseResource);
  const prereqCases = childElements(root, 'PrereqCases')
    .flatMap((p) => childElements(p, 'TestCase'))
    .map(parseTestCase);
  const groups = childElements(root, 'TestGroup').map(parseGroup);
  return { resources, prereqCases, groups };
}

function parseResource(file: Element): ResourceDefinition {
  // Null attributes concatenate as empty strings in the validator's content rule.
  return {
    id: required(file, 'Id', 'a <File> resource'),
    name: file.attributes['Name'] ?? '',
    filePath: file.attributes['FilePath'] ?? '',
  };
}

function parseGroup(group: Element): TestGroupDefinition {
  const name = required(group, 'Name', 'a <TestGroup>');
  return {
    name,
    hasDelay: optionalBoolean(group, 'HasDelay', `group ${name}`) ?? false,
    prereqNames: childElements(group, 'PrereqTests')
      .flatMap((p) => childElements(p, 'PrereqTest'))
      .map((p) => textOf(p).trim()),
    testCases: childElements(group, 'TestCases')
      .flatMap((t) => childElements(t, 'TestCase'))
      .map(parseTestCase),
  };
}

function parseTestCase(testCase: Element): TestCaseDefinition {
  const name = required(testCase, 'Name', 'a <TestCase>');
  const where = `test case ${name}`;
  const category = testCase.attributes['Category'];
  // Validator TestCaseFactory.DoesTestCategoryMatchTargetTestCategory: an empty or unknown category is an error.
  if (!category) throw new TestCasesError(`The category of ${name} TestCase is empty`);
  const known = categories.find((c) => c.toLowerCase() === category.trim().toLowerCase());
  if (!known)
    throw new TestCasesError(`The category of ${name} TestCase is invalid ("${category}"; expected one of ${categories.join(', ')})`);
  const requests = childElements(testCase, 'Requests')[0];
  if (!requests) throw new TestCasesError(`${where} has no <Requests>`);
  const cleanup = childElements(testCase, 'CleanupRequests')[0];
  const description = childElements(testCase, 'Description')[0];
  return {
    name,
    category: known satisfies Category,
    description: description ? condense(textOf(description)) : '',
    failMessage: testCase.attributes['FailMessage'],
    requests: elementsOf(requests.children).map((r) => parseRequest(r, where)),
    cleanupRequests: cleanup ? elementsOf(cleanup.children).map((r) => parseRequest(r, `${where} (cleanup)`)) : [],
  };
}

function parseRequest(request: Element, where: string): RequestDefinition {
  const at = `${where}, <${request.name}>`;
  const validators = childElements(request, 'Validators')[0];
  const saveState = childElements(request, 'SaveState')[0];
  const mutators = childElements(request, 'Mutators')[0];
  const body = childElements(request, 'RequestBody')[0];
  const bodyText = body ? textOf(body) : '';
  for (const name of ['OverwriteRelative', 'LockUserVisible']) optionalBoolean(request, name, at);
  return {
    operation: request.name,
    attributes: request.attributes,
    validators: validators ? elementsOf(validators.children).map((v) => parseValidator(v, at)) : null,
    stateSavers: saveState ? elementsOf(saveState.children).map((s) => parseState(s, at)) : [],
    mutators: mutators ? elementsOf(mutators.children).map(parseMutator) : [],
    requestBody: bodyText === '' ? undefined : bodyText,
  };
}

function parseState(state: Element, at: string): StateDefinition {
  const name = required(state, 'Name', `${at} <State>`);
  const source = required(state, 'Source', `${at} <State Name="${name}">`);
  // Validator StateFactory: an unknown SourceType silently means JsonBody.
  const sourceType = state.attributes['SourceType']?.trim().toLowerCase() === 'header' ? 'Header' : 'JsonBody';
  return { name, source, sourceType };
}

function parseMutator(mutator: Element): MutatorDefinition {
  switch (mutator.name) {
    case 'AccessToken':
      return { kind: 'AccessToken', mutation: mutator.attributes['Mutation'] };
    case 'ProofKey':
      return { kind: 'ProofKey' };
    default:
      return { kind: 'Unsupported', element: mutator.name };
  }
}

function parseValidator(validator: Element, at: string): ValidatorDefinition {
  const where = `${at} <${validator.name}>`;
  const a = validator.attributes;
  switch (validator.name) {
    case 'ResponseCodeValidator':
      return { kind: 'ResponseCode', expectedCode: requiredInteger(validator, 'ExpectedCode', where) };
    case 'ResponseHeaderValidator':
      return {
        kind: 'ResponseHeader',
        header: required(validator, 'Header', where),
        expectedValue: a['ExpectedValue'],
        expectedStateKey: a['ExpectedStateKey'],
        // Validator ResponseHeaderValidator: a blank comparator means "=".
        comparator: a['Comparator'] === undefined || a['Comparator'].trim() === '' ? '=' : a['Comparator'],
        isRequired: optionalBoolean(validator, 'IsRequired', where) ?? true,
        shouldMatch: optionalBoolean(validator, 'ShouldMatch', where) ?? true,
      };
    case 'JsonResponseContentValidator':
      return {
        kind: 'JsonResponseContent',
        shouldExist: optionalBoolean(validator, 'ShouldExist', where) ?? true,
        properties: elementsOf(validator.children).map((p) => parseProperty(p, where)),
      };
    case 'JsonSchemaValidator':
      return { kind: 'JsonSchema', schema: required(validator, 'Schema', where) };
    case 'LockMismatchValidator':
      return { kind: 'LockMismatch', expectedLock: a['ExpectedLock'] };
    case 'ResponseContentValidator': {
      const expectedResourceId = a['ExpectedResourceId'];
      const expectedBodyContent = a['ExpectedBodyContent'];
      if (expectedResourceId && expectedBodyContent)
        throw new TestCasesError(`${where}: Both expectedBodyContent and resourceId are not null/empty.`);
      return { kind: 'ResponseContent', expectedResourceId, expectedBodyContent };
    }
    case 'And':
    case 'Or':
      return { kind: validator.name, validators: elementsOf(validator.children).map((v) => parseValidator(v, at)) };
    case 'FramesValidator':
      return { kind: 'Unsupported', element: validator.name };
    default:
      throw new TestCasesError(`${at}: Unknown validator: '${validator.name}'`);
  }
}

function parseProperty(property: Element, at: string): PropertyDefinition {
  const kind = propertyKinds.find((k) => k === property.name);
  if (!kind) throw new TestCasesError(`${at}: Unknown property type: '${property.name}'`);
  const where = `${at} <${kind} Name="${property.attributes['Name'] ?? ''}">`;
  const a = property.attributes;
  const expectedValue = kind === 'ArrayProperty' ? a['ContainsValue'] : a['ExpectedValue'];
  // The validator converts typed ExpectedValues while reading the file, so a bad one stops the run there.
  if (expectedValue !== undefined) checkTypedValue(kind, expectedValue, where);
  return {
    kind,
    name: a['Name'] ?? '',
    isRequired: optionalBoolean(property, 'IsRequired', where) ?? false,
    expectedValue,
    expectedStateKey: a['ExpectedStateKey'],
    endsWith: a['EndsWith'],
    shouldMatch: optionalBoolean(property, 'ShouldMatch', where) ?? true,
    mustIncludeAccessToken: optionalBoolean(property, 'MustIncludeAccessToken', where) ?? false,
    ignoreCase: optionalBoolean(property, 'IgnoreCase', where) ?? false,
  };
}

function checkTypedValue(kind: PropertyKind, value: string, where: string): void {
  if (kind === 'BooleanProperty' && parseXmlBoolean(value) === undefined)
    throw new TestCasesError(`${where}: ExpectedValue "${value}" is not a boolean`);
  if ((kind === 'IntegerProperty' || kind === 'ArrayLengthProperty') && !isXmlInteger(value, 32))
    throw new TestCasesError(`${where}: ExpectedValue "${value}" is not a 32-bit integer`);
  if (kind === 'LongProperty' && !isXmlInteger(value, 64))
    throw new TestCasesError(`${where}: ExpectedValue "${value}" is not a 64-bit integer`);
  if (kind === 'StringRegexProperty') {
    try {
      new RegExp(value);
    } catch {
      throw new TestCasesError(`${where}: ExpectedValue "${value}" is not a valid regular expression`);
    }
  }
}

/** XmlConvert.ToBoolean: `true`/`1`/`false`/`0`, surrounding whitespace allowed. */
export function parseXmlBoolean(value: string): boolean | undefined {
  const trimmed = value.trim();
  if (trimmed === 'true' || trimmed === '1') return true;
  if (trimmed === 'false' || trimmed === '0') return false;
  return undefined;
}

function isXmlInteger(value: string, bits: 32 | 64): boolean {
  const trimmed = value.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return false;
  const n = BigInt(trimmed);
  const limit = 1n << BigInt(bits - 1);
  return n >= -limit && n < limit;
}

function required(element: Element, name: string, what: string): string {
  const value = element.attributes[name];
  if (value === undefined) throw new TestCasesError(`${what} has no ${name} attribute`);
  return value;
}

function requiredInteger(element: Element, name: string, where: string): number {
  const value = required(element, name, where);
  if (!isXmlInteger(value, 32)) throw new TestCasesError(`${where}: ${name} "${value}" is not an integer`);
  return Number(value.trim());
}

function optionalBoolean(element: Element, name: string, where: string): boolean | undefined {
  const value = element.attributes[name];
  if (value === undefined) return undefined;
  const parsed = parseXmlBoolean(value);
  if (parsed === undefined) throw new TestCasesError(`${where}: ${name} "${value}" is not true or false`);
  return parsed;
}

function elementsOf(nodes: XmlNode[]): Element[] {
  const elements: Element[] = [];
  for (const node of nodes) {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (name === undefined || name === '#text' || name.startsWith('?')) continue;
    elements.push({
      name,
      attributes: (node[':@'] as Record<string, string> | undefined) ?? {},
      children: (node[name] as XmlNode[] | undefined) ?? [],
    });
  }
  return elements;
}

function childElements(parent: Element, name: string): Element[] {
  return elementsOf(parent.children).filter((e) => e.name === name);
}

/** XElement.Value: the concatenated text of the element and its descendants. */
function textOf(element: Element): string {
  return element.children
    .map((node) => {
      if ('#text' in node) return String(node['#text']);
      const [child] = elementsOf([node]);
      return child ? textOf(child) : '';
    })
    .join('');
}

/** Validator TestCaseFactory.CondenseMultiLineString: one line per paragraph, lines trimmed. */
export function condense(input: string): string {
  return input
    .trim()
    .replace(/^[ \t]+|[ \t]+$/gm, '')
    .replace(/(\r\n){2,}|\n{2,}/g, '|-DOUBLE-|')
    .replace(/(\r\n)+|\n+/g, ' ')
    .replaceAll('|-DOUBLE-|', '\n');
}
