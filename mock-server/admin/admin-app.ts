import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { RequestLog } from '../log/request-log.js';
import type { Store } from '../state/store.js';
import { PersistError } from '../state/store.js';
import { explainRule } from '../faults/rules.js';
import { toHar } from '../log/har.js';
import { toCurl } from '../log/curl.js';
import { summaryOfEntry } from './sse.js';
import type { Config, FaultRule } from '../state/config-schema.js';
import type { IssuedTokens } from '../tokens/issued-tokens.js';
import { bootstrapChallenge } from '../http/challenge.js';
import { parseChallenge } from '../protocol/challenge.js';
import {
  caFacts,
  caProfile,
  certificateContentType,
  certificateFileName,
  profileContentType,
  profileFileName,
} from '../http/device-setup.js';
import { deny, originGuard, requireJsonDocument, tokenGuard } from './guard.js';
import { registerScenarioRoutes } from './scenario-routes.js';
import type { ScenarioBook } from '../scenarios/scenario-book.js';
import { streamEvents } from './sse.js';
import { registerFileRoutes } from './files-routes.js';
import type { FileStore } from '../storage/file-store.js';
import type { EngineStatus } from './status.js';
import { securityHeaders, uiRoutes } from './ui.js';
import { checkRequestSchema } from './check-request.js';
import type { CheckRuns } from './check-runs.js';
import { actAsAnotherEditor, anotherEditorActions, isAnotherEditorAction } from '../storage/another-editor.js';
import { lockIdProblem } from '../protocol/locks.js';
import { expirableKinds, isExpirableKind, type ExpireNow } from '../tokens/expire-now.js';
import { formatReport, reportFormats, type ReportFormat } from '../check/formats.js';
import type {
  ChallengeView,
  CheckRunView,
  ConfigSaved,
  ErrorBody,
  ExplainedFault,
  FaultAdded,
  FaultList,
  FaultsCleared,
  LogPage,
  LogSummary,
  UserRevoked,
  UserTokens,
  UserTokensExpired,
  AnotherEditorResult,
  ProxyView,
} from './contract.js';

export interface AdminDeps {
  store: Store;
  log: RequestLog;
  token: string;
  port: () => number;
  status: () => EngineStatus;
  /** Where the WOPI origin is, for absolute URLs in HAR and curl exports. */
  origin: () => string;
  caCertificatePath: string;
  caCertificatePem: string;
  /** The host name the downloadable profile names. */
  publicHost: string;
  issuedTokens: IssuedTokens;
  files: FileStore;
  /** The built renderer (index.html and assets/). */
  uiDir: string;
  version: string;
  checks: CheckRuns;
  expireNow: ExpireNow;
  scenarios: ScenarioBook;
}

/** `GET/PUT /api/proxy`: the config's proxy section and what runs now. */
const proxyView = (config: Config, status: EngineStatus): ProxyView => ({
  settings: config.proxy,
  ...(status.proxy ? { reverse: status.proxy } : {}),
  ...(status.forwardProxy ? { forward: status.forwardProxy } : {}),
});

export const explainFault = (rule: FaultRule): ExplainedFault => ({ ...rule, explanation: explainRule(rule) });

/** The loopback REST API behind the UI and scripts. Documented in docs/admin-api.md. */
export function createAdminApp(deps: AdminDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders);
  app.use(originGuard({ port: deps.port }));
  // Only /api needs the token: the UI's static files are public, and the UI gets the token from
  // its URL fragment, which browsers never send to a server.
  app.use('/api', tokenGuard({ token: deps.token }));
  // Before the JSON parser: uploads take the raw body, whatever its content type.
  const fileChanges = registerFileRoutes(app, { files: deps.files, store: deps.store });
  app.use(
    express.json({ limit: '1mb', strict: false, verify: (_req, res, body) => void ((res as Response).locals['jsonBytes'] = body.length) }),
  );
  const { store, log, issuedTokens } = deps;
  const ca = caFacts(deps.caCertificatePem);

  app.get('/api/status', (_req, res) => void res.json(deps.status()));

  app.post('/api/reset', async (_req, res) => {
    // The defaults are what an empty config document parses to; the one command that replaces
    // the config persists them and tells every subscriber (config and faults events). The proxy
    // settings stay: they say what this host stands in front of, not how the mock behaves.
    const result = await store.changeConfig((current) => ({ ok: true, input: { proxy: current.proxy }, commit: (next) => next }));
    if (!result.ok) return void res.status(500).json({ errors: result.errors } satisfies ErrorBody);
    await deps.scenarios.forgetApplied();
    res.json({ config: result.value, warnings: result.warnings } satisfies ConfigSaved);
  });

  app.get('/api/challenge', (_req, res) => {
    const { header, knownBugs } = bootstrapChallenge(store.config, deps.origin());
    // A 401 without the challenge is bent too, though the header shown is the one it would have carried.
    const missing = store.config.knownBugs.challengeMissingOn401 ? (['challengeMissingOn401'] as const) : [];
    res.json({ header, parameters: parseChallenge(header)?.params ?? {}, knownBugs: [...knownBugs, ...missing] } satisfies ChallengeView);
  });

  app.get('/api/ca.crt', (_req, res) => {
    res.setHeader('Content-Disposition', `attachment; filename="${certificateFileName}"`);
    res.type(certificateContentType).send(Buffer.from(ca.pem, 'utf8'));
  });
  app.get('/api/ca.mobileconfig', (_req, res) => {
    res.setHeader('Content-Disposition', `attachment; filename="${profileFileName}"`);
    res.type(profileContentType).send(Buffer.from(caProfile(ca, deps.publicHost), 'utf8'));
  });

  app.get('/api/config', (_req, res) => void res.json(store.config));
  app.put('/api/config', requireJsonDocument, async (req, res) => {
    const result = await store.replaceConfig(req.body);
    if (!result.ok) return void res.status(400).json({ errors: result.errors } satisfies ErrorBody);
    res.json({ config: result.value, warnings: result.warnings } satisfies ConfigSaved);
  });

  app.get('/api/proxy', (_req, res) => void res.json(proxyView(store.config, deps.status())));
  app.put('/api/proxy', requireJsonDocument, async (req, res) => {
    // Saving the section starts again what could not run (a forward port that was taken at start).
    const result = await store.changeConfig((current) => ({
      ok: true,
      input: { ...current, proxy: req.body as unknown },
      commit: (next) => next,
      reapply: true,
    }));
    if (!result.ok) return void res.status(400).json({ errors: result.errors } satisfies ErrorBody);
    res.json(proxyView(result.value, deps.status()));
  });

  app.get('/api/faults', (_req, res) => void res.json({ faults: store.config.faults.map(explainFault) } satisfies FaultList));
  app.post('/api/faults', requireJsonDocument, async (req, res) => {
    const result = await store.addFault(req.body);
    if (!result.ok) return void res.status(400).json({ errors: result.errors } satisfies ErrorBody);
    res
      .status(201)
      .location(`/api/faults/${encodeURIComponent(result.value.id)}`)
      .json({ ...explainFault(result.value), warnings: result.warnings } satisfies FaultAdded);
  });
  app.delete('/api/faults/:id', async (req, res) => {
    if (await store.removeFault(String(req.params['id']))) return void res.status(204).end();
    deny(res, 404, `no fault rule with id "${String(req.params['id'])}"`);
  });
  app.delete('/api/faults', async (_req, res) => void res.json({ removed: await store.clearFaults() } satisfies FaultsCleared));

  app.post('/api/users/:id/revoke', async (req, res) => {
    const id = String(req.params['id']);
    if (await store.revokeUser(id)) return void res.json({ userId: id, revoked: true } satisfies UserRevoked);
    deny(res, 404, `no mock user with id "${id}"`);
  });
  // Another editor: another session takes or refreshes a file's lock, or saves a new version.
  app.post('/api/files/:fileId/another-editor', async (req, res) => {
    const body = (req.body ?? {}) as { action?: unknown; lockId?: unknown; content?: unknown };
    if (!isAnotherEditorAction(body.action)) return deny(res, 400, `action must be one of ${anotherEditorActions.join(', ')}`);
    if (body.lockId !== undefined && (typeof body.lockId !== 'string' || lockIdProblem(body.lockId) !== null))
      return deny(res, 400, `lockId: ${typeof body.lockId === 'string' ? lockIdProblem(body.lockId) : 'must be a string'}`);
    if (body.content !== undefined && typeof body.content !== 'string') return deny(res, 400, 'content must be a string (UTF-8 text)');
    const outcome = await actAsAnotherEditor(deps.files, String(req.params['fileId']), body.action, {
      ...(typeof body.lockId === 'string' ? { lockId: body.lockId } : {}),
      ...(typeof body.content === 'string' ? { content: Buffer.from(body.content) } : {}),
    });
    if (!outcome.ok) return deny(res, outcome.status, outcome.message);
    res.json(outcome.value satisfies AnotherEditorResult);
  });

  // "Expire now": the user's tokens of these kinds are expired from the next request on.
  app.post('/api/users/:id/expire', (req, res) => {
    const id = String(req.params['id']);
    if (!store.findUser(id)) return deny(res, 404, `no mock user with id "${id}"`);
    const requested: unknown = (req.body as { kinds?: unknown } | undefined)?.kinds;
    const kinds = requested === undefined ? [...expirableKinds] : requested;
    if (!Array.isArray(kinds) || kinds.length === 0 || !kinds.every(isExpirableKind))
      return deny(res, 400, `kinds must be a non-empty list of ${expirableKinds.join(', ')}`);
    const at = deps.expireNow.expire(id, kinds);
    res.json({ userId: id, kinds, expiredAt: new Date(at).toISOString() } satisfies UserTokensExpired);
  });
  app.get('/api/users/:id/tokens', (req, res) => {
    const id = String(req.params['id']);
    if (!store.findUser(id)) return deny(res, 404, `no mock user with id "${id}"`);
    res.json({ tokens: issuedTokens.list(id) } satisfies UserTokens);
  });

  registerScenarioRoutes(app, deps.scenarios);

  app.get('/api/log', (req, res) => {
    const after = optionalInt(req.query['after']);
    const limit = optionalInt(req.query['limit']);
    const view = req.query['view'] ?? 'full';
    if (after === null || limit === null || (limit !== undefined && limit < 1))
      return deny(res, 400, 'after and limit must be whole numbers (limit ≥ 1)');
    if (view !== 'full' && view !== 'summary') return deny(res, 400, 'view must be "full" (the default) or "summary"');
    const entries = log.list({ afterSeq: after, limit });
    const page = { lastSeq: log.lastSeq, capacity: log.capacity };
    // The summaries are what the live stream sends: what the UI's table needs, without headers and bodies.
    if (view === 'summary') res.json({ entries: entries.map(summaryOfEntry), ...page } satisfies LogPage<LogSummary>);
    else res.json({ entries, ...page } satisfies LogPage);
  });
  app.get('/api/log/stream', (req, res) =>
    streamEvents(req, res, {
      log,
      store,
      issuedTokens,
      files: fileChanges,
      checks: (send) => {
        deps.checks.on('changed', send);
        return () => void deps.checks.off('changed', send);
      },
      scenarios: (send) => {
        deps.scenarios.on('changed', send);
        return () => void deps.scenarios.off('changed', send);
      },
    }),
  );

  // Host checks (the "Check a host" screen): start, watch on the stream, download, cancel.
  app.get('/api/checks', (_req, res) => void res.json(deps.checks.list() satisfies CheckRunView[]));
  app.post('/api/checks', (req, res) => {
    const parsed = checkRequestSchema.safeParse(req.body);
    if (!parsed.success) return deny(res, 400, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    const started = deps.checks.start(parsed.data);
    if ('error' in started) return deny(res, 400, started.error);
    res.status(202).json(started satisfies CheckRunView);
  });
  app.get('/api/checks/:id', (req, res) => {
    const run = deps.checks.get(req.params['id']);
    if (!run) return deny(res, 404, `no check ${req.params['id']} (only the last ten are kept)`);
    res.json(run.view);
  });
  app.get('/api/checks/:id/report', (req, res) => {
    const run = deps.checks.get(req.params['id']);
    if (!run?.view.report) return deny(res, 404, run ? 'the check is still running' : `no check ${req.params['id']}`);
    const format = (typeof req.query['format'] === 'string' ? req.query['format'] : 'json') as ReportFormat;
    if (!reportFormats.includes(format)) return deny(res, 400, `format must be one of ${reportFormats.join(', ')}`);
    const extension = { json: 'json', junit: 'xml', tap: 'tap', text: 'txt' }[format];
    const type = { json: 'application/json', junit: 'application/xml', tap: 'text/plain', text: 'text/plain' }[format];
    res.setHeader('Content-Disposition', `attachment; filename="wopi-host-check-${run.view.startedAt.replace(/[:.]/g, '-')}.${extension}"`);
    res.type(type).send(formatReport(run.view.report, format));
  });
  app.get('/api/checks/:id/har', (req, res) => {
    const run = deps.checks.get(req.params['id']);
    if (!run?.har) return deny(res, 404, run ? 'the check is still running' : `no check ${req.params['id']}`);
    res.setHeader('Content-Disposition', `attachment; filename="wopi-host-check-${run.view.startedAt.replace(/[:.]/g, '-')}.har"`);
    res.type('application/json').send(JSON.stringify(run.har, null, 2));
  });
  app.post('/api/checks/:id/redirect', (req, res) => {
    const url = (req.body as { url?: unknown } | undefined)?.url;
    if (typeof url !== 'string' || !/code=|error=/.test(url))
      return deny(res, 400, 'send {"url": "<the URL the browser ended on, with code=>"}');
    if (!deps.checks.paste(req.params['id'], url)) return deny(res, 409, 'that check is not waiting for a pasted redirect');
    res.status(204).end();
  });
  app.delete('/api/checks/:id', (req, res) => {
    if (!deps.checks.cancel(req.params['id'])) return deny(res, 404, 'no running check with that id');
    res.status(204).end();
  });
  app.get('/api/log/har', (_req, res) => {
    const har = toHar(log.list(), { creator: { name: 'WOPI Mock Host', version: deps.version }, origin: deps.origin() });
    res.setHeader('Content-Disposition', `attachment; filename="wopi-mock-host-${new Date().toISOString().replace(/[:.]/g, '-')}.har"`);
    res.type('application/json').send(JSON.stringify(har, null, 2));
  });
  app.get('/api/log/:seq/curl', (req, res) => {
    const entry = log.find(Number(req.params['seq']));
    if (!entry) return deny(res, 404, `no log entry ${String(req.params['seq'])} (it may have left the ring)`);
    res.type('text/plain').send(toCurl(entry, { origin: deps.origin(), caCertPath: deps.caCertificatePath }) + '\n');
  });
  app.get('/api/log/:seq', (req, res) => {
    const entry = log.find(Number(req.params['seq']));
    if (!entry) return deny(res, 404, `no log entry ${String(req.params['seq'])} (it may have left the ring)`);
    res.json(entry);
  });
  app.delete('/api/log', (_req, res) => {
    log.clear();
    res.status(204).end();
  });

  app.use('/api', (req, res) => deny(res, 404, `no admin endpoint ${req.method} ${req.originalUrl.split('?')[0]}`));
  app.use(uiRoutes(deps.uiDir));
  app.use((req, res) => deny(res, 404, `nothing here: ${req.method} ${req.path}`));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return void res.destroy();
    const parserError = error as { type?: string; status?: number; message?: string };
    if (parserError.type === 'entity.parse.failed') return deny(res, 400, `the body is not valid JSON: ${parserError.message}`);
    if (parserError.type === 'entity.too.large') return deny(res, 413, 'the body is larger than 1 MB');
    if (typeof parserError.status === 'number' && parserError.status < 500)
      return deny(res, parserError.status, parserError.message ?? 'bad request');
    if (error instanceof PersistError) return deny(res, 507, `${error.message}; nothing was changed`);
    deny(res, 500, 'internal error in the admin API');
  });
  return app;
}

function optionalInt(value: unknown): number | undefined | null {
  if (value === undefined) return undefined;
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : null;
}
