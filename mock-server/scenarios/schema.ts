import { z } from 'zod';
import { faultRuleInputSchema } from '../state/config-schema.js';
import { expirableKinds } from '../tokens/expire-now.js';
import { anotherEditorActions } from '../storage/another-editor-actions.js';

/**
 * A scenario: a named bundle of changes applied and removed in one go. Its changes are written in
 * the config document's own terms: `config` is part of a config document, merged over the current
 * one (objects key by key; arrays and values replace), `faults` are fault rules as `faults` holds
 * them, and `actions` are one-shot moves the host makes when the scenario is applied.
 */

export const scenarioIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1 to 40 characters of a-z, 0-9 and -, starting with a letter or digit');

/** "Expire now" for a user (`*`: every user) and the kinds given. */
export const expireTokensActionSchema = z
  .object({
    kind: z.literal('expireTokens'),
    userId: z.string().min(1).max(64),
    kinds: z.array(z.enum(expirableKinds)).min(1).max(expirableKinds.length),
  })
  .strict();

/** Another editor acts on a file, or (`fileId: "*"`) on every file of `userId`, or of every user without one. */
export const anotherEditorActionSchema = z
  .object({
    kind: z.literal('anotherEditor'),
    fileId: z.string().min(1).max(64),
    userId: z.string().min(1).max(64).optional(),
    action: z.enum(anotherEditorActions),
  })
  .strict()
  .refine((a) => a.userId === undefined || a.fileId === '*', {
    message: 'userId picks whose files "*" means; with a file id it is not needed',
    path: ['userId'],
  });

export const scenarioActionSchema = z.discriminatedUnion('kind', [expireTokensActionSchema, anotherEditorActionSchema]);

/** A JSON object (its fields are checked against the config document when the scenario is saved and applied). */
const configFragmentSchema = z
  .record(z.string(), z.unknown())
  .refine((fragment) => !('faults' in fragment), { message: 'faults go in the scenario\u2019s own faults list', path: ['faults'] });

/** A fault rule of a scenario: its id is given when the scenario is applied (`scenario-<id>-<n>`). */
const scenarioFaultSchema = faultRuleInputSchema.refine((rule) => rule.id === undefined, {
  message: 'a scenario\u2019s fault gets its id when the scenario is applied (scenario-<scenario id>-<n>); leave id out',
  path: ['id'],
});

export const scenarioSchema = z
  .object({
    id: scenarioIdSchema,
    title: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters'),
    description: z.string().max(1000, 'must be at most 1000 characters').default(''),
    config: configFragmentSchema.optional(),
    faults: z.array(scenarioFaultSchema).max(50).optional(),
    actions: z.array(scenarioActionSchema).max(20).optional(),
  })
  .strict()
  .refine((s) => s.config !== undefined || (s.faults?.length ?? 0) > 0 || (s.actions?.length ?? 0) > 0, {
    message: 'a scenario needs at least one of config, faults or actions',
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioAction = z.output<typeof scenarioActionSchema>;

const jsonPath = z.array(z.string().min(1)).min(1).max(16);

/** A config field the scenario set: where, what it was (absent: the field was not there) and what the scenario made it. */
const configChangeSchema = z
  .object({ path: jsonPath, before: z.object({ value: z.unknown() }).strict().optional(), after: z.unknown() })
  .strict();

/** A lock another editor took for the scenario, and the one it replaced (put back on removal). */
const takenLockSchema = z
  .object({
    fileId: z.string().min(1),
    lockId: z.string().min(1),
    previous: z
      .object({ id: z.string().min(1), expiresAt: z.number() })
      .strict()
      .nullable(),
  })
  .strict();

/** What applying a scenario changed, kept so that removing it puts back exactly what was there. */
export const appliedScenarioSchema = z
  .object({
    id: scenarioIdSchema,
    appliedAt: z.string(),
    config: z.array(configChangeSchema).max(500),
    faultIds: z.array(z.string()).max(50),
    locks: z.array(takenLockSchema).max(10_000),
    /** What was done once and stays done: expired tokens, written versions. */
    oneShot: z.array(z.string()).max(1000),
  })
  .strict();

export type AppliedScenario = z.output<typeof appliedScenarioSchema>;
export type ConfigChange = z.output<typeof configChangeSchema>;
export type TakenLock = z.output<typeof takenLockSchema>;

export const persistedScenariosSchema = z
  .object({
    saved: z.array(scenarioSchema).max(100),
    applied: z.array(appliedScenarioSchema).max(200),
  })
  .strict();

export type PersistedScenarios = z.output<typeof persistedScenariosSchema>;

export const emptyPersistedScenarios: PersistedScenarios = { saved: [], applied: [] };

/** The most scenarios of the user's own the state keeps. */
export const maxSavedScenarios = 100;
