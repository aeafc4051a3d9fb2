import { bodyText, type ResponseData } from './http.js';
import {
  FormatError,
  JsonTokenError,
  parseJsonObject,
  selectToken,
  stringToBoolean,
  stringToInteger,
  tokenToBoolean,
  tokenToInteger,
  tokenToString,
  tokenType,
  type JsonValue,
} from './json-token.js';
import type { PropertyDefinition } from './model.js';
import { expectedFromState, type SavedState } from './state.js';
import { getQueryParameterValue, isAbsoluteUrl } from './url-helper.js';

/**
 * The validator's JsonResponseContentValidator and its property checks
 * (`Validators/JsonContentValidator.cs`). Messages follow the validator's wording.
 */

export function jsonResponseContent(
  properties: PropertyDefinition[],
  shouldExist: boolean,
  response: ResponseData,
  state: SavedState,
): string[] {
  const text = bodyText(response);
  if (!response.isTextResponse || text === '')
    return shouldExist ? ["Response body should exist, but couldn't read resource content."] : [];
  if (!shouldExist) return ["Response body shouldn't exist."];
  try {
    const root = parseJsonObject(text);
    const errors: string[] = [];
    for (const property of properties) {
      const message = checkProperty(property, selectToken(root, property.name), state);
      if (message !== null) errors.push(`Incorrect value for '${property.name}' property. ${message}`);
    }
    return errors;
  } catch (error) {
    if (error instanceof JsonTokenError) return [`JsonContentValidator: ${error.message}`];
    throw error;
  }
}

/** Json.NET `IsActualValueNullOrEmpty`: missing, null, "", [] or {}. */
function isNullOrEmpty(token: JsonValue | undefined): boolean {
  if (token === undefined || token === null || token === '') return true;
  if (Array.isArray(token)) return token.length === 0;
  return typeof token === 'object' && Object.keys(token).length === 0;
}

/** One property validator; null when it holds, else the message after "Incorrect value for …". */
export function checkProperty(property: PropertyDefinition, token: JsonValue | undefined, state: SavedState): string | null {
  switch (property.kind) {
    case 'AbsoluteUrlProperty':
      return absoluteUrl(property, token);
    case 'StringRegexProperty':
      return stringRegex(property, token);
    case 'ArrayLengthProperty':
      return arrayLength(property, token);
    case 'ResponseBodyProperty':
      return responseBody(property, token);
    default:
      return equality(property, token, state);
  }
}

type Converted = { ok: true; value: boolean | number | string } | { ok: false; message: string };

/** `Value<T>()` for the property's type; a FormatException means "not equal", anything else is reported. */
function convertToken(property: PropertyDefinition, token: JsonValue): Converted {
  try {
    switch (property.kind) {
      case 'BooleanProperty':
        return { ok: true, value: tokenToBoolean(token) };
      case 'IntegerProperty':
        return { ok: true, value: tokenToInteger(token, 32) };
      case 'LongProperty':
        return { ok: true, value: tokenToInteger(token, 64) };
      default:
        return { ok: true, value: tokenToString(token) ?? '' };
    }
  } catch (error) {
    if (error instanceof FormatError) return { ok: false, message: describeToken(token) };
    throw error;
  }
}

/** `Convert.ChangeType(text, T)` for an ExpectedValue or a saved state value. */
function convertText(property: PropertyDefinition, text: string): boolean | number | string {
  switch (property.kind) {
    case 'BooleanProperty':
      return stringToBoolean(text);
    case 'IntegerProperty':
      return stringToInteger(text, 32);
    case 'LongProperty':
      return stringToInteger(text, 64);
    default:
      return text;
  }
}

const typeNames: Partial<Record<PropertyDefinition['kind'], string>> = {
  BooleanProperty: 'System.Boolean',
  IntegerProperty: 'System.Int32',
  LongProperty: 'System.Int64',
};

function format(value: boolean | number | string): string {
  return typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
}

function describeToken(token: JsonValue): string {
  return typeof token === 'object' && token !== null ? JSON.stringify(token) : (tokenToString(token) ?? '');
}

/** JsonPropertyEqualityValidator and its String/Boolean/Integer/Long/Array subclasses. */
function equality(property: PropertyDefinition, token: JsonValue | undefined, state: SavedState): string | null {
  if (isNullOrEmpty(token)) return property.isRequired ? 'Required property missing' : stringEndsWith(property, token);
  const actualToken = token as JsonValue;
  const hasExpectedValue = property.expectedValue !== undefined;
  const defaultExpected = hasExpectedValue ? convertText(property, property.expectedValue!) : undefined;
  let expected = defaultExpected;
  let hasStateValue = false;
  const fromState = expectedFromState(property.expectedStateKey, state);
  if (fromState !== undefined) {
    try {
      expected = convertText(property, fromState);
      hasStateValue = true;
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      if (!hasExpectedValue) return `ExpectedStateValue should be of type : ${typeNames[property.kind] ?? 'System.String'}`;
    }
  }
  if (hasExpectedValue || hasStateValue) {
    const mismatch =
      property.kind === 'ArrayProperty'
        ? arrayContains(actualToken, String(expected))
        : compare(property, actualToken, expected!, defaultExpected);
    if (mismatch !== null) return mismatch;
  }
  return stringEndsWith(property, token);
}

function compare(
  property: PropertyDefinition,
  token: JsonValue,
  expected: boolean | number | string,
  defaultExpected: boolean | number | string | undefined,
): string | null {
  const actual = convertToken(property, token);
  if (property.kind === 'StringProperty' && property.ignoreCase && actual.ok) {
    const equal = String(actual.value).toLowerCase() === String(expected).toLowerCase();
    return equal ? null : `Expected: '${expected} (case-insensitive)', Actual: '${actual.value}'`;
  }
  if (actual.ok && actual.value === expected) return null;
  // The validator prints the ExpectedValue attribute here even when it compared against saved state.
  return `Expected: '${defaultExpected === undefined ? '' : format(defaultExpected)}', Actual: '${actual.ok ? format(actual.value) : actual.message}'`;
}

/** JsonArrayPropertyValidator: the array contains the value, compared case-insensitively. */
function arrayContains(token: JsonValue, expected: string): string | null {
  if (!Array.isArray(token)) return `Expected an array containing '${expected}', Actual: '${describeToken(token)}'`;
  const items = token.map((item) => (typeof item === 'object' && item !== null ? JSON.stringify(item) : (tokenToString(item) ?? '')));
  return items.some((item) => item.toLowerCase() === expected.toLowerCase())
    ? null
    : `Expected: '${expected}', Actual: '${JSON.stringify(token)}'`;
}

/** JsonStringPropertyValidator's EndsWith check, run after the equality checks pass. */
function stringEndsWith(property: PropertyDefinition, token: JsonValue | undefined): string | null {
  if (property.kind !== 'StringProperty' || property.endsWith === undefined || property.endsWith.trim() === '') return null;
  // The validator reads the value unconditionally here; a missing optional property makes it throw.
  if (token === undefined || token === null) return `Expected to end with: '${property.endsWith}', Actual: no value`;
  const actual = tokenToString(token) ?? '';
  const holds = property.ignoreCase ? actual.toLowerCase().endsWith(property.endsWith.toLowerCase()) : actual.endsWith(property.endsWith);
  return holds ? null : `Expected to end with: '${property.endsWith}', Actual: '${actual}'`;
}

function absoluteUrl(property: PropertyDefinition, token: JsonValue | undefined): string | null {
  if (isNullOrEmpty(token)) return property.isRequired ? 'Value is required but not provided.' : null;
  const value = tokenToString(token as JsonValue) ?? '';
  if (!isAbsoluteUrl(value)) return `Cannot parse ${value} as absolute URL`;
  // The validator's helper for this is named IncludesAccessToken but returns true when the token is absent.
  if (property.mustIncludeAccessToken && getQueryParameterValue(value, 'access_token') === null)
    return `URL '${value}' does not include the 'access_token' query parameter`;
  return null;
}

function stringRegex(property: PropertyDefinition, token: JsonValue | undefined): string | null {
  if (token === undefined && !property.isRequired) return null;
  const pattern = new RegExp(property.expectedValue ?? '', property.ignoreCase ? 'i' : '');
  const value = token === undefined ? null : tokenToString(token);
  if (value === null || value === '') return `Value null doesn't match the expected regular expression '${pattern.source}'`;
  const matches = pattern.test(value);
  if (property.shouldMatch && !matches) return `Value '${value}' doesn't match the expected regular expression '${pattern.source}'`;
  if (!property.shouldMatch && matches) return `Value '${value}' matched the regular expression, but should not '${pattern.source}'`;
  return null;
}

function arrayLength(property: PropertyDefinition, token: JsonValue | undefined): string | null {
  if (token === undefined) return property.isRequired ? 'Value is required but not provided.' : null;
  if (!Array.isArray(token)) return property.isRequired ? `Value is of '${tokenType(token)}' type and is not an array type` : null;
  const expected = property.expectedValue === undefined ? 0 : Number(property.expectedValue.trim());
  return token.length === expected ? null : `Expected array to be of length '${expected}', Actual: '${token.length}'`;
}

/**
 * JsonResponseBodyPropertyValidator: deep equality with the expected JSON, where a `"*"` value in the
 * expected JSON matches anything under that property name, and arrays are compared sorted by CoauthLockId.
 */
function responseBody(property: PropertyDefinition, token: JsonValue | undefined): string | null {
  if (token === undefined) return property.isRequired ? 'Value is required but not provided.' : null;
  const expected = JSON.parse(property.expectedValue ?? 'null') as JsonValue;
  const wildcards = new Set<string>();
  markWildcards(expected, wildcards, false);
  const actual = structuredClone(token);
  markWildcards(actual, wildcards, true);
  const sortedExpected = sortByCoauthLockId(expected);
  const sortedActual = sortByCoauthLockId(actual);
  if (JSON.stringify(sortedExpected) === JSON.stringify(sortedActual)) return null;
  return `\nExpected: '${JSON.stringify(sortedExpected)}', \nActual: '${JSON.stringify(sortedActual)}'`;
}

function markWildcards(node: JsonValue, wildcards: Set<string>, replace: boolean): void {
  const visit = (object: { [key: string]: JsonValue }) => {
    for (const [key, value] of Object.entries(object)) {
      if (replace && wildcards.has(key)) object[key] = '*';
      else if (value === '*') wildcards.add(key);
      markWildcards(object[key]!, wildcards, replace);
    }
  };
  if (Array.isArray(node)) for (const child of node) if (child && typeof child === 'object' && !Array.isArray(child)) visit(child);
  if (node && typeof node === 'object' && !Array.isArray(node)) visit(node);
}

/** A lock id is a string; anything else sorts by its JSON text, so two different ones never tie. */
function sortKey(id: JsonValue | undefined): string {
  if (id === undefined || id === null) return '';
  return typeof id === 'object' ? JSON.stringify(id) : String(id);
}

function sortByCoauthLockId(node: JsonValue): JsonValue {
  if (!Array.isArray(node) || node.length === 0) return node;
  const key = (item: JsonValue) => (item && typeof item === 'object' && !Array.isArray(item) ? sortKey(item['CoauthLockId']) : '');
  return [...node].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
