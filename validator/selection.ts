import { Category, supportedCategories } from './constants.js';
import type { TestCaseDefinition, TestGroupDefinition, TestSuite } from './model.js';

/** A `--category`, `--group` or `--test` that names nothing runnable. */
export class SelectionError extends Error {}

export interface Selection {
  categories: readonly Category[];
  group?: string | undefined;
  test?: string | undefined;
}

export interface SelectedTest {
  group: string;
  test: TestCaseDefinition;
  prerequisites: TestCaseDefinition[];
}

/**
 * The tests a run executes, in file order. As in the validator (`TestCaseFactory`), WopiCore tests
 * always run and other tests run when their category is chosen; prerequisite cases are filtered the
 * same way, and a group's prerequisites are looked up by name.
 */
export function selectTests(suite: TestSuite, selection: Selection): SelectedTest[] {
  for (const category of selection.categories) {
    if (!supportedCategories.includes(category))
      throw new SelectionError(`category ${category} is out of scope for this runner (it runs ${supportedCategories.join(' and ')})`);
  }
  const inScope = (test: TestCaseDefinition) => test.category === Category.WopiCore || selection.categories.includes(test.category);
  const prereqs = new Map(suite.prereqCases.filter(inScope).map((p) => [p.name, p]));

  let groups: TestGroupDefinition[] = suite.groups;
  if (selection.group !== undefined) {
    groups = groups.filter((g) => g.name === selection.group);
    if (groups.length === 0)
      throw new SelectionError(`no test group is named "${selection.group}"; groups: ${suite.groups.map((g) => g.name).join(', ')}`);
  }

  const selected: SelectedTest[] = [];
  for (const group of groups) {
    const tests = group.testCases.filter(inScope).filter((t) => selection.test === undefined || t.name === selection.test);
    if (tests.length === 0) continue;
    const prerequisites = group.prereqNames.map((name) => {
      const prereq = prereqs.get(name);
      if (!prereq) throw new SelectionError(`Could not find a prereq test case named ${name} (group ${group.name})`);
      return prereq;
    });
    for (const test of tests) selected.push({ group: group.name, test, prerequisites });
  }
  if (selection.test !== undefined) {
    if (selected.length === 0)
      throw new SelectionError(
        `no test named "${selection.test}" in the chosen categories${selection.group !== undefined ? ` and group ${selection.group}` : ''}`,
      );
    // Validator TestExecutionData.GetDataForSpecificTest: the first test of that name.
    return selected.slice(0, 1);
  }
  return selected;
}

/** `--category WopiCore,OfficeNativeClient`, names matched case-insensitively as the validator's enum parse does. */
export function parseCategories(text: string): Category[] {
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 0) throw new SelectionError('--category needs at least one category');
  return names.map((name) => {
    const category = Object.values(Category).find((c) => c.toLowerCase() === name.toLowerCase());
    if (!category) throw new SelectionError(`unknown category "${name}"; categories are ${Object.values(Category).join(', ')}`);
    return category;
  });
}
