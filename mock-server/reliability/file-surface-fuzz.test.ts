import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encode as encodeUtf7 } from 'utf7';
import { decodeUtf7 } from '../http/names.js';
import { appendPath, startHarness, type Harness } from '../../test-support/host-fixture.js';
import { aliceRoot } from '../../test-support/file-fixture.js';
import { legalizeName, nameProblem } from '../protocol/file-names.js';
import { caseVariant, httpWhitespace, traversalSegment, utf8Bytes } from '../../test-support/arbitraries.js';
import { checkAsync, checkSync } from '../../test-support/fuzz.js';
import {
  newContainer,
  newFileIn,
  pathOf,
  serverErrorOf,
  useLongTokenLifetimes,
  wopiHeaders,
  type Created,
} from '../../test-support/file-surface.js';
import { wireTo, type Wire, type WireReply } from '../../test-support/wire.js';

/**
 * The file and container surface under generated input: X-WOPI-Override spellings on every
 * method and URL, repeated lock and name headers, names of every kind on every operation that
 * takes one, and path traversal in ids on every write. Each case asserts the exact status, the
 * exact X-WOPI-* headers and what changed (or that nothing did).
 */

let h: Harness;
let wire: Wire;
let root: string;
let playground: Created;
before(async () => {
  h = await startHarness();
  await useLongTokenLifetimes(h);
  wire = wireTo(h);
  root = await aliceRoot(h);
  playground = await newContainer(wire, root, 'fuzz');
});
after(async () => {
  wire.close();
  await h.close();
});

const override = (
  path: string,
  operation: string | string[] | undefined,
  headers: Record<string, string | string[]> = {},
  body?: string | Buffer,
) => wire.wopi('POST', path, { headers: { 'x-wopi-override': operation, ...headers }, ...(body !== undefined ? { body } : {}) });

/** A file's state as a client can read it: content, size, version, name and lock. */
async function fileState(file: Created): Promise<unknown> {
  const info = await wire.wopi('GET', file.path);
  if (info.status !== 200) return { status: info.status };
  const content = await wire.wopi('GET', pathOf(appendPath(file.url, '/contents')));
  const lock = await override(file.path, 'GET_LOCK');
  const { Size, Version, BaseFileName } = info.json();
  return { Size, Version, BaseFileName, content: content.body.toString('base64'), lock: lock.headers['x-wopi-lock'] };
}

/** A container's children by name, with sizes and versions. */
async function childrenOf(container: Created): Promise<unknown> {
  const reply = await wire.wopi('GET', pathOf(appendPath(container.url, '/children')));
  assert.equal(reply.status, 200, reply.text);
  const { ChildContainers, ChildFiles } = reply.json();
  return {
    containers: ChildContainers.map((c: { Name: string }) => c.Name),
    files: ChildFiles.map((f: { Name: string; Size: number; Version: string }) => [f.Name, f.Size, f.Version]),
  };
}

/** Status, X-WOPI-* headers and body, with the tokens and ids a fresh resource makes different blanked out. */
function comparable(reply: WireReply): unknown {
  const body = reply.text
    .replace(/access_token=[\w.-]+/g, 'access_token=…')
    .replace(/\/(files|containers)\/[\w-]+/g, '/$1/…')
    .replace(/\/share\/[\w.%-]+/g, '/share/…');
  return { status: reply.status, headers: wopiHeaders(reply), body };
}

describe('X-WOPI-Override', () => {
  const fileOverrides = [
    'LOCK',
    'GET_LOCK',
    'REFRESH_LOCK',
    'UNLOCK',
    'PUT_RELATIVE',
    'RENAME_FILE',
    'DELETE',
    'PUT_USER_INFO',
    'GET_SHARE_URL',
    'ADD_ACTIVITIES',
  ];
  const containerOverrides = ['CREATE_CHILD_FILE', 'CREATE_CHILD_CONTAINER', 'DELETE_CONTAINER', 'RENAME_CONTAINER', 'GET_SHARE_URL'];
  const everyOverride = [...new Set([...fileOverrides, ...containerOverrides, 'PUT'])];

  type Spelling = { sent: string | string[] | undefined; canonical: string | undefined };
  /** A known operation in any letter case with HTTP whitespace around it: the same operation. */
  const sameOperation: fc.Arbitrary<Spelling> = fc
    .tuple(fc.constantFrom(...everyOverride), httpWhitespace(0), httpWhitespace(0))
    .chain(([op, before, after]) => caseVariant(op).map((word) => ({ sent: `${before}${word}${after}`, canonical: op })));
  /** Not an operation of this host: unknown words, near misses, two values, empty, absent. */
  const notAnOperation: fc.Arbitrary<Spelling> = fc.oneof(
    fc
      .constantFrom(
        'FROB',
        'LOCKX',
        'LOCK_',
        'UN LOCK',
        'PUT RELATIVE',
        'GETLOCK',
        'PUTFILE',
        'COBALT',
        'DELETE_FILE',
        '"LOCK"',
        'LOCK;',
        'LOCK,',
      )
      .map((sent) => ({ sent, canonical: undefined })),
    fc
      .tuple(fc.constantFrom(...everyOverride), fc.constantFrom(...everyOverride))
      .map(([a, b]) => ({ sent: [a, b], canonical: undefined })),
    fc.constant({ sent: '', canonical: undefined }),
    fc.constant({ sent: undefined, canonical: undefined }),
  );
  const target = fc.constantFrom('file' as const, 'contents' as const, 'container' as const);
  const method = fc.oneof(
    { weight: 5, arbitrary: fc.constant('POST') },
    { weight: 3, arbitrary: fc.constantFrom('GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') },
  );

  /** What Node hands the app: two header lines joined by ", ", the ends trimmed. */
  const received = (sent: string | string[] | undefined) =>
    sent === undefined ? '' : Array.isArray(sent) ? sent.join(', ') : sent.replace(/^[ \t]+|[ \t]+$/g, '');

  test('any spelling on any method and resource URL: the canonical operation exactly, or the read it names, or a 501 saying why; nothing else changes', async (t) => {
    await checkAsync(
      t,
      [target, method, fc.oneof({ weight: 3, arbitrary: sameOperation }, { weight: 2, arbitrary: notAnOperation })],
      async (where, verb, spelling) => {
        // Twin resources: one gets the generated request, the other the canonical one.
        const fresh = async () =>
          where === 'container' ? newContainer(wire, playground.url, 'twin') : newFileIn(wire, playground.url, undefined, 'twin.docx');
        const [subject, twin] = [await fresh(), await fresh()];
        const url = (r: Created) => (where === 'contents' ? pathOf(appendPath(r.url, '/contents')) : r.path);
        const before = where === 'container' ? await childrenOf(subject) : await fileState(subject);
        const reply = await wire.wopi(verb, url(subject), { headers: { 'x-wopi-override': spelling.sent } });
        const context = `${verb} ${where} X-WOPI-Override ${JSON.stringify(spelling.sent)} → ${reply.status} ${reply.header('x-wopi-servererror') ?? ''}`;
        const value = received(spelling.sent);
        const kind = where === 'container' ? 'container' : 'file';

        if (!['GET', 'HEAD', 'POST'].includes(verb)) {
          assert.deepEqual(
            comparable(reply),
            {
              status: 501,
              headers: { 'x-wopi-servererror': [`${verb} is not a WOPI method: reads are GET, changes are POST with X-WOPI-Override`] },
              body: '',
            },
            context,
          );
        } else if (verb !== 'POST') {
          // Reads ignore the override: CheckFileInfo, GetFile or CheckContainerInfo, as without it.
          const plain = await wire.wopi(verb, url(subject));
          assert.deepEqual(comparable(reply), comparable(plain), context);
          assert.equal(reply.status, 200, context);
        } else {
          const operations = where === 'container' ? containerOverrides : where === 'contents' ? ['PUT', ''] : fileOverrides;
          const canonical = operations.includes(value.toUpperCase()) ? value.toUpperCase() : undefined;
          if (canonical === undefined) {
            const detail =
              where === 'contents'
                ? `X-WOPI-Override ${JSON.stringify(value)} is not implemented for file contents; PutFile takes "PUT"`
                : `X-WOPI-Override ${JSON.stringify(value)} is not implemented for ${kind}s`;
            assert.deepEqual(
              comparable(reply),
              { status: 501, headers: { 'x-wopi-servererror': [serverErrorOf(detail)] }, body: '' },
              context,
            );
          } else {
            const expected = await wire.wopi('POST', url(twin), {
              headers: { 'x-wopi-override': canonical === '' ? undefined : canonical },
            });
            assert.deepEqual(comparable(reply), comparable(expected), context);
            return;
          }
        }
        // Whatever was refused or only read left the resource as it was.
        assert.deepEqual(
          where === 'container' ? await childrenOf(subject) : await fileState(subject),
          before,
          `${context}: the resource changed`,
        );
      },
      { weight: 1.5 },
    );
  });

  test('POST …/contents with an override that is not PUT never replaces the content, even with the right lock', async (t) => {
    const file = await newFileIn(wire, playground.url, 'original', 'contents.docx');
    assert.equal((await override(file.path, 'LOCK', { 'x-wopi-lock': 'L' })).status, 200);
    const contents = pathOf(appendPath(file.url, '/contents'));
    await checkAsync(
      t,
      [
        fc.constantFrom(...everyOverride.filter((o) => o !== 'PUT'), 'FROB', 'PUT_RELATIVE').chain((o) => caseVariant(o)),
        fc.uint8Array({ maxLength: 64 }),
      ],
      async (operation, body) => {
        const reply = await override(contents, operation, { 'x-wopi-lock': 'L' }, Buffer.from(body));
        assert.deepEqual(
          [reply.status, reply.header('x-wopi-servererror')],
          [501, `X-WOPI-Override ${JSON.stringify(operation)} is not implemented for file contents; PutFile takes "PUT"`],
        );
        const now = await wire.wopi('GET', contents);
        assert.equal(now.text, 'original');
      },
      { weight: 0.3 },
    );
  });
});

describe('headers sent twice', () => {
  const twice: Array<{ operation: string; header: string; label: string; extra?: Record<string, string> }> = [
    { operation: 'LOCK', header: 'x-wopi-lock', label: 'X-WOPI-Lock' },
    { operation: 'REFRESH_LOCK', header: 'x-wopi-lock', label: 'X-WOPI-Lock' },
    { operation: 'UNLOCK', header: 'x-wopi-lock', label: 'X-WOPI-Lock' },
    { operation: 'LOCK', header: 'x-wopi-oldlock', label: 'X-WOPI-OldLock', extra: { 'x-wopi-lock': 'N' } },
    { operation: 'PUT', header: 'x-wopi-lock', label: 'X-WOPI-Lock' },
    { operation: 'RENAME_FILE', header: 'x-wopi-lock', label: 'X-WOPI-Lock', extra: { 'x-wopi-requestedname': 'renamed' } },
    { operation: 'RENAME_FILE', header: 'x-wopi-requestedname', label: 'X-WOPI-RequestedName' },
    { operation: 'PUT_RELATIVE', header: 'x-wopi-relativetarget', label: 'X-WOPI-RelativeTarget' },
    { operation: 'PUT_RELATIVE', header: 'x-wopi-suggestedtarget', label: 'X-WOPI-SuggestedTarget' },
    {
      operation: 'PUT_RELATIVE',
      header: 'x-wopi-overwriterelativetarget',
      label: 'X-WOPI-OverwriteRelativeTarget',
      extra: { 'x-wopi-relativetarget': 'copy.docx' },
    },
  ];

  test('a lock id or name header sent twice is a 400 naming it, never the two values joined ("A, B"); nothing changes', async (t) => {
    const file = await newFileIn(wire, playground.url, 'twice', 'twice.docx');
    assert.equal((await override(file.path, 'LOCK', { 'x-wopi-lock': 'A' })).status, 200);
    const before = await fileState(file);
    const siblings = await childrenOf(playground);
    await checkAsync(
      t,
      [fc.constantFrom(...twice), fc.constantFrom('A', 'B', 'true', 'false', 'copy.docx'), fc.constantFrom('A', 'B', 'true', 'copy.docx')],
      async (c, first, second) => {
        const path = c.operation === 'PUT' ? pathOf(appendPath(file.url, '/contents')) : file.path;
        const reply = await override(path, c.operation, { ...c.extra, [c.header]: [first, second] }, 'new content');
        assert.deepEqual(
          { status: reply.status, headers: wopiHeaders(reply) },
          { status: 400, headers: { 'x-wopi-servererror': [`${c.label} was sent 2 times; send it once`] } },
          `${c.operation} ${c.header}`,
        );
      },
      {
        examples: [
          [twice[0]!, 'A', 'A'],
          [twice[4]!, 'A', 'A'],
        ],
      },
    );
    assert.deepEqual(await fileState(file), before);
    assert.deepEqual(await childrenOf(playground), siblings);
  });
});

describe('names', () => {
  // The reference rules, written from the WOPI docs (invalid characters for Office iOS) and the
  // host's documented limits, independently of protocol/file-names.ts.
  const forbidden = new Set([...'\\/:*?"<>|#{}^[]`%']);
  function referenceProblem(name: string): string | null {
    if (name.trim() === '') return 'the name is empty';
    if ([...name].some((c) => forbidden.has(c) || c.charCodeAt(0) < 0x20 || c === '\x7f'))
      return 'the name contains a character Office cannot load (\\ / : * ? " < > | # { } ^ [ ] ` % or a control character)';
    if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(name))
      return 'the name is not valid Unicode (half of a surrogate pair)';
    if (name !== name.trim()) return 'the name starts or ends with whitespace';
    if (name.startsWith('.')) return 'the name starts with "."';
    if (name.endsWith('.')) return 'the name ends with "."';
    if (name.length > 255) return `the name is ${name.length} characters long; at most 255 are allowed`;
    return null;
  }
  const key = (name: string) => name.normalize('NFC').toLowerCase();

  /** What the host reads from a name header: UTF-7 (the spec), or raw UTF-8 bytes turned back into text. */
  function decodedName(sent: string): string {
    const text = /[\x80-\xff]/.test(sent) ? Buffer.from(sent, 'latin1').toString('utf8') : sent;
    return decodeUtf7(text);
  }

  const unicodeText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
  const nameText = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        'Report.docx',
        'report.DOCX',
        'Folder',
        'notes.txt',
        'Q3 (final).xlsx',
        'Ünïcödé 😀.pptx',
        'CON',
        'nul.docx',
        'a'.repeat(255),
        'a'.repeat(256),
        'x'.repeat(251) + '.docx',
      ),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '..',
        '.',
        '../x.docx',
        '..\\..\\x.docx',
        '/etc/passwd',
        'a/b.docx',
        'C:\\x.docx',
        '%2e%2e',
        '.docx',
        '.hidden',
        'trailing.',
        ' lead.docx',
        'tab\there',
        'nul\u0000.docx',
        '~/x',
        'x'.repeat(4000),
      ),
    },
    { weight: 3, arbitrary: unicodeText },
    { weight: 2, arbitrary: fc.tuple(unicodeText, fc.constantFrom('.docx', '.xlsx', '', '.')).map(([base, ext]) => base + ext) },
    { weight: 1, arbitrary: traversalSegment },
  );
  /** How the name travels: UTF-7 as the spec says, raw UTF-8 bytes, or UTF-7-looking garbage. */
  const sentName = fc
    .oneof(
      { weight: 5, arbitrary: nameText.map((n) => encodeUtf7(n)) },
      { weight: 2, arbitrary: nameText.map((n) => utf8Bytes(n)) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          '+2D0-',
          '+3gA-',
          '+2D3dAA-.docx',
          '+ZZZZ-',
          '+AAA-',
          '+AH8-',
          '+/v8-',
          '+-',
          '+',
          '+A',
          '++--',
          '+AGQ-+AG8-+AGM-.docx',
          '+AC4ALg-',
          '+AC8-etc+AC8-passwd',
        ),
      },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '+')) },
    )
    // What a header can carry at all (Node refuses to send the rest), without the ends HTTP trims.
    .filter((sent) => /^[\t\x20-\x7e\x80-\xff]*$/.test(sent) && !/^[ \t]|[ \t]$/.test(sent) && sent.length < 12_000);

  /** A fresh folder holding a few names, so some generated names are taken (in another case too). */
  async function folderWithSiblings(): Promise<Created> {
    const folder = await newContainer(wire, playground.url, 'names');
    await newFileIn(wire, folder.url, 'x', 'Report.docx');
    await newFileIn(wire, folder.url, undefined, 'CON');
    await newContainer(wire, folder.url, 'Folder');
    return folder;
  }

  async function namesIn(folder: Created): Promise<string[]> {
    const { containers, files } = (await childrenOf(folder)) as { containers: string[]; files: Array<[string]> };
    return [...containers, ...files.map((f) => f[0])];
  }

  test('any string: the legalized name is one the rules accept', (t) => {
    checkSync(
      t,
      [
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }).map((s) => s + '\uD83D'),
        ),
      ],
      (name) => {
        const legal = legalizeName(name);
        assert.equal(referenceProblem(legal), null, JSON.stringify(legal));
        assert.equal(nameProblem(legal), null);
        // Found by this property: a cut that split a surrogate pair or left a trailing ".", and the
        // "Untitled" prefix pushing a long name past 255.
      },
      {
        weight: 10,
        examples: [
          ['\uD83D'],
          ['a'.repeat(254) + '😀'],
          ['😀'.repeat(200) + '.docx'],
          ['.' + 'x'.repeat(300)],
          ['a'.repeat(254) + '.' + 'b'.repeat(40)],
        ],
      },
    );
  });

  type Operation = 'PutRelativeFile' | 'CreateChildFile' | 'CreateChildContainer';
  test("PutRelativeFile, CreateChildFile and CreateChildContainer, specific and suggested: exactly the rules' answer, and the item exists under the name answered", async (t) => {
    const operation = fc.constantFrom<Operation>('PutRelativeFile', 'CreateChildFile', 'CreateChildContainer');
    await checkAsync(
      t,
      [operation, fc.boolean(), sentName, fc.boolean()],
      async (op, specific, sent, overwrite) => {
        const folder = await folderWithSiblings();
        const source = op === 'PutRelativeFile' ? await newFileIn(wire, folder.url, 'source', 'source.docx') : undefined;
        const before = await namesIn(folder);
        const name = decodedName(sent);
        const headers: Record<string, string> = specific
          ? { 'x-wopi-relativetarget': sent, ...(overwrite ? { 'x-wopi-overwriterelativetarget': 'true' } : {}) }
          : { 'x-wopi-suggestedtarget': sent };
        const body = op === 'PutRelativeFile' ? 'relative content' : undefined;
        const override = {
          PutRelativeFile: 'PUT_RELATIVE',
          CreateChildFile: 'CREATE_CHILD_FILE',
          CreateChildContainer: 'CREATE_CHILD_CONTAINER',
        }[op];
        const reply = await wire.wopi('POST', source ? source.path : folder.path, {
          headers: { 'x-wopi-override': override, ...headers },
          ...(body ? { body } : {}),
        });
        const context = `${op} ${specific ? 'specific' : 'suggested'} ${JSON.stringify(sent.slice(0, 80))} (${JSON.stringify(name.slice(0, 80))}) → ${reply.status} ${reply.header('x-wopi-servererror') ?? ''}`;
        const taken = new Set(before.map(key));

        if (!specific && name.trim() === '') {
          assert.deepEqual(
            { status: reply.status, headers: wopiHeaders(reply) },
            { status: 400, headers: { 'x-wopi-servererror': ['X-WOPI-SuggestedTarget is empty'] } },
            context,
          );
          assert.deepEqual(await namesIn(folder), before);
          return;
        }
        if (specific && name === '') {
          assert.deepEqual(
            { status: reply.status, headers: wopiHeaders(reply) },
            { status: 400, headers: { 'x-wopi-servererror': ['X-WOPI-RelativeTarget is empty'] } },
            context,
          );
          return;
        }
        const problem = specific ? referenceProblem(name) : null;
        if (problem) {
          assert.equal(reply.status, 400, context);
          assert.equal(reply.header('x-wopi-servererror'), serverErrorOf(`"${name}" cannot be used: ${problem}`), context);
          const offered = decodeUtf7(reply.header('x-wopi-validrelativetarget') ?? '');
          assert.equal(referenceProblem(offered), null, `${context}: offered ${JSON.stringify(offered)}`);
          assert.ok(!taken.has(key(offered)), `${context}: offered a taken name`);
          assert.deepEqual(await namesIn(folder), before, context);
          return;
        }
        const clash = specific && taken.has(key(name));
        const replacesFile =
          clash && overwrite && op !== 'CreateChildContainer' && before.some((n) => key(n) === key(name) && n !== 'Folder');
        if (clash && !replacesFile) {
          assert.equal(reply.status, 409, context);
          assert.equal(
            reply.header('x-wopi-servererror'),
            serverErrorOf(`an item named "${name}" exists already; "${decodeUtf7(reply.header('x-wopi-validrelativetarget')!)}" is free`),
            context,
          );
          const offered = decodeUtf7(reply.header('x-wopi-validrelativetarget')!);
          assert.ok(referenceProblem(offered) === null && !taken.has(key(offered)), `${context}: offered ${offered}`);
          assert.deepEqual(await namesIn(folder), before, context);
          return;
        }
        assert.equal(reply.status, 200, context);
        const json = reply.json();
        const answered: string = op === 'CreateChildContainer' ? json.ContainerPointer.Name : json.Name;
        // The suggested base of PutRelativeFile that is only an extension takes the source's name.
        const asked = !specific && op === 'PutRelativeFile' && name.startsWith('.') ? `source${name}` : name;
        assert.equal(referenceProblem(answered), null, `${context}: answered ${JSON.stringify(answered)}`);
        if (specific) assert.equal(answered, name, context);
        else if (referenceProblem(asked) === null && !taken.has(key(asked))) assert.equal(answered, asked, context);
        else assert.ok(!taken.has(key(answered)), `${context}: ${answered} was taken`);
        const after = await namesIn(folder);
        assert.deepEqual(after.map(key).sort(), (replacesFile ? before : [...before, answered]).map(key).sort(), context);
        if (op !== 'CreateChildContainer') {
          const created = await wire.wopi('GET', pathOf(appendPath(json.Url, '/contents')));
          assert.equal(created.text, op === 'PutRelativeFile' ? 'relative content' : '', context);
        }
      },
      {
        weight: 2,
        examples: [
          ['CreateChildFile', true, '+2D0-', false],
          ['PutRelativeFile', false, '+2D0-', false],
          ['CreateChildContainer', false, encodeUtf7('😀'.repeat(200)), false],
        ],
      },
    );
  });

  test('RenameFile and RenameContainer: empty is a 400 naming the header, anything else a legal, free name as close to the request as the rules allow', async (t) => {
    await checkAsync(
      t,
      [fc.constantFrom('file' as const, 'container' as const), sentName],
      async (kind, sent) => {
        const folder = await folderWithSiblings();
        const subject =
          kind === 'file' ? await newFileIn(wire, folder.url, 'r', 'subject.docx') : await newContainer(wire, folder.url, 'subject');
        const others = (await namesIn(folder)).filter((n) => n !== subject.name);
        const requested = decodedName(sent);
        const reply = await override(subject.path, kind === 'file' ? 'RENAME_FILE' : 'RENAME_CONTAINER', { 'x-wopi-requestedname': sent });
        const context = `Rename ${kind} ${JSON.stringify(sent.slice(0, 80))} (${JSON.stringify(requested.slice(0, 80))}) → ${reply.status} ${reply.header('x-wopi-servererror') ?? ''}`;
        if (requested.trim() === '') {
          const header = kind === 'file' ? 'x-wopi-invalidfilenameerror' : 'x-wopi-invalidcontainernameerror';
          assert.deepEqual(
            { status: reply.status, headers: wopiHeaders(reply) },
            {
              status: 400,
              headers: {
                [header]: ['the requested name is empty'],
                'x-wopi-servererror': [serverErrorOf(`"${requested}" cannot be used: the requested name is empty`)],
              },
            },
            context,
          );
          return;
        }
        assert.equal(reply.status, 200, context);
        const now = await namesIn(folder);
        const renamed = now.find((n) => !others.includes(n));
        assert.ok(renamed !== undefined && now.length === others.length + 1, context);
        assert.equal(referenceProblem(renamed), null, `${context}: ${JSON.stringify(renamed)}`);
        assert.ok(!others.map(key).includes(key(renamed)), `${context}: ${renamed} clashes`);
        // Spec (RenameFile): the answer's Name has no extension; the file keeps its own.
        const wanted = kind === 'file' ? `${requested}.docx` : requested;
        if (referenceProblem(wanted) === null && !others.map(key).includes(key(wanted))) assert.equal(renamed, wanted, context);
        if (kind === 'file') assert.ok(renamed.endsWith('.docx'), context);
        assert.equal(reply.json().Name, kind === 'file' ? renamed.slice(0, -'.docx'.length) : renamed, context);
      },
      {
        weight: 1.5,
        examples: [
          ['file', '+2D0-'],
          ['container', '+2D0-'],
          ['file', encodeUtf7('😀'.repeat(200))],
        ],
      },
    );
  });

  test('a name with half a surrogate pair is refused or repaired, so the admin download of every file still works (regression)', async () => {
    const folder = await newContainer(wire, playground.url, 'surrogates');
    const file = await newFileIn(wire, folder.url, 'body', 'whole.docx');
    const renamed = await override(file.path, 'RENAME_FILE', { 'x-wopi-requestedname': '+2D0-' });
    assert.deepEqual([renamed.status, renamed.json()], [200, { Name: '\uFFFD' }]);
    const exact = await override(folder.path, 'CREATE_CHILD_FILE', { 'x-wopi-relativetarget': '+2D0-.docx' });
    assert.deepEqual(
      [exact.status, exact.header('x-wopi-servererror'), exact.header('x-wopi-validrelativetarget')],
      [400, '"?.docx" cannot be used: the name is not valid Unicode (half of a surrogate pair)', encodeUtf7('\uFFFD (2).docx')],
    );
    const download = await wire.admin('GET', `/api/files/${file.id}/content`);
    assert.deepEqual(
      [download.status, download.text, download.header('content-disposition')],
      [200, 'body', `attachment; filename*=UTF-8''${encodeURIComponent('\uFFFD.docx')}`],
    );
  });
});

describe('path traversal in ids on every write', () => {
  const writes = {
    files: [
      { override: 'LOCK', suffix: '', headers: { 'x-wopi-lock': 'L' } },
      { override: 'UNLOCK', suffix: '', headers: { 'x-wopi-lock': 'L' } },
      { override: 'LOCK', suffix: '', headers: { 'x-wopi-lock': 'N', 'x-wopi-oldlock': 'L' } },
      { override: 'PUT', suffix: '/contents', headers: { 'x-wopi-lock': 'L' } },
      { override: 'PUT_RELATIVE', suffix: '', headers: { 'x-wopi-suggestedtarget': '.docx' } },
      { override: 'RENAME_FILE', suffix: '', headers: { 'x-wopi-requestedname': 'owned' } },
      { override: 'DELETE', suffix: '', headers: {} },
    ],
    containers: [
      { override: 'CREATE_CHILD_FILE', suffix: '', headers: { 'x-wopi-suggestedtarget': 'x.docx' } },
      { override: 'CREATE_CHILD_CONTAINER', suffix: '', headers: { 'x-wopi-suggestedtarget': 'x' } },
      { override: 'DELETE_CONTAINER', suffix: '', headers: {} },
      { override: 'RENAME_CONTAINER', suffix: '', headers: { 'x-wopi-requestedname': 'owned' } },
    ],
  };
  const decoded = (id: string): string | undefined => {
    try {
      return decodeURIComponent(id);
    } catch {
      return undefined;
    }
  };

  test('ids with dot segments, encoded slashes, NULs and data-dir names: 404 naming the id, or 404 for a path that names nothing; the tree never changes', async (t) => {
    const file = await newFileIn(wire, playground.url, 'target', 'target.docx');
    const tree = async () => (await wire.admin('GET', '/api/files')).text;
    const before = await tree();
    const tokens = [new URL(file.url).searchParams.get('access_token')!, new URL(playground.url).searchParams.get('access_token')!];
    const ours = [file.id, playground.id];
    const segments = fc.array(fc.oneof(traversalSegment, fc.constantFrom(file.id, playground.id, 'wopi', 'files', 'containers')), {
      minLength: 1,
      maxLength: 4,
    });
    // An id that is exactly one of ours, however spelled, is a real request on it: not this property's subject.
    const id = fc
      .tuple(segments, fc.constantFrom('/', '%2f', '%2F', '%5c'))
      .map(([parts, joiner]) => parts.join(joiner))
      .filter((raw) => !ours.includes(decoded(raw) ?? ''));
    const kindAndWrite = fc
      .constantFrom('files' as const, 'containers' as const)
      .chain((kind) => fc.tuple(fc.constant(kind), fc.constantFrom(...writes[kind])));
    await checkAsync(
      t,
      [kindAndWrite, id, fc.constantFrom(...tokens)],
      async ([kind, write], rawId, token) => {
        const route = `/wopi/${kind}/${rawId}${write.suffix}`;
        const reply = await wire.wopi('POST', `${route}?access_token=${token}`, {
          headers: { 'x-wopi-override': write.override, ...write.headers },
          body: 'payload',
        });
        const context = `POST ${route} ${write.override} → ${reply.status} ${reply.header('x-wopi-servererror') ?? ''}`;
        assert.equal(reply.body.length, 0, context);
        const named = /^\/wopi\/(files|containers)\/([^/]+)(?:\/(contents|ancestry|children|ecosystem_pointer))?\/?$/.exec(route);
        const resourceId = named ? decoded(named[2]!) : undefined;
        if (resourceId === undefined)
          return assert.deepEqual(
            [reply.status, reply.header('x-wopi-servererror')],
            [404, serverErrorOf(`nothing here: POST ${route}`)],
            context,
          );
        assert.deepEqual(
          [reply.status, reply.header('x-wopi-servererror')],
          [404, serverErrorOf(`no ${kind === 'files' ? 'file' : 'container'} ${resourceId} that user alice can access`)],
          context,
        );
      },
      { weight: 2 },
    );
    assert.equal(await tree(), before, 'the tree changed');
  });
});
