import { ruleAreas } from '../../../../mock-server/analysis/rulebook.ts';
import type {
  CheckReport,
  CheckRequest,
  CheckRunView,
  Evidence,
  PhaseId,
  PhaseResult,
  RuleResult,
  RuleStatus,
} from '../../../../mock-server/admin/contract.ts';
import { adminFetch, download, saveDownload } from '../../api/client.ts';

export type { CheckReport, CheckRequest, CheckRunView, Evidence, PhaseId, PhaseResult, RuleResult, RuleStatus };

export type ReportFormat = 'json' | 'junit' | 'tap' | 'text';

const extensions: Record<ReportFormat, string> = { json: 'json', junit: 'xml', tap: 'tap', text: 'txt' };
const checkPath = (id: string) => `/api/checks/${encodeURIComponent(id)}`;
const send = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body) });

/** The host-check admin routes (`/api/checks…` in mock-server/admin/admin-app.ts). */
export const checkApi = {
  list: async () => (await (await adminFetch('/api/checks')).json()) as CheckRunView[],
  start: async (request: CheckRequest) => (await (await adminFetch('/api/checks', send('POST', request))).json()) as CheckRunView,
  /** A paste sign-in: the URL the browser ended on, with `code=`. */
  paste: async (id: string, url: string) => void (await adminFetch(`${checkPath(id)}/redirect`, send('POST', { url }))),
  cancel: async (id: string) => void (await adminFetch(checkPath(id), { method: 'DELETE' })),
  /** Fetched with the admin token and handed to the browser as a file, like the Live log's HAR. */
  saveReport: async (run: CheckRunView, format: ReportFormat) =>
    saveDownload(await download(`${checkPath(run.id)}/report?format=${format}`), `wopi-host-check.${extensions[format]}`),
  saveHar: async (run: CheckRunView) => saveDownload(await download(`${checkPath(run.id)}/har`), 'wopi-host-check.har'),
};

/**
 * The phases in the order the checker runs them, from the rulebook. Each finished phase brings its
 * own title (PhaseResult.title); these name the ones not reached yet.
 */
export const phaseOrder: ReadonlyArray<{ id: PhaseId; title: string }> = ruleAreas;

export type PhaseProgress = 'pending' | 'running' | PhaseResult['status'];

/** Where each phase stands in a run: done ones from their result, the next one (or two, run together) running. */
export function phaseProgress(run: CheckRunView): Array<{ id: PhaseId; title: string; status: PhaseProgress; skipReason?: string }> {
  const done = new Map(run.phases.map((p) => [p.id, p]));
  const firstOpen = phaseOrder.find((p) => !done.has(p.id))?.id;
  return phaseOrder.map(({ id, title }) => {
    const result = done.get(id);
    if (result) return { id, title: result.title, status: result.status, ...(result.skipReason ? { skipReason: result.skipReason } : {}) };
    const running = run.state === 'running' && (id === firstOpen || id === run.currentPhase);
    return { id, title, status: running ? 'running' : 'pending' };
  });
}

/**
 * How far a view has got, to keep the newest of two views of one run: a POST answer or a GET can
 * arrive after stream events that are further along.
 */
function progressRank(run: CheckRunView): number {
  return (run.state === 'running' ? 0 : 100) + run.phases.length;
}

/** Runs newest first, with `next` put in (or kept out, if an older view of a run already shown). */
export function withRun(runs: CheckRunView[], next: CheckRunView): CheckRunView[] {
  const index = runs.findIndex((r) => r.id === next.id);
  if (index === -1) return [next, ...runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  if (progressRank(next) < progressRank(runs[index]!)) return runs;
  return runs.map((r, i) => (i === index ? next : r));
}

/** The other-host form as typed, before it becomes a request. */
export interface OtherHostForm {
  url: string;
  signIn: 'loopback' | 'paste' | 'given' | 'form';
  accessToken: string;
  refreshToken: string;
  secondAccessToken: string;
  /** One `name=value` per line. */
  formFields: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  clientAuth: 'post' | 'basic';
  caPem: string;
  insecure: boolean;
  gentle: boolean;
  /** Comma or space separated. */
  trustedDomains: string;
}

export const emptyOtherHostForm: OtherHostForm = {
  url: '',
  signIn: 'loopback',
  accessToken: '',
  refreshToken: '',
  secondAccessToken: '',
  formFields: '',
  clientId: '',
  clientSecret: '',
  redirectUri: '',
  clientAuth: 'post',
  caPem: '',
  insecure: false,
  gentle: false,
  trustedDomains: '',
};

/** The request for a filled-in form, or the lines of the form fields that are not `name=value`. */
export function otherHostRequest(form: OtherHostForm): { request: CheckRequest } | { formFieldErrors: string[] } {
  const formFields: Record<string, string> = {};
  const formFieldErrors: string[] = [];
  if (form.signIn === 'form') {
    for (const line of form.formFields.split('\n').map((l) => l.trim())) {
      if (line === '') continue;
      const equals = line.indexOf('=');
      if (equals <= 0) formFieldErrors.push(`"${line}" is not name=value`);
      else formFields[line.slice(0, equals).trim()] = line.slice(equals + 1).trim();
    }
  }
  if (formFieldErrors.length > 0) return { formFieldErrors };
  const clientGiven = form.clientId.trim() !== '' || form.clientSecret !== '' || form.redirectUri.trim() !== '';
  const given = form.signIn === 'given';
  return {
    request: {
      target: 'url',
      url: form.url.trim(),
      signIn: form.signIn,
      ...(clientGiven
        ? {
            client: {
              clientId: form.clientId.trim(),
              clientSecret: form.clientSecret,
              auth: form.clientAuth,
              ...(form.redirectUri.trim() !== '' ? { redirectUri: form.redirectUri.trim() } : {}),
            },
          }
        : {}),
      ...(given && form.accessToken.trim() !== '' ? { accessToken: form.accessToken.trim() } : {}),
      ...(given && form.refreshToken.trim() !== '' ? { refreshToken: form.refreshToken.trim() } : {}),
      ...(form.secondAccessToken.trim() !== '' ? { secondAccessToken: form.secondAccessToken.trim() } : {}),
      ...(form.signIn === 'form' ? { formFields } : {}),
      ...(form.caPem.trim() !== '' ? { caPem: form.caPem.trim() } : {}),
      insecure: form.insecure,
      gentle: form.gentle,
      trustedDomains: form.trustedDomains.split(/[\s,]+/).filter((d) => d !== ''),
    },
  };
}

/**
 * The API names each problem with a request path inside one message ("url: Invalid URL;
 * client.clientSecret: …"); split it so each field shows its own and the rest go above the form.
 */
export function splitApiErrors(messages: string[], fieldPaths: readonly string[]): { byPath: Map<string, string[]>; rest: string[] } {
  const byPath = new Map<string, string[]>();
  const rest: string[] = [];
  for (const part of messages.flatMap((m) => m.split('; '))) {
    const match = /^([\w.]+): (.+)$/.exec(part);
    const path = match?.[1];
    if (path !== undefined && fieldPaths.includes(path)) byPath.set(path, [...(byPath.get(path) ?? []), match![2]!]);
    else rest.push(part);
  }
  return { byPath, rest };
}

export const statusText: Record<RuleStatus | PhaseProgress, string> = {
  passed: 'passed',
  failed: 'failed',
  warning: 'warning',
  finding: 'finding',
  skipped: 'skipped',
  pending: 'pending',
  running: 'running',
};

/** A mark beside the status word, never instead of it. */
export const statusMark: Record<RuleStatus | PhaseProgress, string> = {
  passed: '✓',
  failed: '✗',
  warning: '!',
  finding: 'i',
  skipped: '–',
  pending: '○',
  running: '…',
};
