import { parseArgs } from 'node:util';
import path from 'node:path';
import { Category, type Category as CategoryName } from './constants.js';
import { parseCategories } from './selection.js';
import { defaultTestCasesFile } from './test-cases-location.js';

/** A mistake on the command line; the message says what to change. */
export class UsageError extends Error {}

export interface ExternalHost {
  wopiSrc: string;
  token: string;
  tokenTtl: number;
  /** PEM file of a CA to trust besides Node's bundle (a private CA of the host under test). */
  caFile: string | undefined;
}

export interface RunnerOptions {
  /** Undefined: start our own mock host. */
  external: ExternalHost | undefined;
  testCasesFile: string;
  skipListFile: string;
  categories: CategoryName[];
  group: string | undefined;
  test: string | undefined;
  verbose: boolean;
  json: boolean;
}

export type RunnerCommand = { kind: 'help' } | { kind: 'no-test-cases' } | { kind: 'run'; options: RunnerOptions };

export const helpText = `Usage: npm run validate -- [options]
       node dist/validator/main.js [options]

Runs the WOPI validator's own test cases (TestCases.xml from microsoft/wopi-validator-core) the way
the validator runs them. With no --wopisrc it starts the mock host on a free port in a temporary
data dir, gives every test a fresh .wopitest file and, before each group, sets the mock's capability
switches to what the group's prerequisites ask for (e.g. PutRelativeFileUnsupported runs with
capabilities.putRelativeFile=false); with --wopisrc it tests any WOPI host as it is.

Options:
  --wopisrc <url>       WopiSrc of a .wopitest file on the host under test (the validator's -w)
  --token <t>           WOPI access token for that file (-t)
  --token-ttl <n>       access_token_ttl sent with it, ms since the epoch; 0 = unknown (-l) [default: 0]
  --ca <file>           also trust this CA certificate (PEM) for the host under test
  --category <list>     WopiCore,OfficeNativeClient or one of them; WopiCore tests always run
                        [default: WopiCore,OfficeNativeClient]
  --group <name>        run only this test group (-g)
  --test <name>         run only this test (-n)
  --config <file>       TestCases.xml to run (microsoft/wopi-validator-core, MIT); JSON schemas are
                        read from JsonSchemas/ beside it. Also --test-cases <file>.
                        [default: $WOPI_VALIDATOR_DATA/TestCases.xml, else
                        ../shared/wopi-validator/TestCases.xml beside this repository when it exists]
  --skip-list <file>    tests to skip, each with its reason   [default: validator/skip-list.json]
  --verbose             print the requests and responses of failed tests
  --json                print one JSON document with every result instead of text
  --help                show this help

Exit codes: 0 every test passed or was skipped by the skip list, 1 a test failed or the run could
not start, 2 bad options or an unreadable TestCases.xml, schema folder or skip list.`;

export function parseRunnerArgs(
  argv: string[],
  repoRoot: string,
  cwd = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
): RunnerCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        wopisrc: { type: 'string' },
        token: { type: 'string' },
        'token-ttl': { type: 'string' },
        ca: { type: 'string' },
        category: { type: 'string' },
        group: { type: 'string' },
        test: { type: 'string' },
        config: { type: 'string' },
        'test-cases': { type: 'string' },
        'skip-list': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; see --help`);
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help' };

  let external: ExternalHost | undefined;
  if (v.wopisrc !== undefined || v.token !== undefined) {
    if (v.wopisrc === undefined || v.token === undefined)
      throw new UsageError('--wopisrc and --token go together: the WopiSrc of a .wopitest file and a WOPI token for it');
    if (!URL.canParse(v.wopisrc) || !/^https?:$/.test(new URL(v.wopisrc).protocol))
      throw new UsageError(`--wopisrc must be an absolute http(s) URL, not "${v.wopisrc}"`);
    if (v.token.trim() === '') throw new UsageError('--token must not be empty');
    const ttl = v['token-ttl'] ?? '0';
    if (!/^\d+$/.test(ttl))
      throw new UsageError(`--token-ttl must be a whole number of milliseconds since the epoch (0 = unknown), not "${ttl}"`);
    external = {
      wopiSrc: v.wopisrc,
      token: v.token,
      tokenTtl: Number(ttl),
      caFile: v.ca === undefined ? undefined : path.resolve(cwd, v.ca),
    };
  } else {
    for (const name of ['token-ttl', 'ca'] as const)
      if (v[name] !== undefined) throw new UsageError(`--${name} only applies with --wopisrc and --token`);
  }
  if (v.group !== undefined && v.test !== undefined)
    throw new UsageError('--group and --test cannot be used together (as in the validator)');

  let categories: CategoryName[];
  try {
    categories = parseCategories(v.category ?? `${Category.WopiCore},${Category.OfficeNativeClient}`);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const given = v['test-cases'] ?? v.config;
  const testCasesFile = given !== undefined ? path.resolve(cwd, given) : defaultTestCasesFile(repoRoot, env);
  if (testCasesFile === undefined) return { kind: 'no-test-cases' };
  return {
    kind: 'run',
    options: {
      external,
      testCasesFile,
      skipListFile: v['skip-list'] !== undefined ? path.resolve(cwd, v['skip-list']) : path.join(repoRoot, 'validator', 'skip-list.json'),
      categories,
      group: v.group,
      test: v.test,
      verbose: v.verbose,
      json: v.json,
    },
  };
}
