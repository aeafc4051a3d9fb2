import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseConfig, type ParsedConfig } from '../state/config-schema.js';
import { activeKnownBugs, isKnownBugOn, knownBug, knownBugNote, knownBugs, withKnownBug } from './known-bugs.js';

function defaultConfig(): ParsedConfig {
  const parsed = parseConfig({});
  assert.ok(parsed.ok);
  return parsed.config;
}

function valueAt(config: ParsedConfig, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], config);
}

describe('the known-bug table', () => {
  test('14 switches; keys, config paths and rules are each unique', () => {
    assert.equal(knownBugs.length, 14);
    for (const field of ['key', 'configPath', 'rule', 'title'] as const)
      assert.equal(new Set(knownBugs.map((b) => b[field])).size, knownBugs.length, `${field}s are unique`);
  });

  test('every switch exists in the parsed default config at its configPath, set to its off value', () => {
    const config = defaultConfig();
    for (const bug of knownBugs) {
      assert.notEqual(valueAt(config, bug.configPath), undefined, bug.configPath);
      assert.equal(valueAt(config, bug.configPath), bug.off, bug.configPath);
      assert.equal(bug.configPath.split('.').at(-1), bug.key);
    }
    assert.deepEqual(activeKnownBugs(config), []);
  });

  test('every field of the knownBugs section is in the table', () => {
    const inTable = new Set<string>(knownBugs.map((b) => b.configPath));
    for (const field of Object.keys(defaultConfig().knownBugs)) assert.ok(inTable.has(`knownBugs.${field}`), field);
  });

  test('turning one switch on gives a valid config in which exactly that switch is active', () => {
    for (const bug of knownBugs) {
      const on = withKnownBug(defaultConfig(), bug.key, true);
      const parsed = parseConfig(on);
      assert.ok(parsed.ok, bug.key);
      assert.equal(valueAt(parsed.config, bug.configPath), bug.on);
      assert.ok(isKnownBugOn(parsed.config, bug.key));
      assert.deepEqual(activeKnownBugs(parsed.config), [bug]);
      assert.deepEqual(withKnownBug(on, bug.key, false), defaultConfig());
    }
  });

  test('the older unknownEcosystemOperation switch is on in its notImplemented mode', () => {
    const config = withKnownBug(defaultConfig(), 'unknownEcosystemOperation', true);
    assert.equal(config.compatibility.unknownEcosystemOperation, 'notImplemented');
    assert.equal(withKnownBug(config, 'unknownEcosystemOperation', false).compatibility.unknownEcosystemOperation, 'bootstrap');
  });

  test('titles are short and explanations one sentence', () => {
    for (const bug of knownBugs) {
      assert.ok(bug.title.length <= 50, bug.title);
      assert.match(bug.explanation, /^[A-Z"'].*[^.]\.$/, bug.key);
      assert.doesNotMatch(bug.explanation, /\.\s+[A-Z]/, `${bug.key}: one sentence`);
    }
  });

  test('the log note names the title, the config path and the rule', () => {
    assert.equal(
      knownBugNote('challengeTrailingComma'),
      'Known host bug on purpose: Trailing comma in the challenge (knownBugs.challengeTrailingComma; breaks rule challenge-trailing-comma)',
    );
    assert.equal(knownBug('expiresInAsString').rule, 'expires-in-not-number');
    assert.throws(() => knownBug('nope' as never), /no known host bug "nope"/);
  });

  test("the README's known-bugs table has one row per switch, naming the rule it breaks", async () => {
    const readme = await readFile(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
    const start = readme.indexOf('### Known host bugs');
    // The section ends at the next heading of any level.
    const section = readme.slice(start, readme.slice(start + 1).search(/\n#{2,3} /) + start + 1);
    const rows = section.split('\n').filter((line) => line.startsWith('| `'));
    assert.equal(rows.length, knownBugs.length);
    knownBugs.forEach((bug, index) => {
      assert.ok(rows[index]!.startsWith(`| \`${bug.configPath}`), `row ${index + 1} is ${bug.configPath}`);
      assert.ok(rows[index]!.endsWith(`| \`${bug.rule}\` |`), `${bug.configPath} breaks ${bug.rule}`);
    });
  });

  test('the table imports only types, so the renderer can bundle it', async () => {
    const source = await readFile(fileURLToPath(new URL('../../../mock-server/analysis/known-bugs.ts', import.meta.url)), 'utf8');
    const imports = source.split('\n').filter((line) => /^import\s/.test(line));
    assert.ok(imports.length > 0);
    for (const line of imports) assert.match(line, /^import type /);
  });
});
