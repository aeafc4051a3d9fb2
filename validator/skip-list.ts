/** A skip list that is not a list of `{ "test", "reason" }` entries naming real tests. */
export class SkipListError extends Error {}

export interface SkipEntry {
  test: string;
  reason: string;
}

/**
 * Reads `validator/skip-list.json`: the only way a test is skipped. Every entry names an existing
 * test once and argues why, so a stale or silent skip cannot hide a failure.
 */
export function parseSkipList(text: string, knownTests: ReadonlySet<string>, source = 'skip-list.json'): Map<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SkipListError(`${source} is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(value)) throw new SkipListError(`${source} must be a JSON array of { "test": "<name>", "reason": "<why>" }`);
  const skips = new Map<string, string>();
  value.forEach((entry: unknown, index) => {
    const where = `${source} entry ${index + 1}`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      throw new SkipListError(`${where} must be an object with "test" and "reason"`);
    const { test, reason, ...rest } = entry as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0)
      throw new SkipListError(`${where} has unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')}`);
    if (typeof test !== 'string' || test.trim() === '') throw new SkipListError(`${where} needs a "test" name`);
    if (typeof reason !== 'string' || reason.trim() === '') throw new SkipListError(`${where} (${test}) needs a "reason" arguing the skip`);
    if (!knownTests.has(test)) throw new SkipListError(`${where} names "${test}", which is not a test in TestCases.xml`);
    if (skips.has(test)) throw new SkipListError(`${where} lists "${test}" a second time`);
    skips.set(test, reason.trim());
  });
  return skips;
}
