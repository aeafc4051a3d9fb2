import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Category, officeNativeClientUserAgent, type Category as CategoryName } from './constants.js';
import { Transport } from './http.js';
import { parseTestCases } from './parse-test-cases.js';
import type { Target } from './requests.js';
import { Resources } from './resources.js';
import { runTests, type TestResult } from './runner.js';
import { Schemas } from './schemas.js';
import { selectTests } from './selection.js';
import { parseSkipList } from './skip-list.js';
import { testCasesOrigin } from './test-cases-location.js';

/** A file the run needs is missing or unreadable. */
export class InputError extends Error {}

export async function readInput(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read ${what} at ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
}

export interface SuiteOptions {
  testCasesFile: string;
  skipListFile: string;
  categories: CategoryName[];
  group?: string | undefined;
  test?: string | undefined;
}

/** Reads and selects the test cases, the skip list and the JSON schemas the selection needs. */
export async function loadSuite(options: SuiteOptions) {
  const xml = await readInput(options.testCasesFile, 'TestCases.xml').catch((error: Error) => {
    throw new InputError(`${error.message}. ${testCasesOrigin}`);
  });
  const suite = parseTestCases(xml);
  const schemas = await Schemas.load(path.join(path.dirname(options.testCasesFile), 'JsonSchemas'));
  const selected = selectTests(suite, { categories: options.categories, group: options.group, test: options.test });
  const knownTests = new Set(suite.groups.flatMap((g) => g.testCases.map((t) => t.name)));
  const skips = parseSkipList(await readInput(options.skipListFile, 'the skip list'), knownTests, options.skipListFile);
  const missing = [...new Set(selected.flatMap((s) => [s.test, ...s.prerequisites]).flatMap(schemaIdsUsed))].filter(
    (id) => !schemas.has(id),
  );
  if (missing.length > 0)
    throw new InputError(
      `the tests use JSON schemas ${missing.join(', ')}, which are not in ${path.join(path.dirname(options.testCasesFile), 'JsonSchemas')}`,
    );
  return { suite, selected, skips, schemas };
}

function schemaIdsUsed(test: { requests: Array<{ validators: unknown }> }): string[] {
  const ids: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record['kind'] === 'JsonSchema' && typeof record['schema'] === 'string') ids.push(record['schema']);
      Object.values(record).forEach(visit);
    }
  };
  visit(test.requests.map((r) => r.validators));
  return ids;
}

export interface ExternalRun extends Omit<SuiteOptions, 'categories'> {
  target: Target;
  ca?: string | undefined;
  insecure?: boolean;
  categories?: CategoryName[];
}

/** Runs the WopiCore and OfficeNativeClient cases on one .wopitest file of any host, as the validator's -w does. */
export async function runAgainstFile(options: ExternalRun, onResult?: (result: TestResult) => void): Promise<TestResult[]> {
  const categories = options.categories ?? [Category.WopiCore, Category.OfficeNativeClient];
  const { suite, selected, skips, schemas } = await loadSuite({ ...options, categories });
  const userAgent = categories.includes(Category.OfficeNativeClient) ? officeNativeClientUserAgent : undefined;
  const transport = new Transport({ ca: options.ca, userAgent, ...(options.insecure ? { insecure: true } : {}) });
  try {
    const target = options.target;
    return await runTests(
      selected,
      skips,
      { acquire: () => Promise.resolve(target), release: () => Promise.resolve() },
      { transport, resources: new Resources(suite.resources), schemas, userAgent },
      onResult,
    );
  } finally {
    transport.close();
  }
}
