import { EventEmitter } from 'node:events';
import { randomBytes, randomInt } from 'node:crypto';
import { ChaosDraws, type ChaosOutcome, type ChaosRule } from '../faults/chaos.js';
import { CoalescingWriter } from '../disk/coalescing-writer.js';
import {
  parseConfig,
  describeIssue,
  faultRuleInputSchema,
  formatJsonPath,
  maxFaultRules,
  type Config,
  type ConfigIssue,
  type FaultRule,
  type MockUser,
  type ParsedConfig,
} from './config-schema.js';
import { emptySections, stateFilePath, stateSchemaVersion, type PersistedSections, type PersistedState } from './persisted-state.js';

export interface StoreEvents {
  config: [config: Config, warnings: ConfigIssue[]];
  faults: [faults: FaultRule[]];
  revoked: [userId: string];
  error: [error: Error];
}

export type CommandResult<T> = { ok: true; value: T; warnings: ConfigIssue[] } | { ok: false; errors: ConfigIssue[] };

/**
 * What a changeConfig plan decides, given the config as it is when the command runs: the next
 * config document (none: the config stays), the sections to save with it, computed from the
 * config as parsed, and what the command answers once both are on disk.
 */
export type ConfigPlan<T> =
  | { ok: false; errors: ConfigIssue[] }
  | {
      ok: true;
      input?: unknown;
      sections?: (next: Config) => Partial<PersistedSections>;
      commit: (next: Config) => T;
      /** Have the applier prepare the config even where it did not change (ConfigApplier.prepare). */
      reapply?: boolean;
    };

/**
 * A part of the host outside the store that must take a config before it is saved (a listener to
 * bind, a proxy to build). It may refuse the config; a prepared one is activated once saved, or
 * discarded when the write fails.
 */
export interface ConfigApplier {
  /** `reapply`: the plan asks to start again what could not run, even where the config did not change. */
  prepare(next: Config, current: Config, reapply: boolean): Promise<PreparedConfig>;
}

export type PreparedConfig = { ok: false; errors: ConfigIssue[] } | { ok: true; activate: () => void; discard: () => void };

/** Raised when the data dir refuses a write; the in-memory state is left as it was. */
export class PersistError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`could not save ${file}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * The one place the mock host's state lives: config, fault rules and per-user token epochs.
 * It changes only through the named commands below; each persists before it takes effect
 * (except fault countdowns, which are saved in the background) and emits a typed event.
 */
export class Store extends EventEmitter<StoreEvents> {
  private current: Config;
  private warningsNow: ConfigIssue[];
  private epochs: Map<string, string>;
  private readonly usersById = new Map<string, MockUser>();
  private readonly writer: CoalescingWriter | null;
  private commandQueue: Promise<unknown> = Promise.resolve();
  /** Counts changes made outside the command queue (fault countdowns). */
  private backgroundChanges = 0;
  private readonly chaos = new ChaosDraws();
  private applier: ConfigApplier | null = null;
  /** The other modules' parts of the state file, read at each save; the loaded ones until a module attaches. */
  private readonly sections: { [K in keyof PersistedSections]: () => PersistedSections[K] };

  constructor(options: {
    config: ParsedConfig;
    warnings: ConfigIssue[];
    userEpochs?: Record<string, string>;
    sections?: PersistedSections;
    dataDir: string | null;
  }) {
    super();
    const loaded = options.sections ?? emptySections();
    this.sections = { tokens: () => loaded.tokens, scenarios: () => loaded.scenarios };
    this.current = withFaultIds(options.config);
    this.warningsNow = options.warnings;
    this.epochs = new Map(Object.entries(options.userEpochs ?? {}));
    this.writer = options.dataDir === null ? null : new CoalescingWriter(stateFilePath(options.dataDir));
    this.reindexUsers();
  }

  get config(): Config {
    return this.current;
  }

  /** The active fault rules, in the order they are tried (with drawChaos and consumeFault: a FaultBook). */
  get faults(): readonly FaultRule[] {
    return this.current.faults;
  }

  get warnings(): ConfigIssue[] {
    return this.warningsNow;
  }

  findUser(id: string): MockUser | undefined {
    return this.usersById.get(id);
  }

  /** The epoch tokens of this user must carry; undefined for an unknown user. */
  epochOf(userId: string): string | undefined {
    return this.usersById.has(userId) ? this.epochs.get(userId) : undefined;
  }

  snapshot(): PersistedState {
    return this.stateOf({ config: this.current, epochs: this.epochs });
  }

  /**
   * Lets a module keep its part of the state file: `read` gives the section as it should be
   * saved, at each save. A module whose section changes outside a command calls sectionChanged().
   */
  attachSection<K extends keyof PersistedSections>(name: K, read: () => PersistedSections[K]): void {
    (this.sections as { [N in K]: () => PersistedSections[N] })[name] = read;
  }

  /** An attached section changed on the request path: saved in the background, like fault countdowns. */
  sectionChanged(): void {
    this.backgroundChanges++;
    this.persistInBackground();
  }

  /** From now on every new config is prepared by the applier before it is saved, and refused when it refuses. */
  useApplier(applier: ConfigApplier): void {
    this.applier = applier;
  }

  /** Replaces the whole config document; nothing is applied when it is invalid or cannot be saved. */
  replaceConfig(input: unknown): Promise<CommandResult<Config>> {
    return this.changeConfig(() => ({ ok: true, input, commit: (next) => next }));
  }

  /**
   * A change of the config, of attached sections or of both, saved in one write, planned against
   * the config as it is when the command runs (so changes queued before it are not lost). Nothing
   * takes effect when the plan or the document is refused, or the write fails.
   */
  changeConfig<T>(plan: (current: Config) => ConfigPlan<T>): Promise<CommandResult<T>> {
    return this.command(async () => {
      const planned = plan(this.current);
      if (!planned.ok) return planned;
      let next = this.current;
      let warnings = this.warningsNow;
      if (planned.input !== undefined) {
        const parsed = parseConfig(planned.input);
        if (!parsed.ok) return parsed;
        next = withFaultIds(parsed.config);
        warnings = parsed.warnings;
      }
      const epochs = next === this.current ? this.epochs : reconcileEpochs(this.epochs, next.users);
      const reapply = planned.reapply === true;
      const prepared =
        !this.applier || (next === this.current && !reapply) ? null : await this.applier.prepare(next, this.current, reapply);
      if (prepared && !prepared.ok) return prepared;
      try {
        await this.persist({ config: next, epochs }, planned.sections?.(next));
      } catch (error) {
        prepared?.discard();
        throw error;
      }
      const value = planned.commit(next);
      prepared?.activate();
      if (next !== this.current) {
        this.current = next;
        this.epochs = epochs;
        this.warningsNow = warnings;
        this.reindexUsers();
        this.emit('config', next, warnings);
        this.chaos.keepOnly(next.faults);
        this.emit('faults', next.faults);
      }
      return { ok: true, value, warnings };
    });
  }

  addFault(input: unknown): Promise<CommandResult<FaultRule>> {
    return this.command(async () => {
      const parsed = faultRuleInputSchema.safeParse(input);
      if (!parsed.success) {
        return { ok: false, errors: parsed.error.issues.map((i) => ({ path: formatJsonPath(i.path), message: describeIssue(i) })) };
      }
      if (this.current.faults.length >= maxFaultRules) {
        return {
          ok: false,
          errors: [{ path: '$', message: `there are ${maxFaultRules} fault rules already, the most a config holds; remove some first` }],
        };
      }
      if (parsed.data.id !== undefined && this.current.faults.some((f) => f.id === parsed.data.id)) {
        return { ok: false, errors: [{ path: '$.id', message: `a fault with id "${parsed.data.id}" exists already` }] };
      }
      const rule = withSeed({ ...parsed.data, id: parsed.data.id ?? newFaultId() });
      const warnings: ConfigIssue[] =
        rule.userId !== undefined && !this.usersById.has(rule.userId)
          ? [{ path: '$.userId', message: `no mock user has id "${rule.userId}" yet; the rule fires once one does` }]
          : [];
      await this.setFaults((faults) => [...faults, rule]);
      return { ok: true, value: rule, warnings };
    });
  }

  removeFault(id: string): Promise<boolean> {
    return this.command(async () => {
      if (!this.current.faults.some((f) => f.id === id)) return false;
      await this.setFaults((faults) => faults.filter((f) => f.id !== id));
      return true;
    });
  }

  clearFaults(): Promise<number> {
    return this.command(async () => {
      const count = this.current.faults.length;
      if (count > 0) await this.setFaults(() => []);
      return count;
    });
  }

  /**
   * Counts one firing of a rule, removing it when its count runs out. Runs on the request path,
   * so it applies at once and saves in the background.
   */
  consumeFault(id: string): void {
    const index = this.current.faults.findIndex((f) => f.id === id);
    const rule = this.current.faults[index];
    if (!rule || rule.remaining === undefined) return;
    const faults = [...this.current.faults];
    if (rule.remaining <= 1) {
      faults.splice(index, 1);
      this.chaos.keepOnly(faults);
    } else faults[index] = { ...rule, remaining: rule.remaining - 1 };
    this.current = { ...this.current, faults };
    this.backgroundChanges++;
    this.persistInBackground();
    if (this.listenerCount('faults') > 0) setImmediate(() => this.emit('faults', faults));
  }

  /**
   * The next chaos draw of a rule with a probability: each matching request takes one, hit or
   * miss, so the same seed hits the same requests in the same order.
   */
  drawChaos(rule: ChaosRule): ChaosOutcome {
    return this.chaos.next(rule);
  }

  /** Invalidates every token issued to the user so far. */
  revokeUser(userId: string): Promise<boolean> {
    return this.command(async () => {
      if (!this.usersById.has(userId)) return false;
      const epochs = new Map(this.epochs).set(userId, newEpoch());
      await this.persist({ config: this.current, epochs });
      this.epochs = epochs;
      this.emit('revoked', userId);
      return true;
    });
  }

  /** Resolves once every change so far is on disk. */
  async flush(): Promise<void> {
    await this.commandQueue;
    await this.writer?.flush();
  }

  /** Saves the state as it is now (first start, or after a file was kept aside). */
  async saveNow(): Promise<void> {
    await this.persist({ config: this.current, epochs: this.epochs });
  }

  /**
   * Applies a change to the fault list. Countdowns (consumeFault) run outside the command queue,
   * so one may land while this persists: the change is then applied again to what it left,
   * rather than overwriting it with the list as it was before.
   */
  private async setFaults(change: (faults: FaultRule[]) => FaultRule[]): Promise<void> {
    const before = this.current;
    const planned = change(before.faults);
    await this.persist({ config: { ...before, faults: planned }, epochs: this.epochs });
    const faults = this.current === before ? planned : change(this.current.faults);
    this.current = { ...this.current, faults };
    this.chaos.keepOnly(faults);
    this.emit('faults', faults);
  }

  private command<T>(run: () => Promise<T>): Promise<T> {
    const result = this.commandQueue.then(async () => {
      const seen = this.backgroundChanges;
      const value = await run();
      // A countdown saved while the command was persisting wrote a snapshot without the
      // command's change (its write started first); save again so the disk matches memory.
      if (this.backgroundChanges !== seen) this.persistInBackground();
      return value;
    });
    this.commandQueue = result.catch(() => undefined);
    return result;
  }

  private stateOf(next: { config: Config; epochs: Map<string, string> }, sections: Partial<PersistedSections> = {}): PersistedState {
    return {
      schemaVersion: stateSchemaVersion,
      config: next.config,
      userEpochs: Object.fromEntries(next.epochs),
      tokens: sections.tokens ?? this.sections.tokens(),
      scenarios: sections.scenarios ?? this.sections.scenarios(),
    };
  }

  /** `sections`: new values of attached sections, saved with this change (their owners make them current once it is saved). */
  private async persist(next: { config: Config; epochs: Map<string, string> }, sections?: Partial<PersistedSections>): Promise<void> {
    if (!this.writer) return;
    const state = this.stateOf(next, sections);
    try {
      await this.writer.save(() => JSON.stringify(state, null, 2) + '\n');
    } catch (error) {
      throw new PersistError(this.writer.path, error);
    }
  }

  private persistInBackground(): void {
    this.writer
      ?.save(() => JSON.stringify(this.snapshot(), null, 2) + '\n')
      .catch((error: unknown) => {
        this.emit('error', new PersistError(this.writer!.path, error));
      });
  }

  private reindexUsers(): void {
    this.usersById.clear();
    for (const user of this.current.users) {
      this.usersById.set(user.id, user);
      if (!this.epochs.has(user.id)) this.epochs.set(user.id, newEpoch());
    }
  }
}

/** Keeps the epoch of users that stay, drops those removed (so a re-added id starts fresh). */
function reconcileEpochs(epochs: Map<string, string>, users: readonly MockUser[]): Map<string, string> {
  const next = new Map<string, string>();
  for (const user of users) next.set(user.id, epochs.get(user.id) ?? newEpoch());
  return next;
}

function withFaultIds(config: ParsedConfig): Config {
  return { ...config, faults: config.faults.map((f) => withSeed({ ...f, id: f.id ?? newFaultId() })) };
}

/** A chaos rule given without a seed gets one now, kept with the rule, so its run can be replayed. */
function withSeed(rule: FaultRule): FaultRule {
  return rule.probability !== undefined && rule.seed === undefined ? { ...rule, seed: randomInt(0x1_0000_0000) } : rule;
}

function newFaultId(): string {
  return `f-${randomBytes(4).toString('hex')}`;
}

function newEpoch(): string {
  return randomBytes(9).toString('base64url');
}
