import fc from 'fast-check';
import type { TestContext } from 'node:test';

/**
 * The property runner every fuzz suite uses. Each property reports how many cases it ran as a
 * test diagnostic (`fuzz: <test name>: N cases`); scripts/test.sh adds them up. CI runs a
 * modest number; FUZZ_RUNS raises it (`FUZZ_RUNS=5000 npm test`), FUZZ_SEED replays a failure
 * (fast-check prints the seed and the shrunk counterexample).
 */

function positiveInteger(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
    throw new Error(`FUZZ_RUNS must be a positive whole number, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** fast-check prints 32-bit seeds, negative ones included. */
function seedValue(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value)))
    throw new Error(`FUZZ_SEED must be a whole number as fast-check prints it, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** Cases per property in CI; a property may scale it by a weight (expensive ones run fewer). */
export const defaultRuns = 100;
export const baseRuns = positiveInteger(process.env['FUZZ_RUNS']) ?? defaultRuns;
const seed = seedValue(process.env['FUZZ_SEED']);

export function runsFor(weight = 1): number {
  return Math.max(1, Math.round(baseRuns * weight));
}

export interface PropertyOptions<Ts> {
  /** Fraction of FUZZ_RUNS for this property (default 1). */
  weight?: number;
  /** Cases that always run first: the boundaries a random draw would rarely hit. */
  examples?: Ts[];
}

/** Runs an async property, prints its case count, and fails the test with fast-check's report. */
export async function checkAsync<Ts extends [unknown, ...unknown[]]>(
  t: TestContext,
  arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  predicate: (...args: Ts) => Promise<void>,
  options: PropertyOptions<Ts> = {},
): Promise<void> {
  const property = fc.asyncProperty(
    ...(arbitraries as unknown as [fc.Arbitrary<unknown>]),
    predicate as unknown as (...args: unknown[]) => Promise<void>,
  );
  const details = await fc.check(property, {
    numRuns: runsFor(options.weight),
    ...(seed !== undefined ? { seed } : {}),
    ...(options.examples ? { examples: options.examples as unknown as [unknown][] } : {}),
  });
  report(t, details);
}

/** The same for a synchronous (pure function) property. */
export function checkSync<Ts extends [unknown, ...unknown[]]>(
  t: TestContext,
  arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  predicate: (...args: Ts) => void,
  options: PropertyOptions<Ts> = {},
): void {
  const property = fc.property(
    ...(arbitraries as unknown as [fc.Arbitrary<unknown>]),
    predicate as unknown as (...args: unknown[]) => void,
  );
  const details = fc.check(property, {
    numRuns: runsFor(options.weight),
    ...(seed !== undefined ? { seed } : {}),
    ...(options.examples ? { examples: options.examples as unknown as [unknown][] } : {}),
  });
  report(t, details);
}

function report<Ts>(t: TestContext, details: fc.RunDetails<Ts>): void {
  t.diagnostic(`fuzz: ${t.name}: ${details.numRuns} cases`);
  if (!details.failed) return;
  const cause = details.errorInstance;
  const reason = cause instanceof Error ? cause.message : String(cause);
  throw new Error(`${fc.defaultReportMessage(details) ?? `property failed after ${details.numRuns} cases`}\nFailure: ${reason}`, { cause });
}
