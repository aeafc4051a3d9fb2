import { Header, noResponseStatus } from './constants.js';
import { bodyText, headerValue, type ResponseData } from './http.js';
import { stringToInteger } from './json-token.js';
import { jsonResponseContent } from './json-properties.js';
import type { ValidatorDefinition } from './model.js';
import type { Resources } from './resources.js';
import type { Schemas } from './schemas.js';
import { expectedFromState, resolveStateReference, type SavedState } from './state.js';

/**
 * The validator's response checks (`src/WopiValidator.Core/Validators/`), one function per kind.
 * Each returns the failure messages; an empty list is a pass. Messages follow the validator's wording.
 */

export interface ValidationContext {
  state: SavedState;
  resources: Resources;
  schemas: Schemas;
}

export function validate(definition: ValidatorDefinition, response: ResponseData, context: ValidationContext): string[] {
  switch (definition.kind) {
    case 'ResponseCode':
      return responseCode(definition.expectedCode, response);
    case 'ResponseHeader':
      return responseHeader(definition, response, context.state);
    case 'JsonResponseContent':
      return jsonResponseContent(definition.properties, definition.shouldExist, response, context.state);
    case 'JsonSchema':
      return jsonSchema(definition.schema, response, context.schemas);
    case 'LockMismatch':
      // Validator LockMismatchValidator: a 409 AND the current lock in X-WOPI-Lock (required unless expected empty).
      return [
        ...responseCode(409, response),
        ...responseHeader(
          {
            header: Header.Lock,
            expectedValue: definition.expectedLock,
            expectedStateKey: undefined,
            comparator: '=',
            isRequired: !!definition.expectedLock,
            shouldMatch: true,
          },
          response,
          context.state,
        ),
      ];
    case 'ResponseContent':
      return responseContent(definition.expectedResourceId, definition.expectedBodyContent, response, context);
    case 'And':
      return definition.validators.flatMap((v) => validate(v, response, context));
    case 'Or': {
      const results = definition.validators.map((v) => validate(v, response, context));
      return results.some((errors) => errors.length === 0) ? [] : results.flat();
    }
    case 'Unsupported':
      return [`${definition.element} is not supported by this runner (it belongs to the WopiCoauth tests)`];
  }
}

/** Added to every request that declares validators: a transport failure is a failure. */
export function exceptionValidator(response: ResponseData): string[] {
  const error = headerValue(response, Header.ValidatorError);
  return response.status === noResponseStatus && error !== undefined ? [error] : [];
}

/** Always applied: a declared Content-Length must equal the bytes received. */
export function contentLengthValidator(response: ResponseData): string[] {
  const declared = headerValue(response, 'Content-Length');
  if (declared === undefined) return [];
  if (!/^\s*\d+\s*$/.test(declared)) return [`Content-Length header '${declared}' is not a number`];
  if (Number(declared) === response.body.length) return [];
  return [`Actual content length '${response.body.length}' of response does not match value in header content-length '${declared.trim()}'`];
}

export function responseCode(expected: number, response: ResponseData): string[] {
  return response.status === expected ? [] : [`Incorrect StatusCode. Expected: ${expected}, Actual: ${response.status}`];
}

type HeaderCheck = Omit<Extract<ValidatorDefinition, { kind: 'ResponseHeader' }>, 'kind'>;

export function responseHeader(check: HeaderCheck, response: ResponseData, state: SavedState): string[] {
  const actual = headerValue(response, check.header);
  if (actual === undefined) return check.isRequired ? [`'${check.header}' header is not present on the response`] : [];
  const expected = expectedFromState(check.expectedStateKey, state) ?? check.expectedValue;
  switch (check.comparator) {
    case '=':
      return headerEquals(check, actual, expected);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return headerCompare(check.header, actual, check.comparator, expected);
    default:
      return [`Comparator '${check.comparator}' is not valid`];
  }
}

function headerEquals(check: HeaderCheck, actual: string, expected: string | undefined): string[] {
  if (expected === undefined) return [];
  if (!check.shouldMatch && actual === '' && expected === '') return [`'${check.header}' header value should be any non empty string.`];
  const matches = actual.toUpperCase() === expected.toUpperCase();
  if (check.shouldMatch && !matches)
    return [`'${check.header}' header value is different than expected. Expected: '${expected}', Actual: '${actual}'`];
  if (!check.shouldMatch && matches) return [`'${check.header}' header value should not be : '${expected}'`];
  return [];
}

function headerCompare(header: string, actual: string, comparator: '<' | '<=' | '>' | '>=', expected: string | undefined): string[] {
  const parse = (text: string | undefined) => {
    try {
      return text === undefined ? undefined : stringToInteger(text, 32);
    } catch {
      return undefined;
    }
  };
  const a = parse(actual);
  if (a === undefined) return [`'${header}' header is present, but its value '${actual}' can not be parsed to integer`];
  const e = parse(expected);
  if (e === undefined) return [`expected value '${expected ?? ''}' can not be parsed to integer`];
  const holds = comparator === '<' ? a < e : comparator === '<=' ? a <= e : comparator === '>' ? a > e : a >= e;
  return holds ? [] : [`headerVal:${a} ${comparator} comparedValue:${e} comparison failed`];
}

function responseContent(
  resourceId: string | undefined,
  bodyContent: string | undefined,
  response: ResponseData,
  context: ValidationContext,
): string[] {
  let expected: Buffer;
  if (bodyContent) {
    const content = resolveStateReference(bodyContent, context.state);
    if (content === null) return [`ExpectedBodyContent ${bodyContent} has no saved value`];
    expected = Buffer.from(content, 'utf8');
  } else expected = context.resources.content(resourceId);
  if (expected.equals(response.body)) return [];
  return [
    `Response body does not match expected content. Expected stream length: ${expected.length}, actual stream length: ${response.body.length}`,
  ];
}

/** Validator JsonSchemaValidator, including its check that Unix-second timestamps are within ten years of now. */
function jsonSchema(schema: string, response: ResponseData, schemas: Schemas): string[] {
  if (!response.isTextResponse) return ['The JsonSchemaValidator can only be used on requests that have a JSON response.'];
  const text = bodyText(response);
  if (text === '') return ["Couldn't read response content."];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return ['JsonReaderException thrown while parsing JSON. Are you sure the response is JSON?'];
  }
  const errors = schemas.validate(schema, value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const now = Date.now() / 1000;
    const tenYears = 10 * 365.25 * 24 * 3600;
    for (const property of ['AccessTokenExpiry', 'ServerTime']) {
      const seconds = (value as Record<string, unknown>)[property];
      if (typeof seconds === 'number' && (seconds < now - tenYears || seconds > now + tenYears)) {
        errors.push(
          `Property '${property}' has timestamp value '${seconds}' that is outside the valid range. Timestamps should be within 10 years of current time.`,
        );
      }
    }
  }
  return errors;
}
