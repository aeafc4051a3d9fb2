/**
 * JSON Patch (RFC 6902) for fault rules that bend a real JSON answer (phase "mutate"), with two
 * operations of our own that the protocol's usual mistakes need: `multiply` (a number times
 * `value`: 1000 turns AccessTokenExpiry seconds into the milliseconds a buggy host sends) and
 * `stripQuery` (drop one query parameter from a URL string: a FileUrl without its access_token).
 * A path segment `*` stands for every element of an array: ChildFiles, `*`, Url names the Url of
 * every child. The patch is all or nothing, as RFC 6902 §5 asks: any failed operation, a failed `test`
 * included, leaves the document as it was and says why.
 */

export type JsonPatchOp = 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test' | 'multiply' | 'stripQuery';

export interface JsonPatchOperation {
  readonly op: JsonPatchOp;
  readonly path: string;
  readonly from?: string | undefined;
  readonly value?: unknown;
}

export type PatchOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

type Container = Record<string, unknown> | unknown[];

/** RFC 6901: "" is the whole document; each "/"-separated token unescapes ~1 to "/" and ~0 to "~". */
export function parsePointer(pointer: string): string[] | string {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return `"${pointer}" is not a JSON Pointer: it must be empty or start with "/"`;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Why an operation cannot be applied as written, before any document is seen; null when it can. */
export function checkOperation(operation: JsonPatchOperation): string | null {
  const path = parsePointer(operation.path);
  if (typeof path === 'string') return path;
  const needsValue = ['add', 'replace', 'test', 'multiply', 'stripQuery'].includes(operation.op);
  if (needsValue && operation.value === undefined) return `"${operation.op}" needs a value`;
  if (operation.op === 'multiply' && (typeof operation.value !== 'number' || !Number.isFinite(operation.value)))
    return '"multiply" needs a finite number as its value';
  if (operation.op === 'stripQuery' && (typeof operation.value !== 'string' || operation.value === ''))
    return '"stripQuery" needs the name of the query parameter as its value';
  if (operation.op === 'move' || operation.op === 'copy') {
    if (operation.from === undefined) return `"${operation.op}" needs from`;
    const from = parsePointer(operation.from);
    if (typeof from === 'string') return from;
    if (from.includes('*') || path.includes('*')) return `"${operation.op}" takes no "*" segment: it names one value`;
    if (operation.op === 'move' && isPrefix(from, path) && from.length < path.length)
      return `"move" cannot move ${operation.from} into itself`;
  } else if (operation.from !== undefined) return `from goes with "move" and "copy", not "${operation.op}"`;
  if (path.length === 0 && operation.op !== 'replace' && operation.op !== 'test' && operation.op !== 'add')
    return `"${operation.op}" needs a path inside the document, not the whole of it`;
  return null;
}

/** Applies the operations in order to a copy of `document`; the original is never changed. */
export function applyJsonPatch(document: unknown, operations: readonly JsonPatchOperation[]): PatchOutcome {
  let value = structuredClone(document);
  for (const [index, operation] of operations.entries()) {
    const invalid = checkOperation(operation);
    if (invalid) return { ok: false, reason: `operation ${index}: ${invalid}` };
    try {
      value = applyOperation(value, operation);
    } catch (error) {
      if (!(error instanceof PatchError)) throw error;
      return { ok: false, reason: `operation ${index} (${operation.op} ${operation.path}): ${error.message}` };
    }
  }
  return { ok: true, value };
}

class PatchError extends Error {}

function applyOperation(document: unknown, operation: JsonPatchOperation): unknown {
  const path = parsePointer(operation.path) as string[];
  switch (operation.op) {
    case 'move':
    case 'copy': {
      const from = parsePointer(operation.from!) as string[];
      const moved = structuredClone(read(document, from));
      const without = operation.op === 'move' ? remove(document, from) : document;
      return add(without, path, moved);
    }
    default: {
      const paths = expand(document, path);
      // Removing array elements front to back would shift the later ones onto the indexes to remove.
      if (operation.op === 'remove') paths.reverse();
      return paths.reduce((doc, concrete) => applyAt(doc, concrete, operation), document);
    }
  }
}

function applyAt(document: unknown, path: string[], operation: JsonPatchOperation): unknown {
  switch (operation.op) {
    case 'add':
      return add(document, path, structuredClone(operation.value));
    case 'remove':
      return remove(document, path);
    case 'replace':
      read(document, path);
      return path.length === 0 ? structuredClone(operation.value) : set(document, path, structuredClone(operation.value));
    case 'test':
      if (!deepEqual(read(document, path), operation.value)) throw new PatchError(`the value is not ${JSON.stringify(operation.value)}`);
      return document;
    case 'multiply': {
      const current = read(document, path);
      if (typeof current !== 'number') throw new PatchError(`the value is ${describe(current)}, not a number`);
      return set(document, path, current * (operation.value as number));
    }
    case 'stripQuery': {
      const current = read(document, path);
      if (typeof current !== 'string') throw new PatchError(`the value is ${describe(current)}, not a URL string`);
      return set(document, path, withoutQueryParameter(current, operation.value as string));
    }
    default:
      throw new PatchError(`"${operation.op}" is not an operation`);
  }
}

/** Every concrete path a pointer with `*` segments names in this document (one, without them). */
function expand(document: unknown, path: string[]): string[][] {
  const star = path.indexOf('*');
  if (star === -1) return [path];
  const parent = read(document, path.slice(0, star));
  if (!Array.isArray(parent)) return [path]; // on an object, "*" is an ordinary member name
  return parent.flatMap((_, i) => expand(document, [...path.slice(0, star), String(i), ...path.slice(star + 1)]));
}

function read(document: unknown, path: string[]): unknown {
  let current = document;
  for (const [depth, token] of path.entries()) {
    const at = `/${path.slice(0, depth + 1).join('/')}`;
    if (Array.isArray(current)) {
      const index = arrayIndex(token, current.length, false);
      if (index === null) throw new PatchError(`${at} is not an element of the array (${current.length} long)`);
      current = current[index];
    } else if (isObject(current)) {
      if (!Object.hasOwn(current, token)) throw new PatchError(`${at} does not exist`);
      current = current[token];
    } else throw new PatchError(`${at} is inside ${describe(current)}, which has no members`);
  }
  return current;
}

function add(document: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = read(document, path.slice(0, -1));
  const token = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    const index = token === '-' ? parent.length : arrayIndex(token, parent.length, true);
    if (index === null) throw new PatchError(`/${path.join('/')} is past the end of the array (${parent.length} long)`);
    parent.splice(index, 0, value);
  } else if (isObject(parent)) parent[token] = value;
  else throw new PatchError(`/${path.slice(0, -1).join('/')} is ${describe(parent)}, which has no members`);
  return document;
}

function remove(document: unknown, path: string[]): unknown {
  read(document, path);
  const parent = read(document, path.slice(0, -1)) as Container;
  const token = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(Number(token), 1);
  else delete parent[token];
  return document;
}

function set(document: unknown, path: string[], value: unknown): unknown {
  const parent = read(document, path.slice(0, -1)) as Container;
  const token = path[path.length - 1]!;
  if (Array.isArray(parent)) parent[Number(token)] = value;
  else parent[token] = value;
  return document;
}

/** RFC 6902 §4: array indexes are digits without leading zeros; `add` may name the end. */
function arrayIndex(token: string, length: number, forAdd: boolean): number | null {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return null;
  const index = Number(token);
  return index < length || (forAdd && index === length) ? index : null;
}

/** Removes every `name` parameter from the URL's query and keeps the rest as it was spelled. */
export function withoutQueryParameter(url: string, name: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const fragmentStart = url.indexOf('#', queryStart);
  const end = fragmentStart === -1 ? url.length : fragmentStart;
  const kept = url
    .slice(queryStart + 1, end)
    .split('&')
    .filter((pair) => pair !== '' && decodeName(pair.split('=')[0]!) !== name);
  return url.slice(0, queryStart) + (kept.length > 0 ? `?${kept.join('&')}` : '') + url.slice(end);
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

function isPrefix(prefix: string[], path: string[]): boolean {
  return prefix.every((token, i) => path[i] === token);
}

export type BodyPatchOutcome = { readonly bytes: Buffer; readonly applied: true } | { readonly applied: false; readonly reason: string };

/**
 * A patch applied to an answer's body as sent: only a JSON body (by its Content-Type, then by
 * parsing) can be patched; anything else goes out unchanged with the reason.
 */
export function patchJsonBody(body: Buffer, contentType: string, operations: readonly JsonPatchOperation[]): BodyPatchOutcome {
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim()))
    return { applied: false, reason: `the answer is not JSON (Content-Type ${contentType === '' ? 'absent' : contentType})` };
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch {
    return { applied: false, reason: 'the answer says JSON but does not parse' };
  }
  const outcome = applyJsonPatch(document, operations);
  if (!outcome.ok) return { applied: false, reason: outcome.reason };
  return { applied: true, bytes: Buffer.from(JSON.stringify(outcome.value), 'utf8') };
}

/** The log's note for a patch that was applied, mocked or proxied: which operations, on what. */
export function patchedNote(ruleId: string, operations: readonly JsonPatchOperation[]): string {
  const shown = operations.slice(0, 6).map((o) => `${o.op} ${o.path === '' ? '(the document)' : o.path}`);
  const more = operations.length > shown.length ? ` and ${operations.length - shown.length} more` : '';
  return `fault rule ${ruleId}: patched the JSON answer (${shown.join(', ')}${more})`;
}

/** The log's note for a patch that could not apply: the answer went out as it was. */
export function patchNotAppliedNote(ruleId: string, reason: string): string {
  return `fault rule ${ruleId}: patch not applied, ${reason}; the answer passed as it came`;
}
