import { useId, useState, type ReactNode } from 'react';
import type { AdminApiError, Config } from '../../api/client.ts';
import { CheckboxField, Messages, issuesAt } from '../../components/forms.tsx';
import { formatInstant, useNow } from '../../components/time.ts';

/** The part of the config this section edits: how sign-ins and refreshes behave, the host's clock, and WOPI call throttling. */
export interface SessionSettings {
  refreshTokens: Config['oauth']['refreshTokens'];
  requirePkce: boolean;
  strict: boolean;
  clockOffsetSeconds: number;
  wopi: Config['wopi'];
}

export const selectSession = (config: Config): SessionSettings => ({
  refreshTokens: config.oauth.refreshTokens,
  requirePkce: config.oauth.requirePkce,
  strict: config.oauth.strict,
  clockOffsetSeconds: config.clockOffsetSeconds,
  wopi: config.wopi,
});

/** Only these oauth fields change: the client id, secret and redirect URIs belong to the Provider screen. */
export const applySession = (config: Config, section: SessionSettings): Config => ({
  ...config,
  oauth: { ...config.oauth, refreshTokens: section.refreshTokens, requirePkce: section.requirePkce, strict: section.strict },
  clockOffsetSeconds: section.clockOffsetSeconds,
  wopi: section.wopi,
});

export const sessionFieldPaths = [
  '$.oauth.refreshTokens.rotate',
  '$.oauth.refreshTokens.reuse',
  '$.oauth.refreshTokens.graceSeconds',
  '$.oauth.refreshTokens.omitOnRefresh',
  '$.oauth.refreshTokens.absoluteLifetimeSeconds',
  '$.oauth.requirePkce',
  '$.oauth.strict',
  '$.clockOffsetSeconds',
  '$.wopi.requestedCallThrottling',
];

type Reuse = SessionSettings['refreshTokens']['reuse'];
const reuseLabels: Record<Reuse, string> = {
  allow: 'Allow: the old token keeps working',
  reject: 'Reject: invalid_grant',
  revokeFamily: 'Revoke the family: every token of the sign-in dies',
};

type Throttling = NonNullable<Config['wopi']['requestedCallThrottling']>;
const throttlingLevels: readonly Throttling[] = ['Normal', 'Minor', 'Medium', 'Major', 'Critical'];

const hour = 3600;
const day = 24 * hour;

/**
 * OAuth (refresh-token policy, PKCE, strict readings), Time (the host's clock offset) and WOPI
 * (RequestedCallThrottling): the Host behaviour screen's settings for how a session ages and
 * what the client is asked to do. Saved with the rest of the screen.
 */
export function SessionBehaviour({
  draft,
  update,
  error,
}: {
  draft: SessionSettings;
  update: (change: Partial<SessionSettings>) => void;
  error: AdminApiError | null;
}) {
  const policy = draft.refreshTokens;
  const setPolicy = (change: Partial<SessionSettings['refreshTokens']>) => update({ refreshTokens: { ...policy, ...change } });
  const errorsAt = (path: string) => issuesAt(path, error).errors;

  return (
    <div className="grid-2" style={{ alignItems: 'start', marginTop: 16 }}>
      <section className="card" aria-labelledby="oauth-behaviour-title">
        <h2 id="oauth-behaviour-title">OAuth</h2>
        <CheckboxField
          label="Rotate refresh tokens"
          path="$.oauth.refreshTokens.rotate"
          checked={policy.rotate}
          onChange={(rotate) => setPolicy({ rotate })}
          hint="Each refresh issues a new refresh token. Off: the answer hands back the one presented."
          errors={errorsAt('$.oauth.refreshTokens.rotate')}
        />
        <SelectField
          label="A rotated refresh token presented again"
          path="$.oauth.refreshTokens.reuse"
          value={policy.reuse}
          options={(Object.keys(reuseLabels) as Reuse[]).map((value) => ({ value, label: reuseLabels[value] }))}
          onChange={(reuse) => setPolicy({ reuse: reuse as Reuse })}
          errors={errorsAt('$.oauth.refreshTokens.reuse')}
        />
        <WholeNumberField
          label="Grace period (seconds)"
          path="$.oauth.refreshTokens.graceSeconds"
          value={policy.graceSeconds}
          onChange={(graceSeconds) => setPolicy({ graceSeconds })}
          hint="A just-rotated token still works this long, whatever the setting above says (two requests racing)."
          errors={errorsAt('$.oauth.refreshTokens.graceSeconds')}
        />
        <CheckboxField
          label="Leave refresh_token out of a refresh's answer"
          path="$.oauth.refreshTokens.omitOnRefresh"
          checked={policy.omitOnRefresh}
          onChange={(omitOnRefresh) => setPolicy({ omitOnRefresh })}
          hint="The client has to keep the refresh token it has."
          errors={errorsAt('$.oauth.refreshTokens.omitOnRefresh')}
        />
        <WholeNumberField
          label="Sign-in lifetime (seconds, 0: none)"
          path="$.oauth.refreshTokens.absoluteLifetimeSeconds"
          value={policy.absoluteLifetimeSeconds}
          onChange={(absoluteLifetimeSeconds) => setPolicy({ absoluteLifetimeSeconds })}
          hint="That long after signing in, whatever the refreshes, access tokens end and refreshes get invalid_grant."
          errors={errorsAt('$.oauth.refreshTokens.absoluteLifetimeSeconds')}
        />
        <CheckboxField
          label="Require PKCE"
          path="$.oauth.requirePkce"
          checked={draft.requirePkce}
          onChange={(requirePkce) => update({ requirePkce })}
          hint="An authorization request without code_challenge is refused (RFC 7636). Office sends none; partner apps do."
          errors={errorsAt('$.oauth.requirePkce')}
        />
        <CheckboxField
          label="Strict OAuth"
          path="$.oauth.strict"
          checked={draft.strict}
          onChange={(strict) => update({ strict })}
          hint="Refuses the two lenient readings old clients rely on: a code redeemed without the redirect_uri its authorization request named, and an authorization request without response_type."
          errors={errorsAt('$.oauth.strict')}
        />
      </section>
      <div>
        <ClockSection offsetSeconds={draft.clockOffsetSeconds} update={update} errors={errorsAt('$.clockOffsetSeconds')} />
        <section className="card" aria-labelledby="wopi-behaviour-title" style={{ marginTop: 16 }}>
          <h2 id="wopi-behaviour-title">WOPI</h2>
          <SelectField
            label="RequestedCallThrottling"
            path="$.wopi.requestedCallThrottling"
            value={draft.wopi.requestedCallThrottling ?? ''}
            options={[{ value: '', label: 'Not sent' }, ...throttlingLevels.map((level) => ({ value: level, label: level }))]}
            onChange={(value) => {
              const { requestedCallThrottling: _dropped, ...rest } = draft.wopi;
              update({ wopi: value === '' ? rest : { ...rest, requestedCallThrottling: value as Throttling } });
            }}
            hint="What CheckFileInfo asks the client: how hard to back off its calls."
            errors={errorsAt('$.wopi.requestedCallThrottling')}
          />
        </section>
      </div>
    </div>
  );
}

function ClockSection({
  offsetSeconds,
  update,
  errors,
}: {
  offsetSeconds: number;
  update: (change: Partial<SessionSettings>) => void;
  errors: string[];
}) {
  const now = useNow(1000);
  const shift = (seconds: number) => update({ clockOffsetSeconds: offsetSeconds + seconds });
  return (
    <section className="card" aria-labelledby="time-behaviour-title">
      <h2 id="time-behaviour-title">Time</h2>
      <WholeNumberField
        label="Clock offset (seconds)"
        path="$.clockOffsetSeconds"
        value={offsetSeconds}
        onChange={(clockOffsetSeconds) => update({ clockOffsetSeconds })}
        hint="Moves the host's now: token iat and exp, AccessTokenExpiry, expiry checks and the Date header follow it. The log keeps real time."
        errors={errors}
        trailing={
          <span className="row" style={{ gap: 4 }}>
            <button type="button" className="small" onClick={() => shift(-day)}>
              −1 day
            </button>
            <button type="button" className="small" onClick={() => shift(-hour)}>
              −1 h
            </button>
            <button type="button" className="small" onClick={() => shift(hour)}>
              +1 h
            </button>
            <button type="button" className="small" onClick={() => shift(day)}>
              +1 day
            </button>
            <button type="button" className="small" disabled={offsetSeconds === 0} onClick={() => update({ clockOffsetSeconds: 0 })}>
              No offset
            </button>
          </span>
        }
      />
      <p className="small" data-testid="host-now">
        The host&rsquo;s now: <span className="mono">{formatInstant(now + offsetSeconds * 1000)}</span> ({describeOffset(offsetSeconds)})
      </p>
    </section>
  );
}

/** "2 d 3 h ahead", "1 h behind", "the real time". */
export function describeOffset(seconds: number): string {
  if (seconds === 0) return 'the real time';
  const size = Math.abs(seconds);
  const parts = [
    [Math.floor(size / day), 'd'],
    [Math.floor((size % day) / hour), 'h'],
    [Math.floor((size % hour) / 60), 'min'],
    [size % 60, 's'],
  ] as const;
  const text = parts
    .filter(([amount]) => amount > 0)
    .map(([amount, unit]) => `${amount} ${unit}`)
    .join(' ');
  return `${text} ${seconds > 0 ? 'ahead' : 'behind'}`;
}

function SelectField({
  label,
  path,
  value,
  options,
  onChange,
  hint,
  errors = [],
}: {
  label: string;
  path: string;
  value: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  onChange: (value: string) => void;
  hint?: ReactNode;
  errors?: string[];
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        data-path={path}
        aria-describedby={`${id}-messages`}
        aria-invalid={errors.length > 0 ? true : undefined}
        onChange={(event) => onChange(event.target.value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <Messages id={`${id}-messages`} errors={errors} hint={hint} />
    </div>
  );
}

/** A whole number typed as text: what is typed stays as typed, and only a whole number reaches the draft. */
function WholeNumberField({
  label,
  path,
  value,
  onChange,
  hint,
  errors = [],
  trailing,
}: {
  label: string;
  path: string;
  value: number;
  onChange: (value: number) => void;
  hint?: ReactNode;
  errors?: string[];
  trailing?: ReactNode;
}) {
  const id = useId();
  const [text, setText] = useState(String(value));
  const [seen, setSeen] = useState(value);
  // A value changed from outside (a quick button, Discard, the engine) replaces what was typed.
  if (value !== seen) {
    setSeen(value);
    if (parseWhole(text) !== value) setText(String(value));
  }
  const problem = parseWhole(text) === null ? 'enter a whole number' : null;
  const shown = [...(problem ? [problem] : []), ...errors];
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="row" style={{ flexWrap: 'wrap' }}>
        <input
          id={id}
          type="text"
          inputMode="numeric"
          value={text}
          data-path={path}
          style={{ width: '10em' }}
          aria-describedby={`${id}-messages`}
          aria-invalid={shown.length > 0 ? true : undefined}
          onChange={(event) => {
            setText(event.target.value);
            const parsed = parseWhole(event.target.value);
            if (parsed !== null) {
              setSeen(parsed);
              onChange(parsed);
            }
          }}
        />
        {trailing}
      </div>
      <Messages id={`${id}-messages`} errors={shown} hint={hint} />
    </div>
  );
}

function parseWhole(text: string): number | null {
  return /^\s*[-+]?\d+\s*$/.test(text) ? Number(text) : null;
}
