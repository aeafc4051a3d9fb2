/**
 * Event names on the admin stream (`GET /api/log/stream`), declared once for the engine
 * (admin/sse.ts) and the UI. A value the renderer bundles, so it lives here, free of Node and
 * Express; the payload of each event is typed in admin/contract.ts.
 */
export const StreamEvent = {
  Log: 'log',
  LogCleared: 'log-cleared',
  Faults: 'faults',
  Config: 'config',
  Revoked: 'revoked',
  /** A user's issued tokens changed (issued, redeemed, expired, revoked); throttled per user. */
  Tokens: 'tokens',
  /** Files, containers or locks changed: `{userIds}`, at most one event per 250 ms. */
  Files: 'files',
  /** A host check started, finished a phase, waits for a sign-in or ended: its CheckRunView. */
  Check: 'check',
  /** A scenario was saved, deleted, applied or removed: the whole ScenarioList. */
  Scenarios: 'scenarios',
} as const;

export type StreamEventName = (typeof StreamEvent)[keyof typeof StreamEvent];
