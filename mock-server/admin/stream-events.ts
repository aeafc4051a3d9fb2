// Nothing but the names: the UI imports this module, and must not pull the engine's serializers in with it.

/** Event names on the admin stream, declared once for the engine and the UI. */
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
} as const;
