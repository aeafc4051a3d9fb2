import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where TestCases.xml comes from, said once for every message that needs it. */
export const testCasesOrigin =
  'TestCases.xml comes from microsoft/wopi-validator-core (MIT, https://github.com/microsoft/wopi-validator-core); point at it with --test-cases FILE or WOPI_VALIDATOR_DATA=<folder>';

/** WOPI_VALIDATOR_DATA's TestCases.xml, else ../shared/wopi-validator/TestCases.xml beside the repository when it exists. */
export function defaultTestCasesFile(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env['WOPI_VALIDATOR_DATA'];
  if (fromEnv) return path.resolve(fromEnv, 'TestCases.xml');
  const beside = path.resolve(repoRoot, '..', 'shared', 'wopi-validator', 'TestCases.xml');
  return existsSync(beside) ? beside : undefined;
}
