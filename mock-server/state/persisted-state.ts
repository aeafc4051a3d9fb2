import path from 'node:path';
import { keepAside, readIfExists, removeStaleTemporaries } from '../disk/atomic-file.js';
import { formatJsonPath, parseConfig, type ConfigIssue, type ConfigInput } from './config-schema.js';
import { emptyPersistedTokens, persistedTokensSchema, type PersistedTokens } from '../tokens/token-ledger.js';
import { emptyPersistedScenarios, persistedScenariosSchema, type PersistedScenarios } from '../scenarios/schema.js';

export const stateSchemaVersion = 2;
export const stateFileName = 'state.json';

/** The parts of the state file other modules keep; the store saves them with every write. */
export interface PersistedSections {
  /** Replayed codes, revoked sign-ins, rotated refresh tokens and "Expire now" marks (tokens/token-ledger.ts). */
  tokens: PersistedTokens;
  /** The user's own scenarios and what each applied scenario changed (scenarios/). */
  scenarios: PersistedScenarios;
}

export function emptySections(): PersistedSections {
  return { tokens: emptyPersistedTokens, scenarios: emptyPersistedScenarios };
}

/** What the data dir keeps between runs. */
export interface PersistedState extends PersistedSections {
  schemaVersion: number;
  config: ConfigInput;
  /** Per-user token epoch: tokens carry it, revoking a user replaces it. */
  userEpochs: Record<string, string>;
}

type Migration = (state: Record<string, unknown>) => Record<string, unknown>;

/** Migration n turns a version-n file into version n+1. Version 1 is the first format. */
const migrations: Record<number, Migration> = {
  // Version 2 keeps what version 1 held in memory only: the token ledger and scenarios. A version 1
  // file had none to keep, so both start empty.
  1: (state) => ({ ...state, schemaVersion: 2, ...emptySections() }),
};

export type LoadedState =
  | { kind: 'fresh' }
  /** `migrated`: the file was of an older version, so it is to be saved again in this one. */
  | { kind: 'loaded'; state: PersistedState; migrated: boolean }
  | { kind: 'unreadable'; file: string; keptAt: string; problem: string };

export function stateFilePath(dataDir: string): string {
  return path.join(dataDir, stateFileName);
}

/**
 * Reads the persisted state. A file that cannot be understood is moved aside, never overwritten,
 * and the caller is told where it went so the user can recover it.
 */
export async function loadPersistedState(dataDir: string): Promise<LoadedState> {
  const file = stateFilePath(dataDir);
  let text: string | undefined;
  try {
    // A write cut short by a crash leaves its temporary file; state.json itself is whole.
    await removeStaleTemporaries(file);
    text = await readIfExists(file);
  } catch (error) {
    // A folder in its place, no permission, an I/O error: the same policy as a corrupt file.
    return { kind: 'unreadable', file, keptAt: await keepAsideOrExplain(file, describeFsError(error)), problem: describeFsError(error) };
  }
  if (text === undefined) return { kind: 'fresh' };
  const validated = validatePersisted(text);
  if (typeof validated === 'string') {
    return { kind: 'unreadable', file, keptAt: await keepAsideOrExplain(file, validated), problem: validated };
  }
  return { kind: 'loaded', ...validated };
}

/** Moves the file aside; when even that fails, the error names the file so the user can act. */
async function keepAsideOrExplain(file: string, problem: string): Promise<string> {
  try {
    return await keepAside(file);
  } catch (error) {
    throw new Error(
      `persisted state ${file} could not be read (${problem}) nor moved aside (${describeFsError(error)}); move or remove it, then start again`,
    );
  }
}

function describeFsError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return code !== undefined && message.startsWith(`${code}:`)
    ? message
    : code !== undefined
      ? `${code}: ${message}`
      : String(message ?? error);
}

function validatePersisted(text: string): { state: PersistedState; migrated: boolean } | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'not a JSON object';
  let state = raw as Record<string, unknown>;
  const version = state['schemaVersion'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return 'schemaVersion is missing or not a positive integer';
  if (version > stateSchemaVersion) return `schemaVersion ${version} is newer than this build understands (${stateSchemaVersion})`;
  for (let v = version; v < stateSchemaVersion; v++) {
    const migrate = migrations[v];
    if (!migrate) return `no migration from schemaVersion ${v}`;
    state = migrate(state);
  }
  const parsed = parseConfig(state['config']);
  if (!parsed.ok) return `config is invalid: ${describeIssues(parsed.errors)}`;
  const epochs = state['userEpochs'];
  if (
    epochs === null ||
    typeof epochs !== 'object' ||
    Array.isArray(epochs) ||
    !Object.values(epochs).every((e) => typeof e === 'string')
  ) {
    return 'userEpochs is not an object of strings';
  }
  const sections: Partial<PersistedSections> = {};
  for (const [name, schema] of [
    ['tokens', persistedTokensSchema],
    ['scenarios', persistedScenariosSchema],
  ] as const) {
    const parsed = schema.safeParse(state[name]);
    if (!parsed.success)
      return `${name} is invalid: ${parsed.error.issues.map((i) => `${formatJsonPath([name, ...i.path])}: ${i.message}`).join('; ')}`;
    Object.assign(sections, { [name]: parsed.data });
  }
  return {
    state: {
      schemaVersion: stateSchemaVersion,
      config: state['config'] as ConfigInput,
      userEpochs: epochs as Record<string, string>,
      ...(sections as PersistedSections),
    },
    migrated: version < stateSchemaVersion,
  };
}

export function describeIssues(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}
