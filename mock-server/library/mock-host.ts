import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEngine, type Engine } from '../engine.js';
import type { Config, ConfigIssue, FaultRuleInput, MockUser } from '../state/config-schema.js';
import type { LogEntry } from '../log/entry.js';
import type { OperationName } from '../protocol/operations.js';
import { specWarnings } from '../analysis/spec-check.js';
import type { Finding } from '../analysis/rulebook.js';
import { tokensInEntry, type SeenToken } from '../analysis/token-insight.js';
import { trustingFetch, type TrustingFetch } from './trusting-fetch.js';
import type { VirtualClock } from './virtual-clock.js';
import { expirableKinds, type ExpirableKind } from '../tokens/expire-now.js';
import { actAsAnotherEditor, type AnotherEditorAction, type AnotherEditorResult } from '../storage/another-editor.js';
import type { ScenarioApplied, ScenarioOutcome, ScenarioRemoved, ScenarioView } from '../scenarios/scenario-book.js';

/*
 * The mock as a library for test suites, the way mockttp and WireMock are used: one host per test
 * on random ports, change it, point the client at it, assert on what it saw, stop it.
 */

export type DeepPartial<T> = T extends readonly (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

export interface MockHostOptions {
  /** Mock users instead of the defaults (alice and bob); `signInName` defaults to `<id>@contoso.test`. */
  users?: UserInput[];
  /** A config document, or part of one, merged over the defaults. */
  config?: DeepPartial<Config>;
  /** Fault rules active from the first request. */
  faults?: FaultRuleInput[];
  /** Where state persists; default a temporary folder removed by stop(). */
  dataDir?: string;
  /** Host name in every URL handed out; default 127.0.0.1. */
  publicHost?: string;
  logCapacity?: number;
  /** A virtual clock (createVirtualClock()) so expiry tests need no waiting. */
  clock?: VirtualClock;
  /** stop() rejects, listing every spec warning the traffic raised (as WireMock fails on unmatched requests). */
  failOnSpecWarnings?: boolean;
}

/** A mock user to add: only the id is needed. */
export type UserInput = Partial<MockUser> & { id: string };

function withDefaults(user: UserInput): MockUser {
  return { friendlyName: '', ...user, signInName: user.signInName ?? `${user.id}@contoso.test` };
}

export interface MockHostUrls {
  bootstrapper: string;
  wopiOrigin: string;
  admin: string;
  /** The desktop UI in a browser, with the admin token in its fragment. */
  ui: string;
}

/** What a log filter matches; every given field must match. */
export interface LogFilter {
  operation?: OperationName | OperationName[];
  status?: number;
  method?: string;
  userId?: string;
  /** A substring of, or a pattern for, the path and query. */
  url?: string | RegExp;
  /** Only entries after this sequence number. */
  afterSeq?: number;
  where?: (entry: LogEntry) => boolean;
}

/** A log entry with what the Live log shows beside it. */
export interface ObservedRequest {
  entry: LogEntry;
  operation: OperationName;
  tokens: SeenToken[];
  specWarnings: Finding[];
}

export interface FaultHandle {
  id: string;
  /** How many requests it has bent so far. */
  hits(): number;
  remove(): Promise<void>;
}

export interface MockHost extends AsyncDisposable {
  urls: MockHostUrls;
  /** The per-install CA certificate (PEM) that signs the host's TLS certificate. */
  caPem: string;
  /** fetch() that trusts caPem, for requests to the host. */
  fetch: TrustingFetch;
  /** The engine itself, for what this API does not cover. */
  engine: Engine;
  config: {
    get(): Config;
    /** Merges the patch into the current config; rejects listing every invalid field. */
    set(patch: DeepPartial<Config>): Promise<Config>;
  };
  users: {
    add(user: UserInput): Promise<MockUser>;
    remove(id: string): Promise<void>;
    /** Every token issued to the user so far stops working. */
    revoke(id: string): Promise<void>;
    /** "Expire now": the user's tokens of these kinds (default all) count as expired from the next request on. */
    expire(id: string, kinds?: ExpirableKind[]): void;
  };
  files: {
    /** Another session acts on a file: takes or refreshes its lock with an id of its own, or saves a new version. */
    anotherEditor(
      fileId: string,
      action: AnotherEditorAction,
      options?: { lockId?: string; content?: Uint8Array },
    ): Promise<AnotherEditorResult>;
  };
  faults: {
    add(rule: FaultRuleInput): Promise<FaultHandle>;
    clear(): Promise<void>;
  };
  /** The built-in scenarios and those saved, with whether each is applied. */
  scenarios(): ScenarioView[];
  /** Applies a scenario (built-in or saved) as the UI's Apply button does; rejects saying why it cannot. */
  applyScenario(id: string): Promise<ScenarioApplied>;
  /** Removes an applied scenario: what it changed is put back, one-shot actions stay done. */
  removeScenario(id: string): Promise<ScenarioRemoved>;
  /**
   * Moves the host's "now" forward: the virtual clock when one was given, otherwise
   * clockOffsetSeconds (whole seconds, so `ms` must be a multiple of 1000).
   */
  advanceClock(ms: number): Promise<void>;
  log: {
    entries(filter?: LogFilter): ObservedRequest[];
    /** Resolves with the first entry (already logged or still to come) that matches. */
    waitFor(filter: LogFilter, options?: { timeoutMs?: number }): Promise<ObservedRequest>;
    clear(): void;
  };
  /** Back to the starting config, no faults, an empty log. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** A scenario the engine could not apply or remove; `status` is what the admin API would answer. */
export class MockHostScenarioError extends Error {
  constructor(
    readonly status: number,
    readonly issues: ConfigIssue[],
  ) {
    super(issues.map((i) => (i.path === '$' ? i.message : `${i.path}: ${i.message}`)).join('; '));
    this.name = 'MockHostScenarioError';
  }
}

function scenarioValue<T>(outcome: ScenarioOutcome<T>): T {
  if (!outcome.ok) throw new MockHostScenarioError(outcome.status, outcome.errors);
  return outcome.value;
}

/** A config change the engine refused; `issues` name each JSON path and the reason. */
export class MockHostConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`the config was refused: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'MockHostConfigError';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Objects merge key by key; arrays and plain values replace. */
export function mergeConfig<T>(base: T, patch: unknown): T {
  if (!isObject(base) || !isObject(patch)) return (patch === undefined ? base : patch) as T;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) merged[key] = value === undefined ? merged[key] : mergeConfig(merged[key], value);
  return merged as T;
}

export function matches(entry: LogEntry, filter: LogFilter = {}): boolean {
  if (filter.afterSeq !== undefined && entry.seq <= filter.afterSeq) return false;
  if (filter.operation !== undefined) {
    const operations = Array.isArray(filter.operation) ? filter.operation : [filter.operation];
    if (!operations.includes(entry.operation)) return false;
  }
  if (filter.status !== undefined && entry.status !== filter.status) return false;
  if (filter.method !== undefined && entry.method.toUpperCase() !== filter.method.toUpperCase()) return false;
  if (filter.userId !== undefined && entry.userId !== filter.userId) return false;
  if (filter.url !== undefined && !(typeof filter.url === 'string' ? entry.url.includes(filter.url) : filter.url.test(entry.url)))
    return false;
  return filter.where === undefined || filter.where(entry);
}

export async function startMockHost(options: MockHostOptions = {}): Promise<MockHost> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'wopi-mock-host-')));
  let engine: Engine;
  const startingConfig = startingDocument(options);
  try {
    engine = await startEngine({
      dataDir,
      host: '127.0.0.1',
      port: 0,
      adminPort: 0,
      publicHost: options.publicHost ?? '127.0.0.1',
      ...(startingConfig !== undefined ? { config: startingConfig } : {}),
      ...(options.logCapacity !== undefined ? { logCapacity: options.logCapacity } : {}),
      ...(options.clock ? { clock: options.clock.now } : {}),
    });
  } catch (error) {
    if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const initialConfig = engine.store.config;
  const caPem = await readFile(engine.urls.caCertificatePath, 'utf8');
  const fetch = trustingFetch(caPem);
  const warnings: Array<{ entry: LogEntry; findings: Finding[] }> = [];
  if (options.failOnSpecWarnings) {
    engine.log.on('entries', (entries: LogEntry[]) => {
      for (const entry of entries) {
        const findings = specWarnings(entry);
        if (findings.length > 0) warnings.push({ entry, findings });
      }
    });
  }

  const observe = (entry: LogEntry): ObservedRequest => ({
    entry,
    operation: entry.operation,
    tokens: tokensInEntry(entry, Date.parse(entry.time)),
    specWarnings: specWarnings(entry),
  });
  const replace = async (config: unknown): Promise<Config> => {
    const result = await engine.store.replaceConfig(config);
    if (!result.ok) throw new MockHostConfigError(result.errors);
    return result.value;
  };
  let stopped: Promise<void> | undefined;

  const host: MockHost = {
    urls: {
      bootstrapper: engine.urls.bootstrapperUrl,
      wopiOrigin: engine.urls.wopiOrigin,
      admin: engine.urls.adminUrl,
      ui: engine.urls.uiUrl,
    },
    caPem,
    fetch,
    engine,
    config: {
      get: () => engine.store.config,
      set: (patch) => replace(mergeConfig(engine.store.config, patch)),
    },
    users: {
      async add(user) {
        const config = await replace({ ...engine.store.config, users: [...engine.store.config.users, withDefaults(user)] });
        return config.users.find((u) => u.id === user.id)!;
      },
      async remove(id) {
        const users = engine.store.config.users;
        if (!users.some((u) => u.id === id)) throw new Error(`there is no mock user "${id}"`);
        await replace({ ...engine.store.config, users: users.filter((u) => u.id !== id) });
      },
      async revoke(id) {
        if (!(await engine.store.revokeUser(id))) throw new Error(`there is no mock user "${id}"`);
      },
      expire(id, kinds = [...expirableKinds]) {
        if (!engine.store.findUser(id)) throw new Error(`there is no mock user "${id}"`);
        engine.expireNow.expire(id, kinds);
      },
    },
    files: {
      async anotherEditor(fileId, action, options = {}) {
        const outcome = await actAsAnotherEditor(engine.files, fileId, action, options);
        if (!outcome.ok) throw new Error(outcome.message);
        return outcome.value;
      },
    },
    faults: {
      async add(rule) {
        const result = await engine.store.addFault(rule);
        if (!result.ok) throw new MockHostConfigError(result.errors);
        const id = result.value.id;
        return {
          id,
          hits: () => engine.log.list().filter((e) => e.faultId === id).length,
          remove: async () => void (await engine.store.removeFault(id)),
        };
      },
      clear: async () => void (await engine.store.clearFaults()),
    },
    scenarios: () => engine.scenarios.list().scenarios,
    applyScenario: async (id) => scenarioValue(await engine.scenarios.apply(id)),
    removeScenario: async (id) => scenarioValue(await engine.scenarios.remove(id)),
    async advanceClock(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advanceClock takes a duration ≥ 0 in ms, not ${ms}`);
      if (options.clock) return options.clock.advance(ms);
      if (ms % 1000 !== 0)
        throw new RangeError(`without a virtual clock the host's time moves in whole seconds (clockOffsetSeconds); ${ms} ms is not`);
      await replace({ ...engine.store.config, clockOffsetSeconds: engine.store.config.clockOffsetSeconds + ms / 1000 });
    },
    log: {
      entries: (filter) =>
        engine.log
          .list()
          .filter((e) => matches(e, filter))
          .map(observe),
      waitFor(filter, { timeoutMs = 5000 } = {}) {
        const found = engine.log.list().find((e) => matches(e, filter));
        if (found) return Promise.resolve(observe(found));
        return new Promise<ObservedRequest>((resolve, reject) => {
          const onEntries = (entries: LogEntry[]) => {
            const hit = entries.find((e) => matches(e, filter));
            if (!hit) return;
            clearTimeout(timer);
            engine.log.off('entries', onEntries);
            resolve(observe(hit));
          };
          const timer = setTimeout(() => {
            engine.log.off('entries', onEntries);
            reject(new Error(`no request matching ${describeFilter(filter)} within ${timeoutMs} ms (${engine.log.size} logged)`));
          }, timeoutMs);
          engine.log.on('entries', onEntries);
        });
      },
      clear: () => engine.log.clear(),
    },
    async reset() {
      await replace(initialConfig);
      await engine.store.clearFaults();
      for (const fault of initialConfig.faults) await engine.store.addFault(fault);
      engine.log.clear();
      warnings.length = 0;
    },
    stop() {
      stopped ??= (async () => {
        await engine.stop();
        if (ownsDir) await rm(dataDir, { recursive: true, force: true });
        if (warnings.length > 0) throw new SpecWarningsError(warnings);
      })();
      return stopped;
    },
    [Symbol.asyncDispose]() {
      return host.stop();
    },
  };
  return host;
}

/** stop() with failOnSpecWarnings: every spec warning the traffic raised, one line each. */
export class SpecWarningsError extends Error {
  constructor(readonly warnings: Array<{ entry: LogEntry; findings: Finding[] }>) {
    const lines = warnings.flatMap(({ entry, findings }) =>
      findings.map(
        (f) =>
          `  #${entry.seq} ${entry.method} ${entry.url.replace(/access_token=[^&]+/, 'access_token=…')} → ${entry.status}: [${f.rule}] ${f.message}`,
      ),
    );
    super(`the traffic raised ${lines.length} spec warning${lines.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
    this.name = 'SpecWarningsError';
  }
}

function describeFilter(filter: LogFilter): string {
  const parts = Object.entries(filter)
    .filter(([key]) => key !== 'where')
    .map(([key, value]) => `${key}=${value instanceof RegExp ? String(value) : JSON.stringify(value)}`);
  if (filter.where) parts.push('where=<function>');
  return parts.length > 0 ? `{${parts.join(', ')}}` : 'any request';
}

function startingDocument(options: MockHostOptions): unknown {
  if (options.config === undefined && options.users === undefined && options.faults === undefined) return undefined;
  const document: Record<string, unknown> = { ...(options.config ?? {}) };
  if (options.users !== undefined) document['users'] = options.users.map(withDefaults);
  if (options.faults !== undefined) document['faults'] = options.faults;
  return document;
}
