import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * The renderer bundles analysis/ and protocol/ as they are, so what they import at run time must
 * stay inside those two folders: no Node built-in, no Express, no zod, no package at all. Type-only
 * imports vanish in compilation, so the compiled graph is the one that counts.
 */
const engineDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pureFolders = ['analysis', 'protocol'];

async function modulesIn(folder: string): Promise<string[]> {
  const entries = await readdir(path.join(engineDir, folder), { recursive: true });
  return entries.filter((name) => name.endsWith('.js') && !name.endsWith('.test.js')).map((name) => path.join(engineDir, folder, name));
}

test('analysis/ and protocol/ import nothing at run time but each other', async () => {
  const seen = new Set<string>();
  const pending = (await Promise.all(pureFolders.map(modulesIn))).flat();
  assert.ok(pending.length > 10, 'the compiled modules are where this test expects them');
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = await readFile(file, 'utf8');
    const where = path.relative(engineDir, file);
    assert.doesNotMatch(source, /\bimport\(|\brequire\(/, `${where} loads a module dynamically`);
    for (const match of source.matchAll(/^(?:import|export)\s[^;'"\n]*\bfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]/gm)) {
      const specifier = (match[1] ?? match[2])!;
      assert.ok(specifier.startsWith('.'), `${where} imports the package "${specifier}" at run time`);
      const target = path.resolve(path.dirname(file), specifier);
      const folder = path.relative(engineDir, target).split(path.sep)[0]!;
      assert.ok(
        pureFolders.includes(folder),
        `${where} imports ${path.relative(engineDir, target)} at run time, outside ${pureFolders.join(' and ')}`,
      );
      pending.push(target);
    }
  }
});
