import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * No module of the engine imports itself through others, type-only imports included: a loop
 * means two modules are one concept split in two, or share something that belongs to neither.
 */

const engineDir = fileURLToPath(new URL('../../mock-server/', import.meta.url));

/** The relative specifiers a source imports or re-exports statically (`import type` included; `import()` is not a load-time edge). */
function importSpecifiers(source: string): string[] {
  return [
    ...source.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*'(\.[^']+)'/gms),
    ...source.matchAll(/^\s*import\s*'(\.[^']+)'/gm),
  ].map((match) => match[1]!);
}

/** The modules of the engine a source file imports. */
function relativeImports(file: string, source: string): string[] {
  return importSpecifiers(source)
    .map((specifier) => path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')))
    .filter((target) => existsSync(target));
}

/** Every cycle as the path that closes it (a → b → a), each reported once. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (module: string): void => {
    stack.push(module);
    onStack.add(module);
    for (const next of graph.get(module) ?? []) {
      if (onStack.has(next)) cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!done.has(next)) visit(next);
    }
    stack.pop();
    onStack.delete(module);
    done.add(module);
  };
  for (const module of graph.keys()) if (!done.has(module)) visit(module);
  return cycles;
}

test('no import cycle among the engine modules (mock-server/, tests aside)', async () => {
  const files = (await readdir(engineDir, { recursive: true }))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts'))
    .map((name) => path.join(engineDir, name));
  assert.ok(files.length > 50, `found only ${files.length} modules under ${engineDir}`);
  const graph = new Map<string, string[]>();
  for (const file of files) graph.set(file, relativeImports(file, await readFile(file, 'utf8')));
  const cycles = findCycles(graph).map((cycle) => cycle.map((file) => path.relative(engineDir, file)).join(' → '));
  assert.deepEqual(cycles, []);
});

test('the cycle finder sees a loop through type-only and multi-line imports', () => {
  const source = [
    "import type {\n  B,\n  C,\n} from './b.js';",
    "export { d } from './d.js';",
    "import './e.js';",
    "import { readFile } from 'node:fs/promises';",
    "const later = () => import('./f.js');",
  ].join('\n');
  assert.deepEqual(importSpecifiers(source), ['./b.js', './d.js', './e.js']);
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['b']],
  ]);
  assert.deepEqual(findCycles(graph), [['a', 'b', 'c', 'a']]);
});
