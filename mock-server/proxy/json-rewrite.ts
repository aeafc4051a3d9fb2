import { Operation, type OperationName } from '../protocol/operations.js';
import { toClientUrl, type ProxyOrigins } from './origins.js';

/*
 * Which URLs in an upstream's JSON answer are moved to the proxy's origin, and the rewrite itself.
 * The body is parsed (never searched as text), and only the string values a row names are
 * replaced, spliced into the original text: every other byte (spacing, number spelling, key
 * order, escapes) reaches the client as the upstream wrote it. Pure: no Node, no I/O.
 */

/** The largest JSON body the proxy buffers to rewrite and check; larger ones stream untouched. */
export const maxRewrittenJsonBytes = 1024 * 1024;

/** A JSON path: property names and array indexes, outermost first. */
export type JsonPath = ReadonlyArray<string | number>;

/** One row of the rewrite table: a kind of URL clients follow back to the host. */
export interface JsonRewriteRow {
  /** How the log and the docs name the row, e.g. `ChildFiles[].Url`. */
  name: string;
  /** Only in the answers to these operations; every answer when absent. */
  operations?: readonly OperationName[];
  matches(path: JsonPath): boolean;
}

const last = (path: JsonPath, back = 1) => path[path.length - back];
const isIndex = (segment: string | number | undefined) => typeof segment === 'number';
const topLevel = (path: JsonPath, names: readonly string[]) => path.length === 1 && names.includes(path[0] as string);
const listUrl = (list: string) => (path: JsonPath) => last(path) === 'Url' && isIndex(last(path, 2)) && last(path, 3) === list;

/**
 * The URLs a WOPI client calls back: rewritten in every answer from the upstream's origin to the
 * proxy's. Browser URLs (`HostUrl`, `HostViewUrl`/`HostEditUrl` of CheckFileInfo, sharing URLs)
 * are not here: a browser opens them on the real host unless `rewriteAll` asks otherwise.
 */
export const jsonRewriteRows: readonly JsonRewriteRow[] = [
  // Bootstrap, and the Bootstrap object of the bootstrapper's shortcuts.
  { name: 'EcosystemUrl', matches: (path) => last(path) === 'EcosystemUrl' },
  // GET_ROOT_CONTAINER's RootContainerInfo, GetRootContainer, and wherever else a pointer appears.
  { name: 'ContainerPointer.Url', matches: (path) => last(path) === 'Url' && last(path, 2) === 'ContainerPointer' },
  { name: 'ChildContainers[].Url', matches: listUrl('ChildContainers') },
  { name: 'ChildFiles[].Url', matches: listUrl('ChildFiles') },
  { name: 'AncestorsWithRootFirst[].Url', matches: listUrl('AncestorsWithRootFirst') },
  {
    name: 'Url, HostViewUrl, HostEditUrl (CreateChildFile, PutRelativeFile)',
    operations: [Operation.CreateChildFile, Operation.PutRelativeFile],
    matches: (path) => topLevel(path, ['Url', 'HostViewUrl', 'HostEditUrl']),
  },
  {
    name: 'Url (GetEcosystem, GetFileWopiSrc)',
    operations: [Operation.GetEcosystemFile, Operation.GetEcosystemContainer, Operation.GetFileWopiSrc],
    matches: (path) => topLevel(path, ['Url']),
  },
  { name: 'FileUrl (CheckFileInfo)', operations: [Operation.CheckFileInfo], matches: (path) => topLevel(path, ['FileUrl']) },
];

/** One URL the proxy moved, for the log. */
export interface Rewrite {
  /** Where: a JSON path (`ChildFiles[0].Url`) or a header (`Location`, `WWW-Authenticate tokenIssuance_uri`). */
  where: string;
  from: string;
  to: string;
}

export type JsonRewriteResult = { ok: true; text: string; rewrites: Rewrite[] } | { ok: false; reason: string };

/**
 * Rewrites the upstream's URLs in a JSON answer. `rewriteAll` moves every string value that is a
 * URL on the upstream's origin, wherever it is. A body that is not JSON is reported, not touched.
 */
export function rewriteJson(text: string, operation: OperationName, origins: ProxyOrigins, rewriteAll = false): JsonRewriteResult {
  try {
    JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `the body is not JSON (${(error as Error).message})` };
  }
  const rows = jsonRewriteRows.filter((row) => !row.operations || row.operations.includes(operation));
  const rewrites: Rewrite[] = [];
  const pieces: string[] = [];
  let copiedTo = 0;
  scanStrings(text, (path, start, end) => {
    if (!rewriteAll && !rows.some((row) => row.matches(path))) return;
    const value = JSON.parse(text.slice(start, end)) as string;
    const moved = toClientUrl(value, origins);
    if (moved === null) return;
    pieces.push(text.slice(copiedTo, start), JSON.stringify(moved));
    copiedTo = end;
    rewrites.push({ where: formatPath(path), from: value, to: moved });
  });
  if (rewrites.length === 0) return { ok: true, text, rewrites };
  pieces.push(text.slice(copiedTo));
  return { ok: true, text: pieces.join(''), rewrites };
}

/** `a.b[2].c`, as the log shows a JSON path. */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  return out;
}

/**
 * Calls `visit` with the path and the [start, end) span (quotes included) of every string value
 * (not property names) of a document already known to be valid JSON.
 */
export function scanStrings(text: string, visit: (path: JsonPath, start: number, end: number) => void): void {
  const path: Array<string | number> = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      i++;
    }
  };
  const skipString = () => {
    i++; // opening quote
    while (text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
    i++; // closing quote
  };
  const value = (): void => {
    skipSpace();
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      i++;
      skipSpace();
      if (text.charCodeAt(i) === 0x7d) return void i++;
      for (;;) {
        skipSpace();
        const keyStart = i;
        skipString();
        path.push(JSON.parse(text.slice(keyStart, i)) as string);
        skipSpace();
        i++; // ':'
        value();
        path.pop();
        skipSpace();
        if (text.charCodeAt(i++) === 0x7d) return;
      }
    }
    if (c === 0x5b /* [ */) {
      i++;
      skipSpace();
      if (text.charCodeAt(i) === 0x5d) return void i++;
      for (let index = 0; ; index++) {
        path.push(index);
        value();
        path.pop();
        skipSpace();
        if (text.charCodeAt(i++) === 0x5d) return;
      }
    }
    if (c === 0x22 /* " */) {
      const start = i;
      skipString();
      visit(path, start, i);
      return;
    }
    // A number, true, false or null: up to the next delimiter.
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (d === 0x2c || d === 0x5d || d === 0x7d || d === 0x20 || d === 0x09 || d === 0x0a || d === 0x0d) return;
      i++;
    }
  };
  value();
}
