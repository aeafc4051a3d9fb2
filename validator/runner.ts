import type { Category } from './constants.js';
import { executeWithPrerequisites, type ExecutionContext, type RequestRecord } from './executor.js';
import type { TestCaseDefinition } from './model.js';
import type { Target } from './requests.js';
import type { SelectedTest } from './selection.js';

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
}

/** Where tests run: one `.wopitest` file per test on our own mock, or the one file given with --wopisrc. */
export interface TargetProvider {
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
  for (const selection of selected) {
    const result = await runOne(selection, skips, provider, context);
    results.push(result);
    onResult(result);
  }
  return results;
}

async function runOne({ group, test, prerequisites }: SelectedTest, skips: ReadonlyMap<string, string>, provider: TargetProvider, context: Omit<ExecutionContext, 'target'>): Promise<TestResult> {
  const base = { group, name: test.name, category: test.category, prerequisite: undefined, errors: [], requests: [] };
  const skipReason = skips.get(test.name);
  if (skipReason !== undefined) return { ...base, status: 'skipped', message: skipReason };
  let target: Target;
  try {
    target = await provider.acquire(test);
  } catch (error) {
    return { ...base, status: 'failed', message: `setup failed: ${(error as Error).message}` };
  }
  try {
    const outcome = await executeWithPrerequisites(test, prerequisites, { ...context, target });
    return { ...base, status: outcome.passed ? 'passed' : 'failed', message: outcome.message, prerequisite: outcome.prerequisite, errors: outcome.errors, requests: outcome.requests };
  } finally {
    await provider.release(target).catch(() => {});
  }
}

export interface GroupSummary {
  group: string;
  passed: number;
  failed: number;
  skipped: number;
}

/** Counts per group, groups in the order they ran. */
export function summarize(results: TestResult[]): { groups: GroupSummary[]; total: Omit<GroupSummary, 'group'> } {
  const groups = new Map<string, GroupSummary>();
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const result of results) {
    let row = groups.get(result.group);
    if (!row) groups.set(result.group, (row = { group: result.group, passed: 0, failed: 0, skipped: 0 }));
    row[result.status]++;
    total[result.status]++;
  }
  return { groups: [...groups.values()], total };
}
