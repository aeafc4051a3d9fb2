import { JSONPath } from 'jsonpath-plus';

/**
 * JSON bodies read the way the validator reads them with Json.NET: `JObject.Parse`, then
 * `SelectToken(path)` and `Value<T>()` with .NET's invariant conversions.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** What Json.NET throws (JsonException and friends); validators turn it into a failure message. */
export class JsonTokenError extends Error {}

/** A conversion `Convert.ChangeType` rejects with a FormatException: the validators treat it as a mismatch. */
export class FormatError extends Error {}

/** `JObject.Parse`: the body must be one JSON object. */
export function parseJsonObject(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JsonTokenError('JsonReaderException thrown while parsing JSON. Are you sure the response is JSON?');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new JsonTokenError('JsonReaderException thrown while parsing JSON. Are you sure the response is JSON?');
  }
  return value as JsonObject;
}

/**
 * `JObject.SelectToken(path)`: the one token the Json.NET path names (`Url`, `ChildFiles[0].Size`,
 * `AncestorsWithRootFirst[-1:].Url`), or undefined when it names none. A path naming several is an error.
 */
export function selectToken(root: JsonObject, path: string): JsonValue | undefined {
  const expression = path === '' ? '$' : path.startsWith('[') ? `$${path}` : `$.${path}`;
  let matches: JsonValue[];
  try {
    matches = JSONPath<JsonValue[]>({ path: expression, json: root, wrap: true, eval: false });
  } catch (error) {
    throw new JsonTokenError(`JsonException thrown while selecting '${path}': ${(error as Error).message}`);
  }
  if (matches.length > 1) throw new JsonTokenError(`JsonException thrown while parsing JSON content: 'Path returned multiple tokens.'`);
  return matches[0];
}

/** The Json.NET name of a token's type, for messages. */
export function tokenType(token: JsonValue): string {
  if (token === null) return 'Null';
  if (Array.isArray(token)) return 'Array';
  if (typeof token === 'object') return 'Object';
  if (typeof token === 'number') return Number.isInteger(token) ? 'Integer' : 'Float';
  if (typeof token === 'boolean') return 'Boolean';
  return 'String';
}

function notAValue(token: JsonValue): never {
  throw new JsonTokenError(`Cannot cast ${Array.isArray(token) ? 'JArray' : 'JObject'} to JToken.`);
}

/** `token.Value<string>()`: booleans print as `True`/`False`, numbers in invariant culture, null stays null. */
export function tokenToString(token: JsonValue): string | null {
  if (token === null) return null;
  if (typeof token === 'string') return token;
  if (typeof token === 'boolean') return token ? 'True' : 'False';
  if (typeof token === 'number') return String(token);
  return notAValue(token);
}

/** `token.Value<bool>()`. */
export function tokenToBoolean(token: JsonValue): boolean {
  if (typeof token === 'boolean') return token;
  if (typeof token === 'number') return token !== 0;
  if (typeof token === 'string') return stringToBoolean(token);
  if (token === null) throw new JsonTokenError('Null object cannot be converted to a value type.');
  return notAValue(token);
}

/** `token.Value<int>()` (bits 32) or `token.Value<long>()` (bits 64). */
export function tokenToInteger(token: JsonValue, bits: 32 | 64): number {
  if (typeof token === 'number') return checkRange(Number.isInteger(token) ? token : roundHalfToEven(token), bits);
  if (typeof token === 'boolean') return token ? 1 : 0;
  if (typeof token === 'string') return stringToInteger(token, bits);
  if (token === null) throw new JsonTokenError('Null object cannot be converted to a value type.');
  return notAValue(token);
}

/** `Convert.ChangeType(text, typeof(bool))`: Boolean.Parse, case-insensitive, whitespace allowed. */
export function stringToBoolean(text: string): boolean {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  throw new FormatError(`String '${text}' was not recognized as a valid Boolean.`);
}

/** `Convert.ChangeType(text, typeof(int|long))`: Int32/Int64.Parse in the invariant culture. */
export function stringToInteger(text: string, bits: 32 | 64): number {
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) throw new FormatError(`The input string '${text}' was not in a correct format.`);
  return checkRange(Number(trimmed), bits);
}

function checkRange(value: number, bits: 32 | 64): number {
  const limit = 2 ** (bits - 1);
  if (value < -limit || value >= limit) throw new JsonTokenError(`Value was either too large or too small for an Int${bits}.`);
  return value;
}

function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}
