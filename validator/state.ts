import { stateToken } from './constants.js';
import { bodyText, headerValue, type ResponseData } from './http.js';
import { parseJsonObject, selectToken, tokenToString } from './json-token.js';
import type { StateDefinition } from './model.js';

/**
 * Values saved by `<SaveState>` during one test case, by name. A value may be null: the source was
 * missing, and a request using it as OverrideUrl then falls back to the WopiSrc (validator behaviour).
 */
export type SavedState = Map<string, string | null>;

/** An `$State:` reference to a name no earlier request saved. */
export class StateError extends Error {}

/** StateEntry.GetValue: a header's value, or the string at a JSON path of the body; null when absent or empty. */
export function readStateValue(definition: StateDefinition, response: ResponseData): string | null {
  if (definition.sourceType === 'Header') {
    const value = headerValue(response, definition.source);
    return value === undefined || value === '' ? null : value;
  }
  const text = bodyText(response);
  if (!response.isTextResponse || text === '') return null;
  try {
    const token = selectToken(parseJsonObject(text), definition.source);
    return token === undefined ? null : tokenToString(token);
  } catch {
    return null;
  }
}

/**
 * RequestBase.GetEndpointAddressOverride's lookup: `$State:Name` gives the saved value (possibly
 * null), any other text is a literal URL, and no attribute gives null.
 */
export function resolveStateReference(reference: string | undefined, state: SavedState): string | null {
  if (reference === undefined || reference === '') return null;
  const key = reference.startsWith(stateToken) ? reference.slice(stateToken.length) : '';
  if (key === '') return reference;
  if (!state.has(key))
    throw new StateError(
      `OverrideUrl specified in definition but not found in state dictionary.  Did it depend on a request that failed? (${reference})`,
    );
  return state.get(key) ?? null;
}

/** A saved value validators may compare against: present and not empty ("ExpectedStateKey takes precedence"). */
export function expectedFromState(key: string | undefined, state: SavedState): string | undefined {
  if (key === undefined) return undefined;
  const value = state.get(key);
  return value === undefined || value === null || value === '' ? undefined : value;
}
