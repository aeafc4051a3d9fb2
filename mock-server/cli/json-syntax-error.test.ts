import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { checkSync } from '../../test-support/fuzz.js';
import { UsageError } from './args.js';
import { readConfigFile } from './config-file.js';
import { describeJsonSyntaxError, lineAndColumn, syntaxErrorOffset } from './json-syntax-error.js';

function parseMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} is JSON`);
}

describe('describeJsonSyntaxError', () => {
  // Each with the error at line 3: the place a person has to look, whatever Node says.
  const broken: Array<[name: string, text: string, line: number, column: number, reason: RegExp]> = [
    ['a missing value', '{\n  "users": [],\n  "providerId": }\n', 3, 17, /^Unexpected token '}'$/],
    ['a trailing comma', '{\n  "a": 1,\n}\n', 3, 1, /property name/],
    ['a missing colon', '{\n  "a": 1,\n  "b" 2\n}', 3, 7, /Unexpected number|':'/],
    ['a bad literal', '{\n  "a": 1,\n  "b": tru\n}', 3, 11, /^Unexpected token/],
    ['a raw tab in a string', '{\n  "a": 1,\n  "b": "x\ty"\n}', 3, 10, /control character/],
    ['a leading zero', '[\n1,\n01]', 3, 2, /number|','/],
    ['text after the document', '{}\n\n x', 3, 2, /^Unexpected non-whitespace character after JSON$/],
  ];
  for (const [name, text, line, column, reason] of broken) {
    test(`${name}: line and column from this Node's own message`, () => {
      const described = describeJsonSyntaxError(text, parseMessage(text));
      assert.deepEqual([described.line, described.column], [line, column]);
      assert.match(described.reason, reason);
      assert.doesNotMatch(described.reason, /position|is not valid JSON/);
    });
  }

  test('the end of the input: the place after the last character', () => {
    assert.deepEqual(describeJsonSyntaxError('{\n  "a": [1,\n', 'Unexpected end of JSON input'), {
      line: 3,
      column: 1,
      reason: 'Unexpected end of JSON input',
    });
    assert.deepEqual(describeJsonSyntaxError('', 'Unexpected end of JSON input'), {
      line: 1,
      column: 1,
      reason: 'Unexpected end of JSON input',
    });
  });

  test("Node 22's message: its line and column are taken as they are", () => {
    const message = `Expected ',' or '}' after property value in JSON at position 20 (line 3 column 5)`;
    assert.deepEqual(describeJsonSyntaxError('{\n  "a": 1\n    "b": 2\n}', message), {
      line: 3,
      column: 5,
      reason: "Expected ',' or '}' after property value",
    });
  });

  test("Node 20's message: the position becomes line and column", () => {
    const text = '{\n  "a": 1\n    "b": 2\n}';
    assert.deepEqual(describeJsonSyntaxError(text, `Expected ',' or '}' after property value in JSON at position 15`), {
      line: 3,
      column: 5,
      reason: "Expected ',' or '}' after property value",
    });
  });

  test("a message without a place (Node 20's unexpected token): the document is scanned, the echoed excerpt dropped", () => {
    const text = '{\n  "a": 1,\n  "b": }';
    for (const message of [
      `Unexpected token '}', "{\n  "a": 1,\n  "b": }" is not valid JSON`,
      `Unexpected token '}', ..."1,\n  "b": }" is not valid JSON`,
    ])
      assert.deepEqual(describeJsonSyntaxError(text, message), { line: 3, column: 8, reason: "Unexpected token '}'" });
  });

  test('lines are counted at \\n, so CRLF files count as their editors show them', () => {
    assert.deepEqual(lineAndColumn('{\r\n  "a": }', 10), { line: 2, column: 8 });
    const text = '{\r\n  "a": 1,\r\n  "b": }\r\n';
    assert.deepEqual(describeJsonSyntaxError(text, parseMessage(text)).line, 3);
  });
});

describe('syntaxErrorOffset', () => {
  test('is undefined for JSON, whatever JSON', (t) => {
    checkSync(t, [fc.json()], (json) => assert.equal(syntaxErrorOffset(json), undefined), {
      examples: [['{}'], [' [ ] '], ['"\\u00e9\\n"'], ['-0.5e+10'], ['null']],
    });
  });

  test('points where V8 does, for JSON broken by one character', (t) => {
    const breakage = fc.tuple(
      fc.json({ maxDepth: 3 }),
      fc.nat(),
      fc.constantFrom('delete', 'insert', 'replace'),
      fc.constantFrom(...'{}[],:"\\ \n\tu019.eE+-tfnrulxa\u0001'),
    );
    checkSync(
      t,
      [breakage],
      ([json, at, edit, char]) => {
        const i = json.length === 0 ? 0 : at % json.length;
        const text =
          edit === 'delete' ? json.slice(0, i) + json.slice(i + 1) : json.slice(0, i) + char + json.slice(edit === 'insert' ? i : i + 1);
        let message: string | undefined;
        try {
          JSON.parse(text);
        } catch (error) {
          message = (error as Error).message;
        }
        const offset = syntaxErrorOffset(text);
        if (message === undefined) return assert.equal(offset, undefined, `${JSON.stringify(text)} is JSON`);
        assert.notEqual(offset, undefined, `${JSON.stringify(text)}: ${message}`);
        const position = /at position (\d+)/.exec(message);
        const token = /^Unexpected token '([\s\S])'/.exec(message);
        if (position) assert.equal(offset, Number(position[1]), `${JSON.stringify(text)}: ${message}`);
        else if (token) assert.equal(text[offset!], token[1], `${JSON.stringify(text)}: ${message}`);
        else if (/end of JSON input/.test(message)) assert.equal(offset, text.length);
      },
      { weight: 20 },
    );
  });

  test('a document nested deeper than the stack allows has no place, rather than a crash', () => {
    const deep = '['.repeat(200_000);
    assert.equal(syntaxErrorOffset(deep + ']'.repeat(200_000 - 1)), undefined);
  });
});

describe('readConfigFile', () => {
  const dirs: string[] = [];
  after(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  async function configFile(text: string): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'config-file-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'config.json'), text);
    return path.join(dir, 'config.json');
  }

  test('a syntax error names the file, line and column and the reason', async () => {
    const file = await configFile('{\n  "providerId": "X",\n  "users": [}\n');
    await assert.rejects(readConfigFile(file), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(
        error.message,
        new RegExp(`^config file ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON at line 3, column 13: `),
      );
      return true;
    });
  });

  test('an unexpected token, which Node 20 gives no place for, is placed too', async () => {
    const file = await configFile('{\n  "providerId": }\n');
    await assert.rejects(readConfigFile(file), {
      message: `config file ${file}: not valid JSON at line 2, column 17: Unexpected token '}'`,
    });
  });

  test('a byte order mark is skipped, and not counted', async () => {
    const file = await configFile('\uFEFF{"providerId": }');
    await assert.rejects(readConfigFile(file), {
      message: `config file ${file}: not valid JSON at line 1, column 16: Unexpected token '}'`,
    });
    assert.deepEqual(await readConfigFile(await configFile('\uFEFF{"providerId": "X"}')), { providerId: 'X' });
  });
});
