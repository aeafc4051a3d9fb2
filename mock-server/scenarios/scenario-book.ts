import { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import { describeIssue, formatJsonPath, parseConfig, type ConfigIssue } from '../state/config-schema.js';
import type { Store } from '../state/store.js';
import type { FileStore } from '../storage/file-store.js';
import type { FileRecord } from '../storage/records.js';
import { actAsAnotherEditor, anotherEditorLockId } from '../storage/another-editor.js';
import type { ExpireNow } from '../tokens/expire-now.js';
import { builtInScenarios, isBuiltIn } from './built-in.js';
import { dottedPath, leafPaths, mergeFragment, valueAt, withValueAt } from './config-fragment.js';
import { explainAction, scenarioEffects } from './explain.js';
import {
  maxSavedScenarios,
  scenarioSchema,
  type AppliedScenario,
  type PersistedScenarios,
  type Scenario,
  type ScenarioAction,
  type TakenLock,
} from './schema.js';

/** A scenario as the admin API lists it: its definition, what it does, and whether it is applied. */
export interface ScenarioView extends Scenario {
  builtIn: boolean;
  /** One sentence per change applying it makes. */
  effects: string[];
  applied: { appliedAt: string; faultIds: string[]; oneShot: string[] } | null;
}

export interface ScenarioList {
  scenarios: ScenarioView[];
}

/** `POST /api/scenarios/:id/apply` */
export interface ScenarioApplied {
  scenario: ScenarioView;
  /** The config fields set, as dotted paths. */
  configChanged: string[];
  faultIds: string[];
  /** Locks another editor took: file and lock id. */
  locks: Array<{ fileId: string; lockId: string }>;
  /** What was done once and stays done when the scenario is removed. */
  oneShot: string[];
}

/** `POST /api/scenarios/:id/remove` */
export interface ScenarioRemoved {
  scenario: ScenarioView;
  /** Config fields put back to what they were before. */
  restored: string[];
  /** Config fields changed by someone since the scenario set them: left as they are now. */
  keptAsChanged: string[];
  faultsRemoved: string[];
  /** The scenario's fault rules already gone (used up, or removed by hand). */
  faultsGone: string[];
  /** Files whose lock was given back (the lock they had, or none). */
  locksRestored: string[];
  /** Files whose lock had changed since the other editor took it: left as they are. */
  locksLeft: string[];
  /** One-shot actions, which removing does not undo. */
  notUndone: string[];
}

export type ScenarioOutcome<T> = { ok: true; value: T; created?: boolean } | { ok: false; status: 400 | 404 | 409; errors: ConfigIssue[] };

export interface ScenarioBookEvents {
  /** Any scenario saved, deleted, applied or removed: the whole list. */
  changed: [list: ScenarioList];
}

export interface ScenarioBookDeps {
  store: Store;
  files: FileStore;
  expireNow: ExpireNow;
  /** Real time, for appliedAt (as the log keeps it). */
  wallClock: () => number;
}

const refuse = (status: 400 | 404 | 409, message: string, path = '$'): { ok: false; status: 400 | 404 | 409; errors: ConfigIssue[] } => ({
  ok: false,
  status,
  errors: [{ path, message }],
});

/**
 * The built-in scenarios, the user's own, and what each applied one changed. Applying one makes
 * its config and fault changes in one save together with the record of what was there before;
 * removing it puts back exactly those values (a field changed since is left alone and reported),
 * removes its fault rules by id and gives back the locks it took. Expiring tokens and writing a
 * version happen once and stay done; the answers say so. One operation at a time.
 */
export class ScenarioBook extends EventEmitter<ScenarioBookEvents> {
  private saved: Scenario[];
  private applied: AppliedScenario[];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: ScenarioBookDeps,
    persisted: PersistedScenarios,
  ) {
    super();
    // Saved scenarios whose id a later version made built in give way to the built-in one.
    this.saved = persisted.saved.filter((s) => !isBuiltIn(s.id));
    this.applied = persisted.applied.filter((a) => this.find(a.id) !== undefined);
    deps.store.attachSection('scenarios', () => ({ saved: this.saved, applied: this.applied }));
  }

  list(): ScenarioList {
    return { scenarios: [...builtInScenarios, ...this.saved].map((s) => this.view(s)) };
  }

  get(id: string): ScenarioView | undefined {
    const scenario = this.find(id);
    return scenario && this.view(scenario);
  }

  apply(id: string): Promise<ScenarioOutcome<ScenarioApplied>> {
    return this.serial(async () => {
      const scenario = this.find(id);
      if (!scenario) return refuse(404, `no scenario with id "${id}"`);
      if (this.recordOf(id)) return refuse(409, `scenario "${id}" is applied already; remove it first`);
      const targets = this.checkTargets(scenario.actions ?? []);
      if (targets) return targets;
      const faultIds = (scenario.faults ?? []).map((_, i) => `scenario-${id}-${i + 1}`);
      const fragment = scenario.config ?? {};
      const paths = leafPaths(fragment);
      const appliedAt = new Date(this.deps.wallClock()).toISOString();
      let record: AppliedScenario | undefined;
      const changed = await this.deps.store.changeConfig<AppliedScenario>((current) => {
        const clash = faultIds.find((faultId) => current.faults.some((f) => f.id === faultId));
        if (clash)
          return { ok: false, errors: [{ path: '$.faults', message: `a fault rule with id "${clash}" exists already; remove it first` }] };
        const merged = mergeFragment(current, fragment);
        const faults = [...current.faults, ...(scenario.faults ?? []).map((rule, i) => ({ ...rule, id: faultIds[i]! }))];
        return {
          ok: true,
          input: paths.length > 0 || faults.length > current.faults.length ? { ...merged, faults } : undefined,
          sections: (next) => {
            record = {
              id,
              appliedAt,
              config: paths.map((path) => ({ path, ...withBefore(valueAt(current, path)), after: valueAt(next, path)?.value })),
              faultIds,
              locks: [],
              oneShot: [],
            };
            return { scenarios: { saved: this.saved, applied: [...this.applied, record] } };
          },
          commit: () => {
            this.applied = [...this.applied, record!];
            return record!;
          },
        };
      });
      if (!changed.ok) return { ok: false, status: 409, errors: changed.errors.map(inScenarioTerms) };
      const done = { oneShot: [] as string[], locks: [] as TakenLock[] };
      for (const action of scenario.actions ?? []) await this.run(action, done);
      if (done.oneShot.length > 0 || done.locks.length > 0) await this.updateRecord({ ...changed.value, ...done });
      this.announce();
      return {
        ok: true,
        value: {
          scenario: this.view(scenario),
          configChanged: paths.map(dottedPath),
          faultIds,
          locks: done.locks.map(({ fileId, lockId }) => ({ fileId, lockId })),
          oneShot: done.oneShot,
        },
      };
    });
  }

  remove(id: string): Promise<ScenarioOutcome<ScenarioRemoved>> {
    return this.serial(async () => {
      const scenario = this.find(id);
      const record = this.recordOf(id);
      if (!scenario) return refuse(404, `no scenario with id "${id}"`);
      if (!record) return refuse(409, `scenario "${id}" is not applied`);
      const undone = await this.deps.store.changeConfig((current) => {
        let input = current as unknown as Record<string, unknown>;
        const restored: string[] = [];
        const keptAsChanged: string[] = [];
        for (const change of record.config) {
          if (isDeepStrictEqual(valueAt(current, change.path)?.value, change.after)) {
            input = withValueAt(input, change.path, change.before);
            restored.push(dottedPath(change.path));
          } else keptAsChanged.push(dottedPath(change.path));
        }
        const ids = new Set(record.faultIds);
        const faultsRemoved = current.faults.filter((f) => ids.has(f.id)).map((f) => f.id);
        const faultsGone = record.faultIds.filter((faultId) => !faultsRemoved.includes(faultId));
        const applied = this.applied.filter((a) => a.id !== id);
        return {
          ok: true,
          input:
            restored.length > 0 || faultsRemoved.length > 0
              ? { ...input, faults: current.faults.filter((f) => !ids.has(f.id)) }
              : undefined,
          sections: () => ({ scenarios: { saved: this.saved, applied } }),
          commit: () => {
            this.applied = applied;
            return { restored, keptAsChanged, faultsRemoved, faultsGone };
          },
        };
      });
      if (!undone.ok) return { ok: false, status: 409, errors: undone.errors.map(inScenarioTerms) };
      const locks = await this.giveBackLocks(record.locks);
      this.announce();
      return { ok: true, value: { scenario: this.view(scenario), ...undone.value, ...locks, notUndone: record.oneShot } };
    });
  }

  /** Saves (or replaces) one of the user's own scenarios; built-in ones cannot be replaced. */
  save(id: string, body: unknown): Promise<ScenarioOutcome<ScenarioView>> {
    return this.serial(async () => {
      if (isBuiltIn(id)) return refuse(409, `"${id}" is a built-in scenario and cannot be replaced; save yours under another id`);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return refuse(400, 'send the scenario as a JSON object');
      const sentId = (body as { id?: unknown }).id;
      if (sentId !== undefined && sentId !== id) return refuse(400, `must be "${id}", the id in the URL, or left out`, '$.id');
      const parsed = scenarioSchema.safeParse({ ...body, id });
      if (!parsed.success)
        return {
          ok: false,
          status: 400,
          errors: parsed.error.issues.map((issue) => ({ path: formatJsonPath(issue.path), message: describeIssue(issue) })),
        };
      const scenario = parsed.data;
      if (scenario.config !== undefined) {
        const checked = parseConfig(mergeFragment(this.deps.store.config, scenario.config));
        if (!checked.ok) return { ok: false, status: 400, errors: checked.errors.map(inScenarioTerms) };
      }
      const index = this.saved.findIndex((s) => s.id === id);
      if (index < 0 && this.saved.length >= maxSavedScenarios)
        return refuse(409, `there are ${maxSavedScenarios} saved scenarios already, the most the host keeps; delete some first`);
      const saved = index < 0 ? [...this.saved, scenario] : this.saved.map((s, i) => (i === index ? scenario : s));
      await this.saveList(saved);
      this.announce();
      return { ok: true, value: this.view(scenario), created: index < 0 };
    });
  }

  delete(id: string): Promise<ScenarioOutcome<null>> {
    return this.serial(async () => {
      if (isBuiltIn(id)) return refuse(409, `"${id}" is a built-in scenario; it cannot be deleted`);
      if (!this.saved.some((s) => s.id === id)) return refuse(404, `no scenario with id "${id}"`);
      if (this.recordOf(id)) return refuse(409, `scenario "${id}" is applied; remove it before deleting it`);
      await this.saveList(this.saved.filter((s) => s.id !== id));
      this.announce();
      return { ok: true, value: null };
    });
  }

  /**
   * The config went back to the defaults (POST /api/reset): no scenario's changes are left to
   * take back, so none counts as applied any more. Locks taken stay until they expire.
   */
  forgetApplied(): Promise<void> {
    return this.serial(async () => {
      if (this.applied.length === 0) return;
      await this.deps.store.changeConfig(() => ({
        ok: true,
        sections: () => ({ scenarios: { saved: this.saved, applied: [] } }),
        commit: () => void (this.applied = []),
      }));
      this.announce();
    });
  }

  private find(id: string): Scenario | undefined {
    return builtInScenarios.find((s) => s.id === id) ?? this.saved.find((s) => s.id === id);
  }

  private recordOf(id: string): AppliedScenario | undefined {
    return this.applied.find((a) => a.id === id);
  }

  private view(scenario: Scenario): ScenarioView {
    const record = this.recordOf(scenario.id);
    return {
      ...scenario,
      builtIn: isBuiltIn(scenario.id),
      effects: scenarioEffects(scenario),
      applied: record ? { appliedAt: record.appliedAt, faultIds: record.faultIds, oneShot: record.oneShot } : null,
    };
  }

  /** Refuses, before anything changes, actions whose user or file does not exist. */
  private checkTargets(actions: readonly ScenarioAction[]): ScenarioOutcome<never> | null {
    for (const [index, action] of actions.entries()) {
      const userId = action.userId;
      if (userId !== undefined && userId !== '*' && !this.deps.store.findUser(userId))
        return refuse(409, `no mock user "${userId}"`, `$.actions[${index}].userId`);
      if (action.kind === 'anotherEditor' && action.fileId !== '*' && !this.deps.files.getOwned('file', action.fileId, null))
        return refuse(409, `no file "${action.fileId}"`, `$.actions[${index}].fileId`);
    }
    return null;
  }

  private async run(action: ScenarioAction, done: { oneShot: string[]; locks: TakenLock[] }): Promise<void> {
    if (action.kind === 'expireTokens') {
      const users = action.userId === '*' ? this.deps.store.config.users.map((u) => u.id) : [action.userId];
      let at = 0;
      for (const userId of users) at = this.deps.expireNow.expire(userId, action.kinds);
      if (users.length > 0)
        done.oneShot.push(
          `${explainAction(action).replace(/ \(once, when applied\)$/, '')} at ${new Date(at).toISOString()}: they stay expired (the client gets new ones by signing in or refreshing)`,
        );
      return;
    }
    const lockId = anotherEditorLockId();
    for (const file of this.filesFor(action)) {
      const previous = this.deps.files.lockOf(file);
      if (action.action === 'refreshLock' && previous === null) continue;
      const outcome = await actAsAnotherEditor(this.deps.files, file.id, action.action, action.action === 'lock' ? { lockId } : {});
      if (!outcome.ok) continue;
      if (action.action === 'lock') done.locks.push({ fileId: file.id, lockId, previous: previous && { ...previous } });
      else if (action.action === 'write') done.oneShot.push(`Another editor wrote version ${outcome.value.version} of file ${file.id}`);
      else done.oneShot.push(`Another editor refreshed lock ${previous!.id} on file ${file.id}`);
    }
  }

  /** The files an anotherEditor action names: one, or every file of one user or of every user. */
  private filesFor(action: Extract<ScenarioAction, { kind: 'anotherEditor' }>): FileRecord[] {
    const { files, store } = this.deps;
    if (action.fileId !== '*') {
      const file = files.getOwned('file', action.fileId, null);
      return file ? [file] : [];
    }
    const owners = action.userId !== undefined ? [action.userId] : store.config.users.map((u) => u.id);
    const found: FileRecord[] = [];
    const walk = (containerId: string, depth: number) => {
      if (depth > 64) return;
      const { containers, files: inside } = files.children(containerId);
      found.push(...inside);
      for (const container of containers) walk(container.id, depth + 1);
    };
    for (const owner of owners) {
      const root = files.rootOf(owner);
      if (root) walk(root.id, 0);
    }
    return found;
  }

  private async giveBackLocks(locks: readonly TakenLock[]): Promise<{ locksRestored: string[]; locksLeft: string[] }> {
    const locksRestored: string[] = [];
    const locksLeft: string[] = [];
    for (const taken of locks) {
      const file = this.deps.files.getOwned('file', taken.fileId, null);
      if (!file) continue;
      if (this.deps.files.lockOf(file)?.id !== taken.lockId) {
        locksLeft.push(taken.fileId);
        continue;
      }
      await this.deps.files.changeLock(taken.fileId, null, (_current, now) => ({
        ok: true,
        lock: taken.previous && taken.previous.expiresAt > now ? taken.previous : null,
      }));
      locksRestored.push(taken.fileId);
    }
    return { locksRestored, locksLeft };
  }

  private async updateRecord(record: AppliedScenario): Promise<void> {
    const applied = this.applied.map((a) => (a.id === record.id ? record : a));
    await this.deps.store.changeConfig(() => ({
      ok: true,
      sections: () => ({ scenarios: { saved: this.saved, applied } }),
      commit: () => void (this.applied = applied),
    }));
  }

  private async saveList(saved: Scenario[]): Promise<void> {
    await this.deps.store.changeConfig(() => ({
      ok: true,
      sections: () => ({ scenarios: { saved, applied: this.applied } }),
      commit: () => void (this.saved = saved),
    }));
  }

  private announce(): void {
    if (this.listenerCount('changed') > 0) this.emit('changed', this.list());
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** `before` as the record keeps it: absent when the field was not in the config. */
function withBefore(before: { value: unknown } | undefined): { before?: { value: unknown } } {
  return before === undefined ? {} : { before: { value: before.value } };
}

/** An error about the merged config document, said in terms of the scenario (`$.config…`); fault errors stay under `$.faults`. */
function inScenarioTerms(issue: ConfigIssue): ConfigIssue {
  return issue.path.startsWith('$.faults') ? issue : { ...issue, path: `$.config${issue.path.slice(1)}` };
}
