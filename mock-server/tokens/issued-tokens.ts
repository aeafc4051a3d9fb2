import { EventEmitter } from 'node:events';
import type { TokenKind, WopiScope } from './types.js';

/** One token the host issued, as the admin API shows it. The token string itself is never kept. */
export interface IssuedTokenInfo {
  kind: TokenKind;
  jti: string;
  /** Milliseconds since the epoch; whole seconds, as the JWT's `iat` and `exp` are. */
  issuedAt: number;
  expiresAt: number;
  /** The OAuth client of an access, refresh or code token; null for WOPI tokens. */
  clientId: string | null;
  /** What a WOPI token may be used on; null for the OAuth kinds. */
  scope: WopiScope | null;
  /** When an authorization code was redeemed (milliseconds); null otherwise. */
  redeemedAt: number | null;
}

export interface IssuedTokensEvents {
  /** A user's set of live tokens changed; at most one per user per `minEventIntervalMs`. */
  changed: [userId: string];
}

export interface IssuedTokensOptions {
  clock: () => number;
  /** The epoch a user's tokens must carry to be live (undefined: no such user). */
  epochOf: (userId: string) => string | undefined;
  /** Newest tokens kept per user. */
  perUserLimit?: number;
  purgeEveryMs?: number;
  minEventIntervalMs?: number;
}

interface Held {
  info: IssuedTokenInfo;
  epoch: string;
}

interface Throttle {
  lastEmit: number;
  timer: NodeJS.Timeout | null;
}

/**
 * Every token issued per user, so the UI can list a user's live tokens with their expiry.
 * Memory is bounded (the newest `perUserLimit` per user); expired and revoked tokens are dropped
 * lazily on reading and by an unref'd timer. A token carrying an epoch the user no longer has
 * is never listed, so a token whose signing raced a revoke cannot reappear after it.
 */
export class IssuedTokens extends EventEmitter<IssuedTokensEvents> {
  private readonly byUser = new Map<string, Held[]>();
  /** Unredeemed codes by jti: redemption only knows the jti. */
  private readonly openCodes = new Map<string, { userId: string; held: Held }>();
  private readonly throttles = new Map<string, Throttle>();
  private readonly purgeTimer: NodeJS.Timeout;
  private readonly perUserLimit: number;
  private readonly minEventIntervalMs: number;

  constructor(private readonly options: IssuedTokensOptions) {
    super();
    this.perUserLimit = options.perUserLimit ?? 500;
    this.minEventIntervalMs = options.minEventIntervalMs ?? 250;
    this.purgeTimer = setInterval(() => this.purgeAll(), options.purgeEveryMs ?? 30_000);
    this.purgeTimer.unref();
  }

  /** Called by TokenService for every token it signs (a shared WOPI grant is signed once). */
  add(userId: string, epoch: string, info: Omit<IssuedTokenInfo, 'redeemedAt'>): void {
    const held: Held = { info: { ...info, redeemedAt: null }, epoch };
    let list = this.byUser.get(userId);
    if (!list) this.byUser.set(userId, (list = []));
    list.push(held);
    if (list.length > this.perUserLimit) this.forgetCode(list.shift()!);
    if (info.kind === 'code') this.openCodes.set(info.jti, { userId, held });
    this.notify(userId);
  }

  /** Marks an authorization code as used (RFC 6749: single use). */
  redeemed(jti: string): void {
    const open = this.openCodes.get(jti);
    if (!open) return;
    this.openCodes.delete(jti);
    open.held.info = { ...open.held.info, redeemedAt: this.options.clock() };
    this.notify(open.userId);
  }

  /** The user's live tokens, newest first. */
  list(userId: string): IssuedTokenInfo[] {
    this.purgeUser(userId);
    const list = this.byUser.get(userId) ?? [];
    const live: IssuedTokenInfo[] = [];
    for (let i = list.length - 1; i >= 0; i--) live.push(list[i]!.info);
    return live;
  }

  /** Tokens held over all users, expired ones not yet purged included. */
  get size(): number {
    let held = 0;
    for (const list of this.byUser.values()) held += list.length;
    return held;
  }

  get openCodeCount(): number {
    return this.openCodes.size;
  }

  /** Drops everything held for the user (revoked, deleted, or renamed). */
  forgetUser(userId: string): void {
    const list = this.byUser.get(userId);
    if (!list) return;
    for (const held of list) this.forgetCode(held);
    this.byUser.delete(userId);
    this.notify(userId);
  }

  /** Keeps only the users that still exist. */
  retainUsers(userIds: Iterable<string>): void {
    const keep = new Set(userIds);
    for (const userId of [...this.byUser.keys()]) if (!keep.has(userId)) this.forgetUser(userId);
  }

  purgeAll(): void {
    for (const userId of [...this.byUser.keys()]) this.purgeUser(userId);
  }

  close(): void {
    clearInterval(this.purgeTimer);
    for (const throttle of this.throttles.values()) if (throttle.timer) clearTimeout(throttle.timer);
    this.throttles.clear();
  }

  private purgeUser(userId: string): void {
    const list = this.byUser.get(userId);
    if (!list) return;
    const now = this.options.clock();
    const epoch = this.options.epochOf(userId);
    const live: Held[] = [];
    for (const held of list) {
      if (held.info.expiresAt > now && held.epoch === epoch) live.push(held);
      else this.forgetCode(held);
    }
    if (live.length === list.length) return;
    if (live.length === 0) this.byUser.delete(userId);
    else this.byUser.set(userId, live);
    this.notify(userId);
  }

  private forgetCode(held: Held): void {
    if (held.info.kind === 'code') this.openCodes.delete(held.info.jti);
  }

  /**
   * Tells listeners, never more often than every `minEventIntervalMs` per user: the first change
   * goes out on the next turn of the event loop, later ones in the window fold into one trailing
   * event. A burst of token requests thus costs the stream a few events a second, not thousands.
   */
  private notify(userId: string): void {
    if (this.listenerCount('changed') === 0) return;
    let throttle = this.throttles.get(userId);
    if (!throttle) this.throttles.set(userId, (throttle = { lastEmit: -Infinity, timer: null }));
    if (throttle.timer) return;
    const state = throttle;
    const wait = Math.max(0, state.lastEmit + this.minEventIntervalMs - performance.now());
    state.timer = setTimeout(() => {
      state.timer = null;
      state.lastEmit = performance.now();
      this.emit('changed', userId);
    }, wait);
    state.timer.unref();
  }
}
