import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Operation } from '../mock-server/protocol/operations.js';
import { HostClient, type Exchange, type Send, type Target } from './client.js';
import { forcedRuleId, retryAfterMs, ruleApplies, type InstalledRule, type RuleKind } from './fault-plan.js';
import type { Outcome, Stats } from './stats.js';

export type { InstalledRule } from './fault-plan.js';

/**
 * One simulated device: a user of its own, signed in through OAuth as Office mobile does, then
 * looping over a weighted mix of what Office does with a file until the deadline. Each answer is
 * judged on the spot (stats.ts): the expected 2xx and body, a refusal the step asked for, a fault
 * rule's doing, or an unforced error. Like Office, a device waits out a 429 or 503 that carries
 * Retry-After and sends the request again; after a save answered by a commit-then-fail rule it
 * reads the file back, as the change must have been made all the same.
 */

export interface WorkloadContext {
  target: Target;
  stats: Stats;
  rules: InstalledRule[];
  /** Date.now() after which devices stop starting new steps. */
  deadline: number;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

type Verdict = { outcome: Outcome; reason?: string };
type Judge = (reply: Exchange) => Verdict;

const ok: Verdict = { outcome: 'ok' };
const unforced = (reason: string): Verdict => ({ outcome: 'unforced', reason });
const status200: Judge = (r) =>
  r.status === 200 ? ok : unforced(`HTTP ${r.status} ${r.header('x-wopi-servererror') ?? r.body.toString('utf8').slice(0, 200)}`);

/** Renew a token this long before it expires, as Office does, so no request carries an expired one. */
const renewMarginMs = 5_000;
/** The most one Retry-After is waited: the soak's rules ask for 1 s; a long wait would only idle a device. */
const retryAfterCapMs = 2_000;
/**
 * The Retry-After waits one step (and the renewals before it) may spend: less than the renewal
 * margin, so the tokens a step set out with are still valid when its last retry goes out.
 */
const retryBudgetPerStepMs = 3_000;

/** What one request came to: the answer, when it is the one the step wanted; else the rule that forced the last answer, if any. */
interface Result {
  reply?: Exchange;
  forcedBy?: InstalledRule;
}

const kindLabel: Record<RuleKind, string> = {
  device: 'fault rule',
  chaos: 'seeded chaos rule',
  throttle: 'throttle rule, Retry-After',
  maintenance: 'maintenance rule, Retry-After',
  commitThenFail: 'commit-then-fail rule',
};

/** The parts of the host's JSON answers a device reads; the judges check them before anything relies on them. */
interface ChildrenReply {
  ChildFiles?: unknown;
  ChildContainers?: unknown;
}
interface ListedFile {
  Name: string;
  Url: string;
}
interface FileInfoReply {
  UserId?: unknown;
  BaseFileName?: unknown;
}
interface TokenReply {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}
interface BootstrapReply {
  Bootstrap?: { UserId?: unknown };
}
interface RootContainerReply {
  RootContainerInfo: { ContainerPointer: { Url: string } };
}
interface AccessTokenInfo {
  AccessToken: string;
  AccessTokenExpiry: number;
}
interface UrlReply {
  Url: string;
  Name?: unknown;
}

interface Steps {
  [name: string]: { weight: number; run: () => Promise<unknown> };
}

export class Device {
  private readonly http: HostClient;
  private oauth = { access: '', refresh: '', accessExpiresAt: 0, refreshExpiresAt: 0 };
  private root = { path: '', expiresAt: 0 };
  private file = { id: '', token: '', expiresAt: 0 };
  private readonly lockId: string;
  private ready = false;
  private retryBudgetMs = retryBudgetPerStepMs;

  constructor(
    readonly userId: string,
    private readonly ctx: WorkloadContext,
    /** Some devices open a new connection for every request, as a phone switching networks does. */
    keepAlive: boolean,
    private readonly refreshTtlMs: number,
  ) {
    this.http = new HostClient(ctx.target, keepAlive);
    this.lockId = `{"S":"soak-${userId}","E":2}`;
  }

  async run(): Promise<void> {
    const steps = this.steps();
    const total = Object.values(steps).reduce((sum, s) => sum + s.weight, 0);
    try {
      while (Date.now() < this.ctx.deadline) {
        this.retryBudgetMs = retryBudgetPerStepMs;
        if (!this.ready) {
          await this.setUp();
          continue;
        }
        let pick = Math.random() * total;
        for (const step of Object.values(steps)) {
          pick -= step.weight;
          if (pick <= 0) {
            await this.renewIfNeeded();
            await step.run();
            break;
          }
        }
      }
    } finally {
      this.http.close();
    }
  }

  private steps(): Steps {
    return {
      bootstrap: { weight: 10, run: () => this.bootstrap() },
      // Office's first call: no token, and the 401 challenge that starts the sign-in.
      challenge: {
        weight: 3,
        run: async () => {
          await this.call(Operation.Bootstrap, 'GET', '/wopibootstrapper', {}, (r) =>
            r.status === 401 && /^Bearer authorization_uri="/.test(r.header('www-authenticate') ?? '')
              ? { outcome: 'intended', reason: '401 challenge on Bootstrap without a token' }
              : unforced(`Bootstrap without a token: HTTP ${r.status}`),
          );
        },
      },
      badToken: {
        weight: 2,
        run: async () => {
          await this.call(
            Operation.Bootstrap,
            'GET',
            '/wopibootstrapper',
            { headers: { authorization: `Bearer ${randomBytes(24).toString('base64url')}` } },
            (r) =>
              r.status === 401
                ? { outcome: 'intended', reason: '401 on Bootstrap with a forged token' }
                : unforced(`Bootstrap with a forged token: HTTP ${r.status}`),
          );
        },
      },
      getNewAccessToken: { weight: 10, run: () => this.getNewAccessToken() },
      rootContainer: { weight: 5, run: () => this.rootContainer() },
      enumerateChildren: {
        weight: 10,
        run: async () => {
          await this.call(Operation.EnumerateChildren, 'GET', this.root.path.replace('?', '/children?'), {}, (r) => {
            if (r.status !== 200) return status200(r);
            const { ChildFiles, ChildContainers } = r.json<ChildrenReply>();
            return Array.isArray(ChildFiles) &&
              Array.isArray(ChildContainers) &&
              (ChildFiles as ListedFile[]).some((f) => f.Name === this.fileName)
              ? ok
              : unforced("EnumerateChildren: the device's own file is not listed");
          });
        },
      },
      checkFileInfo: {
        weight: 15,
        run: async () => {
          await this.call(Operation.CheckFileInfo, 'GET', this.filePath(), {}, (r) =>
            r.status === 200 && r.json<FileInfoReply>().UserId === this.userId && r.json<FileInfoReply>().BaseFileName === this.fileName
              ? ok
              : status200(r).outcome === 'ok'
                ? unforced('CheckFileInfo: wrong UserId or BaseFileName')
                : status200(r),
          );
        },
      },
      getFile: { weight: 10, run: async () => void (await this.call(Operation.GetFile, 'GET', this.filePath('/contents'), {}, status200)) },
      edit: { weight: 12, run: () => this.edit() },
      conflict: { weight: 3, run: () => this.conflict() },
      saveAs: { weight: 5, run: () => this.saveAs() },
      refresh: { weight: 4, run: () => this.refreshTokens() },
      signIn: { weight: 3, run: () => this.signIn() },
    };
  }

  private get fileName(): string {
    return `soak-${this.userId}.docx`;
  }

  private filePath(suffix = ''): string {
    return `/wopi/files/${this.file.id}${suffix}?access_token=${this.file.token}`;
  }

  private async setUp(): Promise<void> {
    if (!(await this.signIn())) return;
    if (!(await this.rootContainer())) return;
    const created = await this.call(
      Operation.CreateChildFile,
      'POST',
      this.root.path,
      { headers: { 'x-wopi-override': 'CREATE_CHILD_FILE', 'x-wopi-relativetarget': this.fileName } },
      (r) => (r.status === 200 || r.status === 409 ? ok : status200(r)),
    );
    if (!created) return;
    if (created.status === 200) this.file.id = decodeURIComponent(new URL(created.json<UrlReply>().Url).pathname.split('/').pop()!);
    else if (!(await this.findOwnFile())) return;
    if (!(await this.getNewAccessToken())) return;
    this.ready = true;
  }

  /** After a 409 on create (a set-up retried after a forced fault): the file from the listing. */
  private async findOwnFile(): Promise<boolean> {
    const listed = await this.call(Operation.EnumerateChildren, 'GET', this.root.path.replace('?', '/children?'), {}, status200);
    const url = listed?.json<{ ChildFiles: ListedFile[] }>().ChildFiles.find((f) => f.Name === this.fileName)?.Url;
    if (url) this.file.id = decodeURIComponent(new URL(url).pathname.split('/').pop()!);
    return url !== undefined;
  }

  private async renewIfNeeded(): Promise<void> {
    const now = Date.now();
    if (this.oauth.refreshExpiresAt - now < renewMarginMs) await this.signIn();
    else if (this.oauth.accessExpiresAt - now < renewMarginMs) await this.refreshTokens();
    if (this.root.expiresAt - Date.now() < renewMarginMs) await this.rootContainer();
    if (this.file.expiresAt - Date.now() < renewMarginMs) await this.getNewAccessToken();
  }

  /** The OAuth authorization-code flow: the sign-in page's POST, then the token endpoint. */
  private async signIn(): Promise<boolean> {
    const client = { client_id: this.ctx.clientId, redirect_uri: this.ctx.redirectUri };
    const authorized = await this.call(
      Operation.Authorize,
      'POST',
      '/oauth/authorize',
      { form: { ...client, response_type: 'code', user: this.userId } },
      (r) =>
        r.status === 302 && new URL(r.header('location') ?? 'x:').searchParams.has('code')
          ? ok
          : unforced(`Authorize: HTTP ${r.status} ${r.header('location') ?? ''}`),
    );
    if (!authorized) return false;
    const code = new URL(authorized.header('location')!).searchParams.get('code')!;
    const redeemed = await this.call(
      Operation.Token,
      'POST',
      '/oauth/token',
      { form: { ...client, grant_type: 'authorization_code', code, client_secret: this.ctx.clientSecret } },
      this.tokenJudge,
    );
    if (!redeemed) return false;
    this.ctx.stats.redemptions.push(Date.now());
    this.takeTokens(redeemed);
    return true;
  }

  private async refreshTokens(): Promise<void> {
    const refreshed = await this.call(
      Operation.Token,
      'POST',
      '/oauth/token',
      {
        form: {
          grant_type: 'refresh_token',
          refresh_token: this.oauth.refresh,
          client_id: this.ctx.clientId,
          client_secret: this.ctx.clientSecret,
        },
      },
      this.tokenJudge,
    );
    if (refreshed) this.takeTokens(refreshed);
  }

  private readonly tokenJudge: Judge = (r) => {
    if (r.status !== 200) return unforced(`Token: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 200)}`);
    const body = r.json<Partial<Record<keyof TokenReply, unknown>>>();
    return typeof body.access_token === 'string' && typeof body.refresh_token === 'string' && typeof body.expires_in === 'number'
      ? ok
      : unforced('Token: the answer lacks access_token, refresh_token or a numeric expires_in');
  };

  private takeTokens(reply: Exchange): void {
    const { access_token, refresh_token, expires_in } = reply.json<TokenReply>();
    const now = Date.now();
    this.oauth = {
      access: access_token,
      refresh: refresh_token,
      accessExpiresAt: now + expires_in * 1000,
      refreshExpiresAt: now + this.refreshTtlMs,
    };
  }

  private bearer(): Record<string, string> {
    return { authorization: `Bearer ${this.oauth.access}` };
  }

  private async bootstrap(): Promise<void> {
    await this.call(Operation.Bootstrap, 'GET', '/wopibootstrapper', { headers: this.bearer() }, (r) =>
      r.status === 200 && r.json<BootstrapReply>().Bootstrap?.UserId === this.userId
        ? ok
        : status200(r).outcome === 'ok'
          ? unforced('Bootstrap: wrong UserId')
          : status200(r),
    );
  }

  private async rootContainer(): Promise<boolean> {
    const reply = await this.call(
      Operation.GetRootContainerBootstrapper,
      'POST',
      '/wopibootstrapper',
      { headers: { ...this.bearer(), 'x-wopi-ecosystemoperation': 'GET_ROOT_CONTAINER' } },
      status200,
    );
    if (!reply) return false;
    const url = new URL(reply.json<RootContainerReply>().RootContainerInfo.ContainerPointer.Url);
    this.root = { path: url.pathname + url.search, expiresAt: Date.now() + this.wopiTtlFrom(url.searchParams.get('access_token')!) };
    return true;
  }

  private async getNewAccessToken(): Promise<boolean> {
    const wopiSrc = `https://localhost:${this.ctx.target.port}/wopi/files/${this.file.id}`;
    const reply = await this.call(
      Operation.GetNewAccessToken,
      'POST',
      '/wopibootstrapper',
      { headers: { ...this.bearer(), 'x-wopi-ecosystemoperation': 'GET_NEW_ACCESS_TOKEN', 'x-wopi-wopisrc': wopiSrc } },
      (r) => {
        if (r.status !== 200) return status200(r);
        const info = r.json<{ AccessTokenInfo?: { AccessToken?: unknown; AccessTokenExpiry: number } }>().AccessTokenInfo;
        return typeof info?.AccessToken === 'string' && info.AccessTokenExpiry > Date.now()
          ? ok
          : unforced('GetNewAccessToken: no usable AccessTokenInfo');
      },
    );
    if (!reply) return false;
    const { AccessToken, AccessTokenExpiry } = reply.json<{ AccessTokenInfo: AccessTokenInfo }>().AccessTokenInfo;
    this.file.token = AccessToken;
    this.file.expiresAt = AccessTokenExpiry;
    return true;
  }

  /** Lock, save, read back, unlock: what Office does on every save. */
  private async edit(): Promise<void> {
    const lock = { 'x-wopi-lock': this.lockId };
    const locked = await this.call(Operation.Lock, 'POST', this.filePath(), { headers: { 'x-wopi-override': 'LOCK', ...lock } }, status200);
    if (!locked) return;
    const content = randomBytes(512 + Math.floor(Math.random() * 32 * 1024));
    const saved = await this.exchange(
      Operation.PutFile,
      'POST',
      this.filePath('/contents'),
      { headers: { 'x-wopi-override': 'PUT', ...lock }, body: content },
      (r) =>
        r.status === 200 && /^\d+$/.test(r.header('x-wopi-itemversion') ?? '')
          ? ok
          : status200(r).outcome === 'ok'
            ? unforced('PutFile: no X-WOPI-ItemVersion')
            : status200(r),
    );
    if (saved.reply)
      await this.call(Operation.GetFile, 'GET', this.filePath('/contents'), {}, (r) =>
        r.status === 200 && r.body.equals(content)
          ? ok
          : status200(r).outcome === 'ok'
            ? unforced(`GetFile after PutFile: ${r.body.length} bytes, not the ${content.length} just saved`)
            : status200(r),
      );
    else if (saved.forcedBy?.kind === 'commitThenFail') await this.verifyCommitted(content, locked.header('x-wopi-itemversion'));
    await this.call(Operation.Unlock, 'POST', this.filePath(), { headers: { 'x-wopi-override': 'UNLOCK', ...lock } }, status200);
  }

  /**
   * The point of a commit-then-fail rule: the save failed for the client but was made, so the
   * file must now hold the bytes sent, at a version other than the one the lock reported.
   */
  private async verifyCommitted(content: Buffer, versionBefore: string | undefined): Promise<void> {
    const outcome = this.ctx.stats.commitThenFail;
    let judged = false;
    await this.call(Operation.GetFile, 'GET', this.filePath('/contents'), {}, (r) => {
      if (r.status !== 200) return status200(r);
      judged = true;
      const version = r.header('x-wopi-itemversion');
      if (r.body.equals(content) && (versionBefore === undefined || version !== versionBefore)) {
        outcome.verified++;
        return ok;
      }
      outcome.mismatched++;
      return unforced(
        `GetFile after a commit-then-fail PutFile: ${r.body.length} bytes at version ${version ?? '(none)'}, not the ${content.length} bytes committed over version ${versionBefore ?? '(unknown)'}`,
      );
    });
    if (!judged) outcome.unverified++;
  }

  /** A second editor's lock id on a locked file: the 409 must carry the current lock. */
  private async conflict(): Promise<void> {
    const locked = await this.call(
      Operation.Lock,
      'POST',
      this.filePath(),
      { headers: { 'x-wopi-override': 'LOCK', 'x-wopi-lock': this.lockId } },
      status200,
    );
    if (!locked) return;
    await this.call(
      Operation.Lock,
      'POST',
      this.filePath(),
      { headers: { 'x-wopi-override': 'LOCK', 'x-wopi-lock': 'another-editor' } },
      (r) =>
        r.status === 409 && r.header('x-wopi-lock') === this.lockId
          ? { outcome: 'intended', reason: '409 on Lock with a foreign lock id, carrying the current lock' }
          : unforced(`Lock with a foreign id: HTTP ${r.status}, X-WOPI-Lock ${JSON.stringify(r.header('x-wopi-lock'))}`),
    );
    await this.call(
      Operation.Unlock,
      'POST',
      this.filePath(),
      { headers: { 'x-wopi-override': 'UNLOCK', 'x-wopi-lock': this.lockId } },
      status200,
    );
  }

  /** Save a copy next to the file, then delete it again (the tree stays the same size). */
  private async saveAs(): Promise<void> {
    const content = randomBytes(256 + Math.floor(Math.random() * 8 * 1024));
    const copy = await this.call(
      Operation.PutRelativeFile,
      'POST',
      this.filePath(),
      { headers: { 'x-wopi-override': 'PUT_RELATIVE', 'x-wopi-suggestedtarget': '.docx' }, body: content },
      (r) =>
        r.status === 200 && typeof r.json<Partial<UrlReply>>().Url === 'string' && r.json<UrlReply>().Name !== this.fileName
          ? ok
          : status200(r).outcome === 'ok'
            ? unforced('PutRelativeFile: no Url, or the source name')
            : status200(r),
    );
    if (!copy) return;
    const url = new URL(copy.json<UrlReply>().Url);
    await this.call(Operation.DeleteFile, 'POST', url.pathname + url.search, { headers: { 'x-wopi-override': 'DELETE' } }, status200);
  }

  /** The expiry of a WOPI token handed out in a URL, from its claims (ms from now). */
  private wopiTtlFrom(token: string): number {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number };
    return (claims.exp ?? 0) * 1000 - Date.now();
  }

  /**
   * Sends one request and judges the answer. A fault rule's answer is recognised by the rule id
   * the host names in X-WOPI-ServerError (or error_description), and only where that rule can
   * apply (its user, if it has one, and its operations); a dropped connection only where a drop
   * rule applies. A 429 or 503 with Retry-After is waited out (capped) and sent again, within the
   * step's budget; each answer is recorded, so a throttled request counts once forced and once ok.
   */
  private async call(operation: string, method: string, path: string, send: Send, judge: Judge): Promise<Exchange | undefined> {
    return (await this.exchange(operation, method, path, send, judge)).reply;
  }

  private async exchange(operation: string, method: string, path: string, send: Send, judge: Judge): Promise<Result> {
    const { stats } = this.ctx;
    for (let waited = false; ; waited = true) {
      const started = performance.now();
      let reply: Exchange;
      try {
        reply = await this.http.send(method, path, send);
      } catch (error) {
        const ms = performance.now() - started;
        const rule = this.ctx.rules.find((r) => r.drop && ruleApplies(r, this.userId, operation));
        if (rule) stats.record(operation, 'forced', ms, `connection dropped on ${operation} (${kindLabel[rule.kind]})`, rule.id);
        else stats.record(operation, 'unforced', ms, `no answer: ${(error as Error).message}`);
        return rule ? { forcedBy: rule } : {};
      }
      const rule = this.forcedBy(reply, operation);
      const verdict = rule
        ? { outcome: 'forced' as const, reason: `${reply.status} on ${operation} (${kindLabel[rule.kind]})` }
        : judge(reply);
      stats.record(operation, verdict.outcome, reply.ms, verdict.reason, rule?.id);
      if (verdict.outcome === 'ok' || verdict.outcome === 'intended') {
        if (waited) stats.retries.recovered++;
        return { reply };
      }
      const wait =
        reply.status === 429 || reply.status === 503 ? retryAfterMs(reply.header('retry-after'), Date.now(), retryAfterCapMs) : null;
      if (wait === null) return rule ? { forcedBy: rule } : {};
      if (wait > this.retryBudgetMs || Date.now() + wait >= this.ctx.deadline) {
        stats.retries.abandoned++;
        return rule ? { forcedBy: rule } : {};
      }
      this.retryBudgetMs -= wait;
      stats.retries.waits++;
      stats.retries.waitedMs += wait;
      await sleep(wait);
    }
  }

  private forcedBy(reply: Exchange, operation: string): InstalledRule | undefined {
    if (reply.status < 400) return undefined;
    let detail = reply.header('x-wopi-servererror') ?? '';
    if (!detail && reply.header('content-type')?.startsWith('application/json'))
      detail = String(reply.json<{ error_description?: string }>().error_description ?? '');
    const id = forcedRuleId(detail);
    const rule = id === null ? undefined : this.ctx.rules.find((r) => r.id === id);
    return rule && ruleApplies(rule, this.userId, operation) ? rule : undefined;
  }
}
