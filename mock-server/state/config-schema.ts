import { z } from 'zod';
import { operationNames } from '../protocol/operations.js';
import { configWarnings, officeInvalidCharacters, type ConfigIssue } from '../analysis/config-warnings.js';
import { checkOperation } from '../faults/json-patch.js';
import { proxySectionSchema } from './proxy-section.js';

// The warnings are pure (no zod), so the UI computes them on a draft; re-exported for the engine.
export { configWarnings, type ConfigIssue };

/**
 * The config document: the format of `--config` files, of `GET/PUT /api/config`, and of what the
 * data dir persists. Every field has a default, so `{}` is a complete config.
 */

const userId = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .refine(
    (v) => !officeInvalidCharacters.test(v),
    'must not contain any of \\ / : * ? " < > | # { } ^ [ ] ` % (Office iOS cannot load such ids)',
  )
  .refine((v) => v.trim() === v, 'must not start or end with whitespace');

const urlSchemeList = z
  .array(
    z
      .string()
      .min(1, 'must not be empty')
      .max(256)
      .refine((v) => !/\s/.test(v), 'must not contain whitespace'),
  )
  .max(32);

const ttl = (max: number) => z.number().int('must be a whole number of seconds').min(1, 'must be at least 1 second').max(max);

const absoluteUrl = z.string().refine((v) => URL.canParse(v), 'must be an absolute URL');

export const faultOperationSchema = z.enum(['*', ...operationNames] as [string, ...string[]], {
  error: () => `must be "*" or one of: ${operationNames.join(', ')}`,
});

/** An HTTP date as RFC 9110 §5.6.7 writes it (IMF-fixdate), e.g. `Wed, 21 Oct 2026 07:28:00 GMT`. */
const imfFixdate = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * How a fault bends the body of the answer the handler (or the upstream) really gives: the change,
 * if any, is made first, so a broken body on a write still leaves it committed.
 */
export const faultBodyActionSchema = z.discriminatedUnion('kind', [
  /** Send the headers, then wait this long before the first body byte. */
  z.object({ kind: z.literal('stall'), ms: z.number().int().min(1).max(300_000) }).strict(),
  /** Send the body at this rate. */
  z
    .object({
      kind: z.literal('dribble'),
      bytesPerSecond: z
        .number()
        .int()
        .min(1)
        .max(100 * 1024 ** 2),
    })
    .strict(),
  /** Promise the whole Content-Length, send all but the last cutBytes, then close. */
  z
    .object({
      kind: z.literal('truncate'),
      cutBytes: z
        .number()
        .int()
        .min(1)
        .max(4 * 1024 ** 3),
    })
    .strict(),
  /** Send afterBytes of the body, then reset the connection (TCP RST). */
  z
    .object({
      kind: z.literal('reset'),
      afterBytes: z
        .number()
        .int()
        .min(0)
        .max(4 * 1024 ** 3),
    })
    .strict(),
  /** Replace a JSON body with text that does not parse. */
  z.object({ kind: z.literal('malformedJson') }).strict(),
  /** Send the body under another Content-Type. */
  z
    .object({
      kind: z.literal('contentType'),
      // It goes on the wire as a header line: Node refuses control characters there.
      value: z
        .string()
        .max(256)
        .regex(/^[!-~](?:[\t -~]*[!-~])?$/, 'must be a header value: printable ASCII, no line breaks, not blank'),
    })
    .strict(),
  /** Answer 200 with no body at all. */
  z.object({ kind: z.literal('empty200') }).strict(),
]);

/**
 * One JSON Patch operation (RFC 6902), plus `multiply` (a number times `value`, e.g. 0.001 to turn
 * milliseconds into seconds) and `stripQuery` (remove the query parameter `value` from a URL string).
 * A path segment `*` stands for every element of an array.
 */
export const jsonPatchOperationSchema = z
  .object({
    op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test', 'multiply', 'stripQuery']),
    path: z
      .string()
      .max(1024)
      .regex(/^(\/.*)?$/, 'must be a JSON Pointer (empty or starting with "/")'),
    from: z.string().max(1024).optional(),
    value: z.unknown().optional(),
  })
  .strict()
  .superRefine((operation, ctx) => {
    const invalid = checkOperation(operation);
    if (invalid) ctx.addIssue({ code: 'custom', message: invalid });
  });

export const faultRuleInputSchema = z
  .object({
    id: z.string().min(1).max(64).optional(),
    operation: faultOperationSchema,
    /** With operation "*": operations the rule leaves alone (e.g. the sign-in page during maintenance). */
    exceptOperations: z
      .array(z.enum(operationNames as [string, ...string[]]))
      .max(64)
      .optional(),
    userId: z.string().min(1).optional(),
    method: z
      .string()
      .regex(/^[A-Z]+$/, 'must be an upper-case HTTP method')
      .optional(),
    /**
     * When the rule acts: `before` the handler or upstream (the default: the request never reaches
     * it), `after` it has committed (then the status replaces its answer or the connection drops:
     * commit-then-fail), or `mutate`, which applies `patch` to the real JSON answer.
     */
    phase: z.enum(['before', 'after', 'mutate']).optional(),
    status: z.number().int().min(200).max(599).optional(),
    /** Retry-After on the forced answer: seconds, or an HTTP date (RFC 9110 §10.2.3). */
    retryAfter: z
      .union([
        z.number().int().min(0).max(31_536_000),
        z.string().regex(imfFixdate, 'must be an HTTP date such as "Wed, 21 Oct 2026 07:28:00 GMT"'),
      ])
      .optional(),
    delayMs: z.number().int().min(0).max(300_000).optional(),
    dropConnection: z.boolean().optional(),
    body: faultBodyActionSchema.optional(),
    /** With phase "mutate": the patch applied to the real JSON answer. */
    patch: z.array(jsonPatchOperationSchema).min(1).max(64).optional(),
    /** Seeded chaos: the chance, per matching request, that the rule fires. */
    probability: z.number().gt(0, 'must be more than 0').max(1, 'must be at most 1').optional(),
    /** The chaos draws' seed; given the same seed, the same requests are hit in the same order. */
    seed: z.number().int().min(0).max(0xffff_ffff).optional(),
    /** Requests left before the rule removes itself; absent means until removed. */
    remaining: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict()
  .refine(
    (r) => r.status !== undefined || r.delayMs !== undefined || r.dropConnection === true || r.body !== undefined || r.patch !== undefined,
    { message: 'a fault needs at least one of status, delayMs, dropConnection, body or patch' },
  )
  .refine((r) => !(r.dropConnection === true && r.status !== undefined), {
    message: 'dropConnection closes the connection, so it cannot also send a status',
    path: ['status'],
  })
  .refine((r) => !(r.dropConnection === true && r.body !== undefined), {
    message: 'dropConnection closes the connection, so it sends no body to bend',
    path: ['body'],
  })
  .refine((r) => (r.phase === 'mutate') === (r.patch !== undefined), {
    message: 'patch goes with phase "mutate", and phase "mutate" needs a patch',
    path: ['patch'],
  })
  .refine((r) => r.retryAfter === undefined || r.status !== undefined, {
    message: 'retryAfter goes with a forced status (429 or 503, usually)',
    path: ['retryAfter'],
  })
  .refine((r) => r.exceptOperations === undefined || r.operation === '*', {
    message: 'exceptOperations goes with operation "*"',
    path: ['exceptOperations'],
  })
  .refine((r) => !(r.body?.kind === 'empty200' && r.status !== undefined), {
    message: 'body "empty200" answers 200 itself, so it cannot go with status',
    path: ['body'],
  })
  .refine((r) => !(r.body !== undefined && r.phase !== undefined && r.phase !== 'before'), {
    message: 'body bends the real answer (the change is committed anyway), so it goes with phase "before" or no phase',
    path: ['body'],
  })
  .refine((r) => r.phase !== 'after' || r.status !== undefined || r.dropConnection === true, {
    message: 'phase "after" replaces the committed answer, so it needs status or dropConnection',
    path: ['phase'],
  })
  .refine((r) => r.seed === undefined || r.probability !== undefined, {
    message: 'seed goes with probability',
    path: ['seed'],
  });

export const defaultRefreshTokenPolicy = {
  rotate: true,
  reuse: 'allow',
  graceSeconds: 0,
  omitOnRefresh: false,
  absoluteLifetimeSeconds: 0,
} as const;

const refreshTokenPolicySchema = z
  .object({
    /** Each refresh issues a new refresh token; false answers with the one presented. */
    rotate: z.boolean().default(true),
    /** A refresh token presented again after it was rotated: `allow`, `reject` (invalid_grant), or `revokeFamily` (every token of the sign-in dies). */
    reuse: z.enum(['allow', 'reject', 'revokeFamily']).default('allow'),
    /** A just-rotated refresh token still works for this long, whatever `reuse` says. */
    graceSeconds: z.number().int('must be a whole number of seconds').min(0).max(86_400, 'must be at most a day').default(0),
    /** No refresh_token in a refresh's answer: the client keeps the one it has. */
    omitOnRefresh: z.boolean().default(false),
    /** The sign-in's lifetime whatever the refreshes, in seconds; 0: no limit. */
    absoluteLifetimeSeconds: z.number().int('must be a whole number of seconds').min(0).max(315_576_000).default(0),
  })
  .strict()
  .default(defaultRefreshTokenPolicy);

/** The most fault rules a config holds; the store refuses to add more, so what it saves always loads. */
export const maxFaultRules = 1000;

const defaultUsers = [
  { id: 'alice', signInName: 'alice@contoso.test', friendlyName: 'Alice Adams' },
  { id: 'bob', signInName: 'bob@contoso.test', friendlyName: 'Bob Baker' },
];

export const configSchema = z
  .object({
    providerId: z.string().max(128, 'must be at most 128 characters').default('WopiMockHost'),
    urlSchemes: z
      .object({ iOS: urlSchemeList.default([]), Android: urlSchemeList.default([]), UWP: urlSchemeList.default([]) })
      .strict()
      .default({ iOS: [], Android: [], UWP: [] }),
    tokenTtlSeconds: z
      .object({
        authorizationCode: ttl(3600).default(600),
        oauthAccessToken: ttl(366 * 86400).default(3600),
        refreshToken: ttl(10 * 366 * 86400).default(30 * 86400),
        wopiAccessToken: ttl(366 * 86400).default(10 * 3600),
      })
      .strict()
      .default({ authorizationCode: 600, oauthAccessToken: 3600, refreshToken: 30 * 86400, wopiAccessToken: 10 * 3600 }),
    oauth: z
      .object({
        clientId: z.string().min(1, 'must not be empty').max(256).default('office-mobile'),
        clientSecret: z.string().min(1, 'must not be empty').max(256).default('mock-client-secret'),
        redirectUris: z.array(absoluteUrl).max(64).default(['https://localhost']),
        /** `sc` added to the sign-in redirect; Office echoes it as X-WOPI-SessionContext. Empty: not sent. */
        sessionContext: z.string().max(1024, 'must be at most 1024 characters').default(''),
        /** Add `tk` (this host's token endpoint, marked) to the sign-in redirect, so clients must use it. */
        alternativeTokenEndpoint: z.boolean().default(false),
        /** What a refresh does with refresh tokens; the defaults are the classic behaviour (rotate, old ones keep working). */
        refreshTokens: refreshTokenPolicySchema,
        /** RFC 7636: refuse an authorization request without code_challenge. Office sends none; partner apps do. */
        requirePkce: z.boolean().default(false),
        /**
         * Refuse two lenient readings old clients rely on: a code redeemed without the redirect_uri its
         * authorization request named (RFC 6749 §4.1.3), and an authorization request without response_type.
         */
        strict: z.boolean().default(false),
      })
      .strict()
      .default({
        clientId: 'office-mobile',
        clientSecret: 'mock-client-secret',
        redirectUris: ['https://localhost'],
        sessionContext: '',
        alternativeTokenEndpoint: false,
        refreshTokens: defaultRefreshTokenPolicy,
        requirePkce: false,
        strict: false,
      }),
    users: z
      .array(
        z
          .object({
            id: userId,
            signInName: z.string().min(1, 'must not be empty').max(256),
            friendlyName: z.string().max(256).default(''),
          })
          .strict(),
      )
      .max(1000)
      .default(defaultUsers),
    faults: z.array(faultRuleInputSchema).max(maxFaultRules).default([]),
    /** Largest content PutFile, PutRelativeFile and admin uploads accept; larger is a 413. */
    maxFileSizeBytes: z
      .number()
      .int('must be a whole number of bytes')
      .min(1, 'must be at least 1 byte')
      .max(4 * 1024 ** 3, 'must be at most 4 GiB')
      .default(100 * 1024 ** 2),
    /**
     * Moves the host's "now" forward (or back, negative) by this many seconds: token iat/exp,
     * AccessTokenExpiry, expiry checks and the Date header follow it, so clock skew between a
     * client and its host can be shown. The log keeps real time.
     */
    clockOffsetSeconds: z
      .number()
      .int('must be a whole number of seconds')
      .min(-315_576_000, 'must be at most ten years back')
      .max(315_576_000, 'must be at most ten years ahead')
      .default(0),
    /** WOPI answers the host can be told to shape. */
    wopi: z
      .object({
        /** CheckFileInfo's RequestedCallThrottling: how hard the host asks clients to back off; absent leaves it out. */
        requestedCallThrottling: z.enum(['Normal', 'Minor', 'Medium', 'Major', 'Critical']).optional(),
      })
      .strict()
      .default({}),
    compatibility: z
      .object({
        /** Spec: answer an unknown X-WOPI-EcosystemOperation as Bootstrap; WopiHost answers 501. */
        unknownEcosystemOperation: z.enum(['bootstrap', 'notImplemented']).default('bootstrap'),
        /** The token issuance doc's sample sends expires_in as a string; real clients read a number. */
        expiresInAsString: z.boolean().default(false),
        /** RFC 6750 error="invalid_token" on 401s for a bad token; Office documents no such parameter. */
        challengeErrorParameter: z.boolean().default(false),
      })
      .strict()
      .default({ unknownEcosystemOperation: 'bootstrap', expiresInAsString: false, challengeErrorParameter: false }),
    /**
     * Features the host can lack on purpose, to see how clients cope with a host without them
     * (protocol/capabilities.ts): CheckFileInfo stops declaring them and their operations answer 501.
     */
    capabilities: z
      .object({
        /** false: UserCanNotWriteRelative is true and PutRelativeFile answers 501. */
        putRelativeFile: z.boolean().default(true),
        /** false: SupportsContainers is false and every container operation answers 501. */
        containers: z.boolean().default(true),
      })
      .strict()
      .default({ putRelativeFile: true, containers: true }),
    /** The proxy modes (state/proxy-section.ts): what the WOPI listener forwards to, and the forward proxy for phones. */
    proxy: proxySectionSchema,
    /**
     * Misbehaviour copied from real hosts, each breaking one spec rule, so QA can see how a client
     * copes and a host checker can prove it catches them (analysis/known-bugs.ts names the rules).
     */
    knownBugs: z
      .object({
        accessTokenExpiryInSeconds: z.boolean().default(false),
        oauthTokenInEcosystemUrl: z.boolean().default(false),
        challengeTrailingComma: z.boolean().default(false),
        challengeLowercaseParameters: z.boolean().default(false),
        challengeUnencodedUrlSchemes: z.boolean().default(false),
        challengeMissingOn401: z.boolean().default(false),
        challengeOn200: z.boolean().default(false),
        missingWopiSrcAnswers500: z.boolean().default(false),
        rootContainerAsBootstrap: z.boolean().default(false),
        checkFileInfoUserIdMismatch: z.boolean().default(false),
        childUrlsWithoutTokens: z.boolean().default(false),
        tokenResponseCacheable: z.boolean().default(false),
      })
      .strict()
      .default({
        accessTokenExpiryInSeconds: false,
        oauthTokenInEcosystemUrl: false,
        challengeTrailingComma: false,
        challengeLowercaseParameters: false,
        challengeUnencodedUrlSchemes: false,
        challengeMissingOn401: false,
        challengeOn200: false,
        missingWopiSrcAnswers500: false,
        rootContainerAsBootstrap: false,
        checkFileInfoUserIdMismatch: false,
        childUrlsWithoutTokens: false,
        tokenResponseCacheable: false,
      }),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.users.forEach((user, index) => {
      const first = seen.get(user.id);
      if (first !== undefined)
        ctx.addIssue({ code: 'custom', path: ['users', index, 'id'], message: `duplicates users[${first}].id "${user.id}"` });
      else seen.set(user.id, index);
    });
    const faultIds = new Set<string>();
    config.faults.forEach((fault, index) => {
      if (fault.id === undefined) return;
      if (faultIds.has(fault.id))
        ctx.addIssue({ code: 'custom', path: ['faults', index, 'id'], message: `duplicate fault id "${fault.id}"` });
      faultIds.add(fault.id);
    });
  });

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type FaultRuleInput = z.output<typeof faultRuleInputSchema>;
export type FaultBodyAction = z.output<typeof faultBodyActionSchema>;
export type JsonPatchOperation = z.output<typeof jsonPatchOperationSchema>;
export type MockUser = ParsedConfig['users'][number];
export type TokenTtls = ParsedConfig['tokenTtlSeconds'];
export type KnownBugSwitches = ParsedConfig['knownBugs'];

/** A fault rule as stored: always has its id. */
export type FaultRule = FaultRuleInput & { id: string };
/** The config as the store holds it and the admin API returns it. */
export type Config = Omit<ParsedConfig, 'faults'> & { faults: FaultRule[] };

export function formatJsonPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (out, key) =>
      typeof key === 'number'
        ? `${out}[${key}]`
        : /^[A-Za-z_$][\w$]*$/.test(String(key))
          ? `${out}.${String(key)}`
          : `${out}[${JSON.stringify(String(key))}]`,
    '$',
  );
}

export type ConfigParse = { ok: true; config: ParsedConfig; warnings: ConfigIssue[] } | { ok: false; errors: ConfigIssue[] };

/** Validates a config document; warnings are accepted deviations worth telling the user about. */
export function parseConfig(input: unknown): ConfigParse {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    return { ok: false, errors: result.error.issues.map((issue) => ({ path: formatJsonPath(issue.path), message: describeIssue(issue) })) };
  }
  return { ok: true, config: result.data, warnings: configWarnings(result.data) };
}

export function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
  return issue.message;
}

export function defaultConfigInput(): ConfigInput {
  return {};
}
