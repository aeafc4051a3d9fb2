/**
 * A scenario's `config`: part of a config document, merged over the current one. Objects merge
 * key by key; arrays and plain values replace what was there. The fields it sets (its leaves) are
 * what applying changes and removing puts back. Pure and JSON-only.
 */

export type JsonPath = readonly string[];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The paths of the fields the fragment sets: every value that is not an object, and every array. */
export function leafPaths(fragment: Record<string, unknown>, prefix: readonly string[] = []): string[][] {
  const paths: string[][] = [];
  for (const [key, value] of Object.entries(fragment)) {
    if (value === undefined) continue;
    const path = [...prefix, key];
    if (isPlainObject(value)) paths.push(...leafPaths(value, path));
    else paths.push(path);
  }
  return paths;
}

/** The value at the path, wrapped so that "absent" and "present but undefined" differ; undefined when absent. */
export function valueAt(document: unknown, path: JsonPath): { value: unknown } | undefined {
  let here: unknown = document;
  for (const key of path) {
    if (!isPlainObject(here) || !Object.hasOwn(here, key)) return undefined;
    here = here[key];
  }
  return { value: here };
}

/**
 * A copy of the document with the field at the path set (or removed, when `value` is undefined).
 * Missing objects on the way are made. Keys are defined as own properties, so a fragment naming
 * `__proto__` reaches the config schema as an unknown field instead of changing a prototype.
 */
export function withValueAt(
  document: Record<string, unknown>,
  path: JsonPath,
  value: { value: unknown } | undefined,
): Record<string, unknown> {
  const [key, ...rest] = path;
  if (key === undefined) return document;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(document)) define(copy, k, v);
  if (rest.length === 0) {
    if (value === undefined) delete copy[key];
    else define(copy, key, value.value);
    return copy;
  }
  const inner = Object.hasOwn(document, key) && isPlainObject(document[key]) ? document[key] : {};
  define(copy, key, withValueAt(inner, rest, value));
  return copy;
}

/** The document with the fragment merged over it. */
export function mergeFragment(document: Record<string, unknown>, fragment: Record<string, unknown>): Record<string, unknown> {
  let merged = document;
  for (const path of leafPaths(fragment)) merged = withValueAt(merged, path, valueAt(fragment, path));
  return merged;
}

/** `oauth.refreshTokens.reuse`, as people read config fields. */
export function dottedPath(path: JsonPath): string {
  return path.join('.');
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
