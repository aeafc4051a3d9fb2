import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import { AdminApiError } from '../../api/client.ts';
import { useConfig } from '../../api/config-store.ts';
import { StreamEvent, subscribeLive } from '../../api/live.ts';
import { CheckboxField, Messages, SecretField, TextField } from '../../components/forms.tsx';
import { CaCertificateField } from '../../components/CaCertificateField.tsx';
import { clockTime, formatDuration } from '../log/format.ts';
import {
  checkApi,
  emptyOtherHostForm,
  otherHostRequest,
  phaseOrder,
  phaseProgress,
  splitApiErrors,
  statusMark,
  statusText,
  withRun,
  type CheckReport,
  type CheckRequest,
  type CheckRunView,
  type OtherHostForm,
  type PhaseResult,
  type ReportFormat,
  type RuleResult,
} from './check-api.ts';
import './check.css';
import { plural } from '../../components/plural.ts';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const asApiError = (error: unknown) =>
  error instanceof AdminApiError ? error : new AdminApiError(0, [{ path: '$', message: message(error) }]);

/**
 * Plays Office mobile against a bootstrapper in the engine and shows what it found, rule by rule:
 * "Check this mock" runs the whole flow against this engine (so the Flow screen fills without a
 * phone); the form checks any other host. Progress comes from the engine's `check` stream events.
 */
export function CheckScreen() {
  const [runs, setRuns] = useState<CheckRunView[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const runHeading = useRef<HTMLHeadingElement>(null);
  const focusRun = useRef<string | null>(null);

  const reload = useCallback(
    () =>
      checkApi.list().then(
        (list) => {
          setRuns((current) => list.reduce(withRun, current));
          setLoadError(null);
        },
        (error: unknown) => setLoadError(message(error)),
      ),
    [],
  );

  useEffect(() => {
    void reload();
    return subscribeLive((event) => {
      if (event.type === StreamEvent.Check) setRuns((current) => withRun(current, event.run));
      else if (event.type === 'reconnected') void reload();
    });
  }, [reload]);

  const selected = runs.find((r) => r.id === selectedId) ?? runs[0] ?? null;

  // A run just started here takes the focus, so its progress is in view and read out.
  useEffect(() => {
    if (selected !== null && focusRun.current === selected.id) {
      focusRun.current = null;
      runHeading.current?.focus();
    }
  }, [selected]);

  const start = async (request: CheckRequest) => {
    const view = await checkApi.start(request);
    focusRun.current = view.id;
    setRuns((current) => withRun(current, view));
    setSelectedId(view.id);
  };

  return (
    <section className="screen check-screen" aria-labelledby="check-title">
      <header className="screen-header">
        <h1 id="check-title">Check a host</h1>
        <p>
          Plays Office mobile’s flow against a bootstrapper (TLS, challenge, sign-in, profile, ecosystem, files, GetNewAccessToken) and
          reports every spec rule it put to the test, with the exchanges that show it.
        </p>
      </header>
      {loadError !== null && (
        <p className="banner banner-error" role="alert">
          Earlier checks could not be read: {loadError}
        </p>
      )}
      <div className="grid-2 check-top">
        <div className="check-column">
          <SelfCheck onStart={start} />
          {runs.length > 0 && <RecentRuns runs={runs} selectedId={selected?.id ?? null} onSelect={setSelectedId} />}
        </div>
        <OtherHostCheck onStart={start} />
      </div>
      {selected && <RunPanel key={selected.id} run={selected} headingRef={runHeading} />}
    </section>
  );
}

function SelfCheck({ onStart }: { onStart: (request: CheckRequest) => Promise<void> }) {
  const users = useConfig().config?.users ?? [];
  const [user, setUser] = useState<string | null>(null);
  const [gentle, setGentle] = useState(false);
  const [write, setWrite] = useState(false);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<AdminApiError | null>(null);
  const userSelect = useId();
  const chosen = users.some((u) => u.id === user) ? user : (users[0]?.id ?? null);

  const run = async () => {
    setStarting(true);
    setError(null);
    try {
      await onStart({ target: 'self', ...(chosen !== null ? { user: chosen } : {}), gentle, write });
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setStarting(false);
    }
  };

  return (
    <section className="card" aria-labelledby="check-self-title">
      <h2 id="check-self-title">This mock</h2>
      <p className="muted">
        Runs the whole check against the running mock: it signs in through the mock’s own form, browses and opens files, so the Flow and
        Live log screens fill without a phone.
      </p>
      <div className="field check-user">
        <label htmlFor={userSelect}>Sign in as</label>
        <select id={userSelect} value={chosen ?? ''} disabled={users.length === 0} onChange={(e) => setUser(e.target.value)}>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.friendlyName ? `${u.friendlyName} (${u.id})` : u.id}
            </option>
          ))}
        </select>
      </div>
      <CheckboxField
        label="Skip negative OAuth probes"
        checked={gentle}
        onChange={setGentle}
        hint="Leaves out the replayed code, wrong redirect_uri and wrong secret, for hosts that lock accounts after them."
      />
      <CheckboxField
        label="Write tests"
        checked={write}
        onChange={setWrite}
        hint="Creates a scratch file, runs the WOPI validator’s cases on it, then deletes it."
      />
      {error && (
        <p className="banner banner-error" role="alert">
          The check did not start: {error.message}
        </p>
      )}
      <button type="button" className="primary check-self-button" disabled={starting} onClick={() => void run()}>
        {starting ? 'Starting…' : 'Check this mock'}
      </button>
    </section>
  );
}

const signInMethods: ReadonlyArray<{ value: OtherHostForm['signIn']; label: string; hint: string }> = [
  {
    value: 'loopback',
    label: 'Loopback (browser on this computer)',
    hint: 'You sign in in your browser; the host redirects to a listener on 127.0.0.1 (RFC 8252). The host must allow loopback redirect URIs.',
  },
  {
    value: 'paste',
    label: 'Paste the redirect',
    hint: 'You sign in in your browser, then paste the URL it ended on (with code=) here. For custom-scheme or https://localhost redirects.',
  },
  { value: 'given', label: 'An access token I have', hint: 'No sign-in runs: the checker uses the OAuth access token you give it.' },
  {
    value: 'form',
    label: 'Fill the sign-in form',
    hint: 'The checker fetches the sign-in page and submits its form with the fields you give (simple identity providers).',
  },
];

/** Request paths the form shows next to a field; the API's other messages go above it. */
const fieldPaths = [
  'url',
  'signIn',
  'client.clientId',
  'client.clientSecret',
  'client.redirectUri',
  'client.auth',
  'accessToken',
  'refreshToken',
  'secondAccessToken',
  'formFields',
  'caPem',
  'trustedDomains',
] as const;

const optionPaths: ReadonlyArray<(typeof fieldPaths)[number]> = ['caPem', 'trustedDomains', 'secondAccessToken'];
const apiMessages = (error: AdminApiError) => error.errors.map((e) => (e.path === '$' ? e.message : `${e.path}: ${e.message}`));

function OtherHostCheck({ onStart }: { onStart: (request: CheckRequest) => Promise<void> }) {
  const [form, setForm] = useState<OtherHostForm>(emptyOtherHostForm);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<AdminApiError | null>(null);
  const [formFieldErrors, setFormFieldErrors] = useState<string[]>([]);
  const [optionsOpen, setOptionsOpen] = useState(false);
  const ids = useId();
  const update = (patch: Partial<OtherHostForm>) => setForm((f) => ({ ...f, ...patch }));
  const { byPath, rest } = splitApiErrors(
    error?.errors.map((e) => (e.path === '$' ? e.message : `${e.path}: ${e.message}`)) ?? [],
    fieldPaths,
  );
  const errorsAt = (path: (typeof fieldPaths)[number]) => byPath.get(path) ?? [];
  const needsClient = form.signIn !== 'given';

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const built = otherHostRequest(form);
    if ('formFieldErrors' in built) {
      setFormFieldErrors(built.formFieldErrors);
      return;
    }
    setFormFieldErrors([]);
    setStarting(true);
    try {
      await onStart(built.request);
    } catch (caught) {
      const apiError = asApiError(caught);
      setError(apiError);
      // A problem with a field under "more options" opens them, so its message is seen.
      const { byPath } = splitApiErrors(apiMessages(apiError), fieldPaths);
      if (optionPaths.some((path) => byPath.has(path))) setOptionsOpen(true);
    } finally {
      setStarting(false);
    }
  };

  return (
    <section className="card" aria-labelledby="check-other-title">
      <h2 id="check-other-title">Another host</h2>
      <form onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="check-other-title">
        {error && (rest.length > 0 || byPath.size > 0) && (
          <div className="banner banner-error check-form-error" role="alert">
            <strong>The check did not start.</strong>
            {rest.length > 0 ? (
              <ul>
                {rest.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            ) : (
              ' Fix the fields marked below.'
            )}
          </div>
        )}
        <TextField
          label="Bootstrapper URL"
          type="url"
          value={form.url}
          placeholder="https://wopi.example.com/wopibootstrapper"
          monospace
          path="url"
          onChange={(url) => update({ url })}
          errors={errorsAt('url')}
        />
        <fieldset>
          <legend>Sign-in</legend>
          <div className="field">
            <label htmlFor={`${ids}-sign-in`}>Method</label>
            <select
              id={`${ids}-sign-in`}
              value={form.signIn}
              aria-describedby={`${ids}-sign-in-messages`}
              aria-invalid={errorsAt('signIn').length > 0 ? true : undefined}
              onChange={(e) => update({ signIn: e.target.value as OtherHostForm['signIn'] })}
            >
              {signInMethods.map((method) => (
                <option key={method.value} value={method.value}>
                  {method.label}
                </option>
              ))}
            </select>
            <Messages
              id={`${ids}-sign-in-messages`}
              hint={signInMethods.find((m) => m.value === form.signIn)?.hint}
              errors={errorsAt('signIn')}
            />
          </div>
          {form.signIn === 'given' && (
            <>
              <SecretField
                label="Access token"
                value={form.accessToken}
                monospace
                path="accessToken"
                onChange={(accessToken) => update({ accessToken })}
                errors={errorsAt('accessToken')}
              />
              <SecretField
                label="Refresh token (optional)"
                value={form.refreshToken}
                monospace
                path="refreshToken"
                onChange={(refreshToken) => update({ refreshToken })}
                hint="With it, the checker also tries the refresh grant (the OAuth client below is then needed)."
                errors={errorsAt('refreshToken')}
              />
            </>
          )}
          {form.signIn === 'form' && (
            <div className="field">
              <label htmlFor={`${ids}-form-fields`}>Sign-in form fields</label>
              <textarea
                id={`${ids}-form-fields`}
                className="mono"
                rows={3}
                spellCheck={false}
                value={form.formFields}
                placeholder={'username=alice\npassword=…'}
                aria-describedby={`${ids}-form-fields-messages`}
                aria-invalid={formFieldErrors.length > 0 || errorsAt('formFields').length > 0 ? true : undefined}
                onChange={(e) => update({ formFields: e.target.value })}
              />
              <Messages
                id={`${ids}-form-fields-messages`}
                hint="One name=value per line, set on the sign-in page’s form before it is submitted."
                errors={[...formFieldErrors, ...errorsAt('formFields')]}
              />
            </div>
          )}
        </fieldset>
        <fieldset>
          <legend>OAuth client{needsClient ? '' : ' (optional)'}</legend>
          <div className="check-client-grid">
            <TextField
              label="Client id"
              value={form.clientId}
              monospace
              path="client.clientId"
              onChange={(clientId) => update({ clientId })}
              errors={errorsAt('client.clientId')}
            />
            <SecretField
              label="Client secret"
              value={form.clientSecret}
              monospace
              path="client.clientSecret"
              onChange={(clientSecret) => update({ clientSecret })}
              errors={errorsAt('client.clientSecret')}
            />
            <TextField
              label="Redirect URI (optional)"
              type="url"
              value={form.redirectUri}
              monospace
              path="client.redirectUri"
              placeholder={form.signIn === 'loopback' ? 'the listener’s own' : 'https://localhost'}
              onChange={(redirectUri) => update({ redirectUri })}
              errors={errorsAt('client.redirectUri')}
            />
            <div className="field">
              <label htmlFor={`${ids}-client-auth`}>Client authentication</label>
              <select
                id={`${ids}-client-auth`}
                value={form.clientAuth}
                aria-describedby={`${ids}-client-auth-messages`}
                onChange={(e) => update({ clientAuth: e.target.value as OtherHostForm['clientAuth'] })}
              >
                <option value="post">post (as Office)</option>
                <option value="basic">basic (HTTP Basic)</option>
              </select>
              <Messages id={`${ids}-client-auth-messages`} errors={errorsAt('client.auth')} />
            </div>
          </div>
        </fieldset>
        <details className="check-options" open={optionsOpen} onToggle={(e) => setOptionsOpen(e.currentTarget.open)}>
          <summary>
            TLS and more options
            {form.insecure && <span className="badge badge-warn">TLS verification off</span>}
            {form.caPem.trim() !== '' && <span className="badge">CA given</span>}
          </summary>
          <div className="check-options-body">
            <CaCertificateField
              label="CA certificate (PEM, optional)"
              rows={3}
              value={form.caPem}
              onChange={(caPem) => update({ caPem })}
              hint="Trusted besides the system’s CAs, for a host with a private CA (like this mock’s)."
              errors={errorsAt('caPem')}
            />
            <CheckboxField
              label="Skip TLS verification (insecure)"
              checked={form.insecure}
              onChange={(insecure) => update({ insecure })}
              hint="For a look at a host whose certificate a phone would refuse."
              warnings={
                form.insecure
                  ? [
                      'TLS verification is off: certificate problems a phone would refuse are not failures, and the report says so at the top.',
                    ]
                  : []
              }
            />
            <CheckboxField
              label="Skip negative OAuth probes"
              checked={form.gentle}
              onChange={(gentle) => update({ gentle })}
              hint="Leaves out the replayed code, wrong redirect_uri and wrong secret, for hosts that lock accounts after them."
            />
            <TextField
              label="Trusted domains (optional)"
              value={form.trustedDomains}
              monospace
              path="trustedDomains"
              placeholder="contoso.com, *.contoso.net"
              hint="Comma or space separated: every URL the host hands out must be inside one of them."
              onChange={(trustedDomains) => update({ trustedDomains })}
              errors={errorsAt('trustedDomains')}
            />
            <SecretField
              label="A second account’s access token (optional)"
              value={form.secondAccessToken}
              monospace
              path="secondAccessToken"
              hint="With it, the checker also makes sure one account’s tokens cannot reach the other’s files."
              onChange={(secondAccessToken) => update({ secondAccessToken })}
              errors={errorsAt('secondAccessToken')}
            />
          </div>
        </details>
        <button type="submit" className="primary" disabled={starting}>
          {starting ? 'Starting…' : 'Check this host'}
        </button>
      </form>
    </section>
  );
}

function RecentRuns({ runs, selectedId, onSelect }: { runs: CheckRunView[]; selectedId: string | null; onSelect: (id: string) => void }) {
  return (
    <section className="card" aria-labelledby="check-recent-title">
      <h2 id="check-recent-title">Recent checks</h2>
      <ul className="check-recent">
        {runs.map((run) => (
          <li key={run.id}>
            <button type="button" className="toggle" aria-pressed={run.id === selectedId} onClick={() => onSelect(run.id)}>
              <span className="mono">{clockTime(run.startedAt).slice(0, 8)}</span>
              <span className="check-recent-target">{run.self ? 'This mock' : run.target}</span>
              <span className={`badge ${outcomeBadge(run)}`}>{runStateText(run)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function outcomeBadge(run: CheckRunView): string {
  if (run.state === 'running') return 'badge-info';
  if (run.state === 'cancelled' || run.report?.outcome === 'error') return 'badge-warn';
  return run.report?.outcome === 'passed' ? 'badge-ok' : 'badge-error';
}

function runStateText(run: CheckRunView): string {
  if (run.state === 'running') return run.signIn ? 'waiting for sign-in' : 'running';
  if (run.state === 'cancelled') return 'cancelled';
  return run.report?.outcome === 'error' ? 'error' : (run.report?.outcome ?? 'done');
}

function RunPanel({ run, headingRef }: { run: CheckRunView; headingRef: RefObject<HTMLHeadingElement | null> }) {
  const [cancelError, setCancelError] = useState<string | null>(null);
  const progress = phaseProgress(run);
  const doneCount = run.phases.length;
  const runningTitles = progress.filter((p) => p.status === 'running').map((p) => `“${p.title}”`);
  const sentence =
    run.state === 'running'
      ? `${run.signIn ? 'Waiting for the sign-in' : `Running ${runningTitles.join(' and ') || 'the check'}`} · ${doneCount} of ${phaseOrder.length} phases done`
      : run.state === 'cancelled'
        ? 'Cancelled'
        : `Finished in ${formatDuration(run.report?.durationMs ?? 0)}: ${runStateText(run)}`;

  const cancel = async () => {
    setCancelError(null);
    try {
      await checkApi.cancel(run.id);
    } catch (error) {
      setCancelError(`Cancel failed: ${message(error)}`);
    }
  };

  return (
    <section className="card check-run" aria-labelledby="check-run-title">
      <div className="row check-run-head">
        <h2 id="check-run-title" tabIndex={-1} ref={headingRef}>
          {run.self ? 'Check of this mock' : 'Check of another host'}
        </h2>
        <span className={`badge ${outcomeBadge(run)}`}>{runStateText(run)}</span>
        <span className="spacer" />
        {run.state === 'running' && (
          <button type="button" className="danger" onClick={() => void cancel()}>
            Cancel check
          </button>
        )}
      </div>
      <p className="muted small">
        <span className="mono">{run.target}</span> · started {clockTime(run.startedAt)}
      </p>
      {cancelError !== null && (
        <p className="banner banner-error" role="alert">
          {cancelError}
        </p>
      )}
      {run.signIn && <SignInPrompt run={run} signIn={run.signIn} />}
      <h3 id="check-progress-title">Progress</h3>
      <ol className="check-progress" aria-labelledby="check-progress-title">
        {progress.map((phase) => (
          <li key={phase.id} className={`status-${phase.status}`} data-phase={phase.id} data-status={phase.status}>
            <span className="status-mark" aria-hidden="true">
              {statusMark[phase.status]}
            </span>
            <span className="check-progress-title">{phase.title}</span>
            <span className="check-progress-status">{statusText[phase.status]}</span>
          </li>
        ))}
      </ol>
      <p className="small" role="status" aria-live="polite" data-testid="check-progress">
        {sentence}
      </p>
      {run.report && <ReportView run={run} report={run.report} />}
    </section>
  );
}

function SignInPrompt({ run, signIn }: { run: CheckRunView; signIn: NonNullable<CheckRunView['signIn']> }) {
  const [pasted, setPasted] = useState('');
  const [state, setState] = useState<{ sent?: boolean; error?: AdminApiError } | null>(null);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    setState(null);
    try {
      await checkApi.paste(run.id, pasted.trim());
      setState({ sent: true });
    } catch (error) {
      setState({ error: asApiError(error) });
    }
  };
  return (
    <div className="banner banner-info check-sign-in" role="region" aria-label="Sign-in">
      <p>
        <strong>Sign-in needed.</strong> {signIn.message}
      </p>
      <p>
        <a href={signIn.url} target="_blank" rel="noreferrer">
          Open the sign-in page in your browser
        </a>
        <span className="mono small check-sign-in-url">{signIn.url}</span>
      </p>
      {signIn.mode === 'paste' && (
        <form className="row check-paste" onSubmit={(event) => void send(event)} noValidate>
          <div style={{ flex: 1 }}>
            <TextField
              label="The URL the browser ended on"
              value={pasted}
              monospace
              placeholder="https://localhost/?code=…"
              onChange={setPasted}
              errors={state?.error ? [state.error.message] : []}
              hint={state?.sent ? 'Sent; the check goes on.' : undefined}
            />
          </div>
          <button type="submit" className="primary" disabled={pasted.trim() === ''}>
            Send redirected URL
          </button>
        </form>
      )}
    </div>
  );
}

const formats: ReadonlyArray<{ format: ReportFormat; label: string }> = [
  { format: 'json', label: 'JSON' },
  { format: 'junit', label: 'JUnit XML' },
  { format: 'tap', label: 'TAP' },
  { format: 'text', label: 'Text' },
];

function ReportView({ run, report }: { run: CheckRunView; report: CheckReport }) {
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const { summary } = report;
  const save = async (action: () => Promise<void>) => {
    setDownloadError(null);
    try {
      await action();
    } catch (error) {
      setDownloadError(`Download failed: ${message(error)}`);
    }
  };
  return (
    <section className="check-report" aria-labelledby="check-results-title">
      <h3 id="check-results-title">Results</h3>
      {report.banners.map((banner) => (
        <p key={banner} className="banner banner-warn" data-testid="check-banner">
          ⚠ {banner}
        </p>
      ))}
      {report.outcome === 'error' && (
        <p className="banner banner-error" data-testid="check-error">
          The check did not finish: {report.error ?? 'no rule ran'}
        </p>
      )}
      <p className="check-summary" data-testid="check-summary">
        <span className={`badge ${outcomeBadge(run)}`}>{report.outcome}</span> {plural(summary.passed, 'passed', 'passed')} ·{' '}
        {plural(summary.failed, 'failed', 'failed')} · {plural(summary.warnings, 'warning', 'warnings')} ·{' '}
        {plural(summary.findings, 'finding', 'findings')} · {plural(summary.skipped, 'skipped', 'skipped')} ·{' '}
        {formatDuration(report.durationMs)}
      </p>
      <div className="actions" role="group" aria-label="Downloads">
        <span className="small muted">Download:</span>
        {formats.map(({ format, label }) => (
          <button key={format} type="button" className="small" onClick={() => void save(() => checkApi.saveReport(run, format))}>
            {label}
          </button>
        ))}
        <button
          type="button"
          className="small"
          onClick={() => void save(() => checkApi.saveHar(run))}
          title="Tokens as sent: keep it private"
        >
          HAR
        </button>
      </div>
      {downloadError !== null && (
        <p className="banner banner-error" role="alert">
          {downloadError}
        </p>
      )}
      {report.phases.map((phase) => (
        <PhaseView key={phase.id} phase={phase} />
      ))}
    </section>
  );
}

function PhaseView({ phase }: { phase: PhaseResult }) {
  const titleId = useId();
  return (
    <section className="check-phase" aria-labelledby={titleId} data-phase={phase.id}>
      <h4 id={titleId} className={`status-${phase.status}`}>
        <span className="status-mark" aria-hidden="true">
          {statusMark[phase.status]}
        </span>
        {phase.title} <span className="check-phase-status">{statusText[phase.status]}</span>
      </h4>
      {phase.skipReason && <p className="muted small">Skipped: {phase.skipReason}</p>}
      <ul className="check-rules" aria-label={`Rules of ${phase.title}`}>
        {phase.rules.map((rule) => (
          <RuleView key={rule.rule} rule={rule} />
        ))}
      </ul>
    </section>
  );
}

function RuleView({ rule }: { rule: RuleResult }) {
  const problem = rule.status === 'failed' || rule.status === 'warning';
  return (
    <li className={`check-rule status-${rule.status}`} data-rule={rule.rule} data-status={rule.status}>
      <details open={problem}>
        <summary>
          <span className="status-mark" aria-hidden="true">
            {statusMark[rule.status]}
          </span>
          <span className="check-rule-status">{statusText[rule.status]}</span>
          <span className="check-rule-title">{rule.title}</span>
          <code className="check-rule-id">{rule.rule}</code>
          <span className="badge" title="Severity">
            <span className="visually-hidden">severity </span>
            {rule.severity}
          </span>
        </summary>
        <div className="check-rule-body">
          {rule.skipReason && <p className="muted small">Skipped: {rule.skipReason}</p>}
          {rule.evidence.length > 0 && (
            <ul className="check-evidence" aria-label="Evidence">
              {rule.evidence.map((evidence, i) => (
                <li key={i}>
                  <p>{evidence.message}</p>
                  {evidence.request && (
                    <p className="mono small check-request">
                      {evidence.request}
                      {evidence.status !== undefined && ` → ${evidence.status}`}
                    </p>
                  )}
                  {evidence.excerpt && <pre className="code">{evidence.excerpt}</pre>}
                </li>
              ))}
            </ul>
          )}
          {rule.sources.length > 0 && (
            <p className="small check-sources">
              {rule.sources.length === 1 ? 'Source: ' : 'Sources: '}
              {rule.sources.map((source, i) => (
                <span key={source.url}>
                  {i > 0 && ' · '}
                  <a href={source.url} target="_blank" rel="noreferrer">
                    {source.title}
                  </a>
                </span>
              ))}
            </p>
          )}
        </div>
      </details>
    </li>
  );
}
