import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResponseData } from './http.js';
import type { ValidatorDefinition } from './model.js';
import { Resources } from './resources.js';
import { Schemas } from './schemas.js';
import { contentLengthValidator, exceptionValidator, validate, type ValidationContext } from './validators.js';

function response(status: number, headers: Record<string, string> = {}, body: string | Buffer = '', isTextResponse = true): ResponseData {
  return {
    status,
    headers: new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
    isTextResponse,
    elapsedMs: 1,
  };
}

const resources = new Resources([
  { id: 'WordBlankDocument', name: 'WordBlankDocument.docx', filePath: 'Resources\\WordBlankDocument.docx' },
  { id: 'ZeroByteFile', name: 'ZeroByteFile.wopitest', filePath: 'Resources\\ZeroByteFile.wopitest' },
]);
const schemas = Schemas.fromObjects({
  Info: {
    $schema: 'http://json-schema.org/draft-04/schema#',
    type: 'object',
    required: ['BaseFileName'],
    properties: { BaseFileName: { type: 'string' }, Size: { type: 'integer' }, Url: { type: 'string', format: 'uri' } },
  },
});
function context(state: Record<string, string | null> = {}): ValidationContext {
  return { state: new Map(Object.entries(state)), resources, schemas };
}

const header = (overrides: Partial<Extract<ValidatorDefinition, { kind: 'ResponseHeader' }>>): ValidatorDefinition => ({
  kind: 'ResponseHeader',
  header: 'X-WOPI-Lock',
  expectedValue: undefined,
  expectedStateKey: undefined,
  comparator: '=',
  isRequired: true,
  shouldMatch: true,
  ...overrides,
});

describe('ResponseCodeValidator', () => {
  test('passes on the code, names both codes otherwise', () => {
    assert.deepEqual(validate({ kind: 'ResponseCode', expectedCode: 200 }, response(200), context()), []);
    assert.deepEqual(validate({ kind: 'ResponseCode', expectedCode: 200 }, response(501), context()), [
      'Incorrect StatusCode. Expected: 200, Actual: 501',
    ]);
  });
});

describe('ResponseHeaderValidator', () => {
  test('missing header: an error when required, a pass when not', () => {
    assert.deepEqual(validate(header({}), response(200), context()), [`'X-WOPI-Lock' header is not present on the response`]);
    assert.deepEqual(validate(header({ isRequired: false }), response(200), context()), []);
  });
  test('presence only when nothing is expected', () => {
    assert.deepEqual(validate(header({ header: 'X-WOPI-ItemVersion' }), response(200, { 'x-wopi-itemversion': '3' }), context()), []);
  });
  test('= compares case-insensitively, the empty string included', () => {
    assert.deepEqual(validate(header({ expectedValue: 'lockstring' }), response(200, { 'X-WOPI-Lock': 'LockString' }), context()), []);
    assert.deepEqual(validate(header({ expectedValue: '' }), response(200, { 'X-WOPI-Lock': '' }), context()), []);
    assert.deepEqual(validate(header({ expectedValue: 'NewLockString' }), response(200, { 'X-WOPI-Lock': 'LockString' }), context()), [
      `'X-WOPI-Lock' header value is different than expected. Expected: 'NewLockString', Actual: 'LockString'`,
    ]);
  });
  test('ExpectedStateKey wins over ExpectedValue when the state has a value', () => {
    const check = header({ header: 'X-WOPI-ItemVersion', expectedValue: '1', expectedStateKey: 'OriginalVersion' });
    assert.deepEqual(validate(check, response(200, { 'X-WOPI-ItemVersion': '7' }), context({ OriginalVersion: '7' })), []);
    assert.deepEqual(validate(check, response(200, { 'X-WOPI-ItemVersion': '1' }), context({ OriginalVersion: null })), []);
  });
  test('ShouldMatch=false: must differ, and an empty header is not a different value', () => {
    const check = header({ header: 'X-WOPI-ItemVersion', expectedStateKey: 'OriginalVersion', shouldMatch: false });
    assert.deepEqual(validate(check, response(200, { 'X-WOPI-ItemVersion': '2' }), context({ OriginalVersion: '1' })), []);
    assert.deepEqual(validate(check, response(200, { 'X-WOPI-ItemVersion': '1' }), context({ OriginalVersion: '1' })), [
      `'X-WOPI-ItemVersion' header value should not be : '1'`,
    ]);
    assert.deepEqual(validate(header({ expectedValue: '', shouldMatch: false }), response(200, { 'X-WOPI-Lock': '' }), context()), [
      `'X-WOPI-Lock' header value should be any non empty string.`,
    ]);
  });
  test('numeric comparators parse both sides as integers', () => {
    const check = header({ header: 'X-WOPI-SequenceNumber', comparator: '>', expectedStateKey: 'Seq' });
    assert.deepEqual(validate(check, response(200, { 'X-WOPI-SequenceNumber': '5' }), context({ Seq: '4' })), []);
    assert.deepEqual(validate(check, response(200, { 'X-WOPI-SequenceNumber': '4' }), context({ Seq: '4' })), [
      'headerVal:4 > comparedValue:4 comparison failed',
    ]);
    assert.deepEqual(
      validate(
        { ...check, comparator: '>=' } as ValidatorDefinition,
        response(200, { 'X-WOPI-SequenceNumber': '4' }),
        context({ Seq: '4' }),
      ),
      [],
    );
    assert.deepEqual(validate(check, response(200, { 'X-WOPI-SequenceNumber': 'x' }), context({ Seq: '4' })), [
      `'X-WOPI-SequenceNumber' header is present, but its value 'x' can not be parsed to integer`,
    ]);
    assert.deepEqual(validate(check, response(200, { 'X-WOPI-SequenceNumber': '4' }), context()), [
      `expected value '' can not be parsed to integer`,
    ]);
    assert.deepEqual(validate(header({ comparator: '!=' }), response(200, { 'X-WOPI-Lock': 'a' }), context()), [
      `Comparator '!=' is not valid`,
    ]);
  });
});

describe('LockMismatchValidator', () => {
  test('a 409 with the current lock', () => {
    assert.deepEqual(
      validate({ kind: 'LockMismatch', expectedLock: 'LockString' }, response(409, { 'X-WOPI-Lock': 'LockString' }), context()),
      [],
    );
  });
  test('reports both a wrong code and a missing lock', () => {
    assert.deepEqual(validate({ kind: 'LockMismatch', expectedLock: 'LockString' }, response(200), context()), [
      'Incorrect StatusCode. Expected: 409, Actual: 200',
      `'X-WOPI-Lock' header is not present on the response`,
    ]);
  });
  test('an empty expected lock does not require the header (UnlockUnlockedFile)', () => {
    assert.deepEqual(validate({ kind: 'LockMismatch', expectedLock: '' }, response(409), context()), []);
    assert.deepEqual(validate({ kind: 'LockMismatch', expectedLock: '' }, response(409, { 'X-WOPI-Lock': 'other' }), context()), [
      `'X-WOPI-Lock' header value is different than expected. Expected: '', Actual: 'other'`,
    ]);
  });
});

describe('And / Or', () => {
  const c401: ValidatorDefinition = { kind: 'ResponseCode', expectedCode: 401 };
  const c404: ValidatorDefinition = { kind: 'ResponseCode', expectedCode: 404 };
  test('Or passes when one passes, else lists every error', () => {
    assert.deepEqual(validate({ kind: 'Or', validators: [c401, c404] }, response(404), context()), []);
    assert.deepEqual(validate({ kind: 'Or', validators: [c401, c404] }, response(200), context()), [
      'Incorrect StatusCode. Expected: 401, Actual: 200',
      'Incorrect StatusCode. Expected: 404, Actual: 200',
    ]);
  });
  test('And needs all', () => {
    assert.deepEqual(validate({ kind: 'And', validators: [c401, c404] }, response(404), context()), [
      'Incorrect StatusCode. Expected: 401, Actual: 404',
    ]);
  });
});

describe('ResponseContentValidator', () => {
  test('compares with the synthetic resource content', () => {
    const v: ValidatorDefinition = { kind: 'ResponseContent', expectedResourceId: 'WordBlankDocument', expectedBodyContent: undefined };
    assert.deepEqual(
      validate(v, response(200, {}, 'WordBlankDocumentResources\\WordBlankDocument.docxWordBlankDocument.docx', false), context()),
      [],
    );
    assert.deepEqual(validate(v, response(200, {}, 'other', false), context()), [
      'Response body does not match expected content. Expected stream length: 71, actual stream length: 5',
    ]);
  });
  test('ZeroByteFile is empty; ExpectedBodyContent may come from state', () => {
    assert.deepEqual(
      validate(
        { kind: 'ResponseContent', expectedResourceId: 'ZeroByteFile', expectedBodyContent: undefined },
        response(200, {}, '', false),
        context(),
      ),
      [],
    );
    assert.deepEqual(
      validate(
        { kind: 'ResponseContent', expectedResourceId: undefined, expectedBodyContent: '$State:Body' },
        response(200, {}, 'hello'),
        context({ Body: 'hello' }),
      ),
      [],
    );
  });
});

describe('JsonSchemaValidator', () => {
  const v: ValidatorDefinition = { kind: 'JsonSchema', schema: 'Info' };
  test('passes a conforming body', () => {
    assert.deepEqual(validate(v, response(200, {}, '{"BaseFileName":"a.wopitest","Size":3,"Url":"https://h/x"}'), context()), []);
  });
  test('reports missing, mistyped and malformed properties', () => {
    assert.deepEqual(validate(v, response(200, {}, '{"Size":"3","Url":"not a uri"}'), context()), [
      'Property Required: BaseFileName',
      'Size must be integer',
      'Url must match format "uri"',
    ]);
  });
  test('an empty or non-JSON body', () => {
    assert.deepEqual(validate(v, response(200, {}, ''), context()), ["Couldn't read response content."]);
    assert.deepEqual(validate(v, response(200, {}, '<html>'), context()), [
      'JsonReaderException thrown while parsing JSON. Are you sure the response is JSON?',
    ]);
  });
});

describe('implicit validators', () => {
  test('ContentLength: the declared length must match the body', () => {
    assert.deepEqual(contentLengthValidator(response(200, { 'Content-Length': '3' }, 'abc')), []);
    assert.deepEqual(contentLengthValidator(response(200, {}, 'abc')), []);
    assert.deepEqual(contentLengthValidator(response(200, { 'Content-Length': '4' }, 'abc')), [
      `Actual content length '3' of response does not match value in header content-length '4'`,
    ]);
  });
  test('Exception: a request that got no response', () => {
    assert.deepEqual(exceptionValidator(response(306, { 'X-WOPI-ValidatorError': 'ECONNREFUSED: connect ECONNREFUSED' })), [
      'ECONNREFUSED: connect ECONNREFUSED',
    ]);
    assert.deepEqual(exceptionValidator(response(500)), []);
  });
});
