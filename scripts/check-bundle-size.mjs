#!/usr/bin/env node
// The UI's size budget: the JavaScript a first visit loads, gzipped, must stay within 90 kB. That is
// the entry chunk index.html names plus every chunk it imports statically, and the first screen's
// chunk (the Overview, loaded with React.lazy) with its own static imports. Screens opened later,
// and what they load, do not count. Run after the vite build (scripts/test.sh does):
//   node scripts/check-bundle-size.mjs [vite output dir, default dist/renderer]
// Exits 1 with a message when over budget or when the build is not where it should be.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const budgetBytes = 90_000;
const firstScreen = 'OverviewScreen';
const outDir = path.resolve(process.argv[2] ?? 'dist/renderer');

function fail(message) {
  console.error(`bundle size check: ${message}`);
  process.exit(1);
}

const indexPath = path.join(outDir, 'index.html');
if (!existsSync(indexPath))
  fail(`no ${path.relative(process.cwd(), indexPath)}; build the UI first (npx vite build --config renderer/vite.config.ts)`);
const html = readFileSync(indexPath, 'utf8');

/** The JS files index.html loads up front: its module scripts and the chunks it preloads. */
const entries = [
  ...html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+\.js)"/g),
  ...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+\.js)"/g),
].map((m) => path.resolve(outDir, m[1]));
if (entries.length === 0) fail(`${indexPath} names no module script`);

const sources = new Map();
const source = (file) => {
  if (!sources.has(file)) {
    if (!existsSync(file)) fail(`${path.relative(outDir, file)} is imported but not in the build`);
    sources.set(file, readFileSync(file, 'utf8'));
  }
  return sources.get(file);
};

// Static `import … from "./x.js"`, `import "./x.js"` and `export … from "./x.js"`; never `import(…)`.
const staticImport = /\b(?:import|export)\s*(?!\()(?:[\w$*{}\s,]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;
const dynamicImport = /\bimport\(\s*["'`](\.{1,2}\/[^"'`]+\.js)["'`]\s*\)/g;

/** The files and every file they import statically, transitively. */
function staticGraph(roots) {
  const seen = new Set();
  const pending = [...roots];
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of source(file).matchAll(staticImport)) pending.push(path.resolve(path.dirname(file), match[1]));
  }
  return seen;
}

const gzipped = (file) => gzipSync(source(file)).length;
const total = (files) => [...files].reduce((sum, file) => sum + gzipped(file), 0);
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

const entryGraph = staticGraph(entries);
const screenChunk = [...entryGraph]
  .flatMap((file) => [...source(file).matchAll(dynamicImport)].map((m) => path.resolve(path.dirname(file), m[1])))
  .find((file) => path.basename(file).startsWith(`${firstScreen}-`));
// Not loaded lazily: then the first screen is part of the entry's graph already.
const firstVisit = new Set([...entryGraph, ...(screenChunk ? staticGraph([screenChunk]) : [])]);

const entryBytes = total(entryGraph);
const firstVisitBytes = total(firstVisit);
for (const file of [...firstVisit].sort((a, b) => gzipped(b) - gzipped(a)))
  console.log(`  ${kB(gzipped(file)).padStart(9)}  ${path.relative(outDir, file)}${entryGraph.has(file) ? '' : ` (${firstScreen})`}`);
console.log(
  `UI bundle, gzipped: entry and its static imports ${kB(entryBytes)} (${entryGraph.size} chunks); ` +
    `with the first screen ${kB(firstVisitBytes)} (${firstVisit.size} chunks); budget ${kB(budgetBytes)}`,
);
if (firstVisitBytes > budgetBytes)
  fail(
    `the first visit loads ${kB(firstVisitBytes)} of JavaScript, gzipped, over the ${kB(budgetBytes)} budget; ` +
      'load the new code lazily (React.lazy, import()) or keep engine-only modules out of the renderer',
  );
