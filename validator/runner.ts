import type { Category } from './constants.js';
import { executeWithPrerequisites, type ExecutionContext, type RequestRecord } from './executor.js';
import type { TestCaseDefinition } from './model.js';
import type { Target } from './requests.js';
import type { SelectedTest } from './selection.js';
import { hostRequirements, type HostRequirements } from './host-configuration.js';

export type TestStatus = 'passed' | 'failed' | 'skipped';

export interface TestResult {
  group: string;
  name: string;
  category: Category;
  status: TestStatus;
  /** Skipped: the skip list's reason. Failed: the validator's message, or why setup failed. */
  message: string | undefined;
  /** The prerequisite case that failed, when that is why the test failed. */
  prerequisite: string | undefined;
  errors: string[];
  requests: RequestRecord[];
  /** How the host was configured for the test's group (our own mock only), e.g. `capabilities.containers=false`. */
  host: string | undefined;
}

/** Where tests run: one `.wopitest` file per test on our own mock, or the one file given with --wopisrc. */
export interface TargetProvider {
  /**
   * Sets the host up to satisfy a group's prerequisites before its first test, and says how it is
   * set up. Only our own mock can; any other host is tested as it is.
   */
  configureFor?(requirements: HostRequirements): Promise<string>;
  acquire(test: TestCaseDefinition): Promise<Target>;
  release(target: Target): Promise<void>;
}

export async function runTests(
  selected: SelectedTest[],
  skips: ReadonlyMap<string, string>,
  provider: TargetProvider,
  context: Omit<ExecutionContext, 'target'>,
  onResult: (result: TestResult) => void = () => {},
): Promise<TestResult[]> {
  const results: TestResult[] = [];
  let group: { name: string; host: HostSetup } | undefined;
  for (const selection of selected) {
    if (group?.name !== selection.group) group = { name: selection.group, host: await configureHost(provider, selection) };
    const result = await runOne(selection, skips, provider, context, group.host);
    results.push(result);
    onResult(result);
  }
  return results;
}

type HostSetup = { ok: true; description: string | undefined } | { ok: false; description: undefined; error: string };

async function configureHost(provider: TargetProvider, selection: SelectedTest): Promise<HostSetup> {
  if (!provider.configureFor) return { ok: true, description: undefined };
  try {
    return { ok: true, description: await provider.configureFor(hostRequirements(selection.prerequisites)) };
  } catch (error) {
    return {
      ok: false,
      description: undefined,
      error: `could not configure the host for group ${selection.group}: ${(error as Error).message}`,
    };
  }
}

async function runOne(
  { group, test, prerequisites }: SelectedTest,
  skips: ReadonlyMap<string, string>,
  provider: TargetProvider,
  context: Omit<ExecutionContext, 'target'>,
  host: HostSetup,
): Promise<TestResult> {
  const base = {
    group,
    name: test.name,
    category: test.category,
    prerequisite: undefined,
    errors: [],
    requests: [],
    host: host.description,
  };
  const skipReason = skips.get(test.name);
  if (skipReason !== undefined) return { ...base, status: 'skipped', message: skipReason };
  if (!host.ok) return { ...base, status: 'failed', message: `setup failed: ${host.error}` };
  let target: Target;
  try {
    target = await provider.acquire(test);
  } catch (error) {
    return { ...base, status: 'failed', message: `setup failed: ${(error as Error).message}` };
  }
  try {
    const outcome = await executeWithPrerequisites(test, prerequisites, { ...context, target });
    return {
      ...base,
      status: outcome.passed ? 'passed' : 'failed',
      message: outcome.message,
      prerequisite: outcome.prerequisite,
      errors: outcome.errors,
      requests: outcome.requests,
    };
  } finally {
    await provider.release(target).catch(() => {});
  }
}

export interface GroupSummary {
  group: string;
  passed: number;
  failed: number;
  skipped: number;
  /** The host configuration the group ran under (our own mock only). */
  host?: string;
}

/** Counts per group, groups in the order they ran. */
export function summarize(results: TestResult[]): { groups: GroupSummary[]; total: Omit<GroupSummary, 'group' | 'host'> } {
  const groups = new Map<string, GroupSummary>();
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const result of results) {
    let row = groups.get(result.group);
    if (!row)
      groups.set(
        result.group,
        (row = { group: result.group, passed: 0, failed: 0, skipped: 0, ...(result.host !== undefined ? { host: result.host } : {}) }),
      );
    row[result.status]++;
    total[result.status]++;
  }
  return { groups: [...groups.values()], total };
}
