import { fileURLToPath } from 'node:url';
import { helpText, parseRunnerArgs, UsageError, type RunnerOptions } from './args.js';
import { Category, officeNativeClientUserAgent } from './constants.js';
import { Transport } from './http.js';
import { MockHost } from './mock-host.js';
import { TestCasesError } from './parse-test-cases.js';
import { InputError, loadSuite, readInput } from './suite.js';
import { testCasesOrigin } from './test-cases-location.js';
import { formatGroupHeading, formatResult, formatSummary, toJson } from './report.js';
import type { Target } from './requests.js';
import { Resources } from './resources.js';
import { runTests, type TargetProvider } from './runner.js';
import { SchemaError } from './schemas.js';
import { SelectionError } from './selection.js';
import { SkipListError } from './skip-list.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `wopi-mock-host validate` and `npm run validate`. Exit codes: 0 all passed (or listed as
 * skipped, or no TestCases.xml to run: that is said in one line), 1 a failure, 2 bad input.
 */
export async function runValidator(argv: string[]): Promise<number> {
  let options: RunnerOptions;
  try {
    const command = parseRunnerArgs(argv, repoRoot);
    if (command.kind === 'help') {
      console.log(helpText);
      return 0;
    }
    if (command.kind === 'no-test-cases') {
      // A clone or an npm install without the validator's data: say where it comes from, fail nothing.
      console.log(`wopi-validator: no test cases to run. ${testCasesOrigin}.`);
      console.log('0 passed, 0 failed, 0 skipped');
      return 0;
    }
    options = command.options;
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    throw error;
  }

  let prepared;
  try {
    prepared = await prepare(options);
  } catch (error) {
    if (
      error instanceof TestCasesError ||
      error instanceof SchemaError ||
      error instanceof SelectionError ||
      error instanceof SkipListError ||
      error instanceof InputError
    ) {
      return usage(error.message);
    }
    throw error;
  }
  const { suite, selected, skips, schemas, ca } = prepared;

  let provider: TargetProvider & { stop?: () => Promise<void> };
  let transport: Transport;
  let where: string;
  const userAgent = options.categories.includes(Category.OfficeNativeClient) ? officeNativeClientUserAgent : undefined;
  if (options.external) {
    const target: Target = {
      wopiSrc: options.external.wopiSrc,
      accessToken: options.external.token,
      accessTokenTtl: options.external.tokenTtl,
    };
    provider = { acquire: () => Promise.resolve(target), release: async () => {} };
    transport = new Transport({ ca, userAgent });
    where = `${options.external.wopiSrc} (one .wopitest file for every test, as the validator does)`;
  } else {
    let host: MockHost;
    try {
      host = await MockHost.start();
    } catch (error) {
      console.error(`wopi-validator: could not prepare the mock host: ${(error as Error).message}`);
      return 1;
    }
    provider = host;
    transport = new Transport({ ca: host.caCertificate, userAgent });
    where = `the mock host at ${host.origin} (a fresh .wopitest file per test; each group on the host configuration its prerequisites ask for)`;
  }
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      transport.close();
      await provider.stop?.();
    })());
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)));

  try {
    if (!options.json)
      console.log(
        `WOPI validator: ${selected.length} test case${selected.length === 1 ? '' : 's'} (${options.categories.join(', ')}) against ${where}`,
      );
    let currentGroup = '';
    const results = await runTests(
      selected,
      skips,
      provider,
      { transport, resources: new Resources(suite.resources), schemas, userAgent },
      (result) => {
        if (options.json) return;
        if (result.group !== currentGroup) console.log(`\n${formatGroupHeading((currentGroup = result.group), result.host)}`);
        console.log(formatResult(result, options.verbose));
      },
    );
    if (options.json) console.log(JSON.stringify(toJson(results, options.verbose), null, 2));
    else console.log(`\n${formatSummary(results)}`);
    return results.some((r) => r.status === 'failed') ? 1 : 0;
  } finally {
    await stop();
  }
}

async function prepare(options: RunnerOptions) {
  const loaded = await loadSuite(options);
  const caFile = options.external?.caFile;
  const ca = caFile === undefined ? undefined : await readInput(caFile, 'the --ca certificate');
  return { ...loaded, ca };
}

function usage(message: string): number {
  console.error(`wopi-validator: ${message}`);
  return 2;
}
