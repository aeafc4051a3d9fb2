import { useState, type FormEvent } from 'react';
import type { Config } from '../../api/client.ts';
import { useSectionDraft } from '../../api/config-store.ts';
import { ErrorBanner, Messages, SaveBar, issuesAt } from '../../components/forms.tsx';
import { formatInstant, useNow } from '../../components/time.ts';

type Ttls = Config['tokenTtlSeconds'];
type TtlName = keyof Ttls;

const units = [
  { name: 'days', seconds: 86400 },
  { name: 'h', seconds: 3600 },
  { name: 'min', seconds: 60 },
  { name: 's', seconds: 1 },
] as const;
type Unit = (typeof units)[number]['name'];

const day = 86400;
/** Labels and the engine's limits (mock-server/state/config-schema.ts), so bad values are caught while typing. */
const lifetimes: Array<{ name: TtlName; label: string; hint: string; maxSeconds: number }> = [
  {
    name: 'authorizationCode',
    label: 'Authorization code',
    hint: 'How long a sign-in code can be redeemed at the token endpoint.',
    maxSeconds: 3600,
  },
  {
    name: 'oauthAccessToken',
    label: 'OAuth access token',
    hint: 'expires_in of the token endpoint; Office refreshes after it.',
    maxSeconds: 366 * day,
  },
  {
    name: 'refreshToken',
    label: 'Refresh token',
    hint: 'How long the OAuth session can be renewed without signing in again.',
    maxSeconds: 10 * 366 * day,
  },
  {
    name: 'wopiAccessToken',
    label: 'WOPI access token',
    hint: 'Tokens in EcosystemUrl and GetNewAccessToken; AccessTokenExpiry follows it.',
    maxSeconds: 366 * day,
  },
];

interface Entry {
  amount: string;
  unit: Unit;
}
type Draft = Record<TtlName, Entry>;

/** The largest unit that states the value exactly: 36000 s → 10 h, 90 s → 90 s. */
function toEntry(seconds: number): Entry {
  const unit = units.find((u) => seconds % u.seconds === 0)!;
  return { amount: String(seconds / unit.seconds), unit: unit.name };
}

/** Seconds for an entry, or the reason it is not a valid lifetime. */
export function toSeconds(entry: Entry, maxSeconds: number): { seconds: number } | { error: string } {
  const text = entry.amount.trim();
  if (text === '') return { error: 'enter a lifetime' };
  if (!/^\d+(\.\d+)?$/.test(text)) return { error: 'must be a positive number' };
  const unit = units.find((u) => u.name === entry.unit)!;
  const seconds = Number(text) * unit.seconds;
  if (!Number.isInteger(seconds)) return { error: 'must come to a whole number of seconds' };
  if (seconds < 1) return { error: 'must be at least 1 second' };
  if (seconds > maxSeconds) return { error: `must be at most ${describe(maxSeconds)}` };
  return { seconds };
}

function describe(seconds: number): string {
  const { amount, unit } = toEntry(seconds);
  return `${amount} ${unit}`;
}

const selectTtls = (config: Config) => config.tokenTtlSeconds;
const applyTtls = (config: Config, tokenTtlSeconds: Ttls): Config => ({ ...config, tokenTtlSeconds });

export function TokenLifetimesScreen() {
  const section = useSectionDraft(selectTtls, applyTtls);
  /** The entries as typed here; only shown while the draft has unsaved edits. */
  const [edited, setEdited] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const [showErrors, setShowErrors] = useState(false);
  const now = useNow();
  const { draft, dirty } = section;

  // Follow the saved values (and changes made elsewhere) until the user edits here.
  const entries =
    dirty && edited ? edited : draft ? (Object.fromEntries(lifetimes.map((l) => [l.name, toEntry(draft[l.name])])) as Draft) : null;

  if (!entries || !draft) {
    return (
      <section className="screen" aria-labelledby="tokens-title">
        <h1 id="tokens-title">Token lifetimes</h1>
        <p className="muted">Reading the config…</p>
      </section>
    );
  }

  const results = Object.fromEntries(lifetimes.map((l) => [l.name, toSeconds(entries[l.name], l.maxSeconds)])) as Record<
    TtlName,
    ReturnType<typeof toSeconds>
  >;
  const valid = lifetimes.every((l) => 'seconds' in results[l.name]);

  const change = (name: TtlName, entry: Entry) => {
    const next = { ...entries, [name]: entry };
    setEdited(next);
    setSaved(false);
    const seconds = Object.fromEntries(lifetimes.map((l) => [l.name, toSeconds(next[l.name], l.maxSeconds)]));
    // The draft holds the last valid value of each; an invalid entry blocks saving instead.
    section.setDraft(
      Object.fromEntries(
        lifetimes.map((l) => [l.name, 'seconds' in seconds[l.name]! ? (seconds[l.name] as { seconds: number }).seconds : draft[l.name]]),
      ) as Ttls,
    );
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid) {
      setShowErrors(true);
      return;
    }
    setSaved(await section.save());
    setShowErrors(false);
  };

  const wopi = results.wopiAccessToken;
  // The engine signs expiry in whole seconds: issued-at second + lifetime, sent in milliseconds.
  const expiryMs = 'seconds' in wopi ? (Math.floor(now / 1000) + wopi.seconds) * 1000 : null;

  return (
    <section className="screen" aria-labelledby="tokens-title">
      <header className="screen-header">
        <h1 id="tokens-title">Token lifetimes</h1>
        <p>How long each token the host issues stays valid. New values apply to tokens issued from the next request on.</p>
      </header>
      <form onSubmit={(event) => void onSubmit(event)} noValidate>
        <ErrorBanner error={section.error} shownPaths={lifetimes.map((l) => `$.tokenTtlSeconds.${l.name}`)} />
        <div className="card">
          {lifetimes.map((lifetime) => {
            const entry = entries[lifetime.name];
            const result = results[lifetime.name];
            const server = issuesAt(`$.tokenTtlSeconds.${lifetime.name}`, section.error);
            const errors = [...('error' in result && (showErrors || entry.amount !== '') ? [result.error] : []), ...server.errors];
            const inputId = `ttl-${lifetime.name}`;
            return (
              <div className="field ttl-row" key={lifetime.name}>
                <label htmlFor={inputId}>{lifetime.label}</label>
                <div className="row">
                  <input
                    id={inputId}
                    type="text"
                    inputMode="decimal"
                    style={{ width: 120 }}
                    value={entry.amount}
                    data-path={`$.tokenTtlSeconds.${lifetime.name}`}
                    aria-invalid={errors.length > 0 ? true : undefined}
                    aria-describedby={`${inputId}-messages`}
                    onChange={(event) => change(lifetime.name, { ...entry, amount: event.target.value })}
                  />
                  <select
                    aria-label={`${lifetime.label} unit`}
                    value={entry.unit}
                    onChange={(event) => change(lifetime.name, { ...entry, unit: event.target.value as Unit })}
                  >
                    {units.map((u) => (
                      <option key={u.name} value={u.name}>
                        {u.name}
                      </option>
                    ))}
                  </select>
                  <span className="muted small" data-testid={`${lifetime.name}-seconds`}>
                    {'seconds' in result ? `= ${result.seconds.toLocaleString()} s` : ''}
                  </span>
                </div>
                <Messages id={`${inputId}-messages`} errors={errors} hint={lifetime.hint} />
              </div>
            );
          })}
        </div>
        <section className="card" aria-labelledby="expiry-title" style={{ marginTop: 16 }}>
          <h2 id="expiry-title">A WOPI token issued now</h2>
          {expiryMs !== null ? (
            <dl className="kv">
              <dt>AccessTokenExpiry</dt>
              <dd className="mono" data-testid="access-token-expiry">
                {expiryMs}
              </dd>
              <dt>That is</dt>
              <dd data-testid="access-token-expiry-date">
                {formatInstant(expiryMs)} ({new Date(expiryMs).toISOString()})
              </dd>
            </dl>
          ) : (
            <p className="muted">Enter a valid WOPI access token lifetime.</p>
          )}
          <p className="hint" style={{ marginTop: 8 }}>
            Milliseconds since the epoch, as GetNewAccessToken's <code>AccessTokenExpiry</code> carries it (the spec's unit; WopiHost sends
            seconds). Tokens minted from a WOPI token (child URLs) keep their parent's expiry.
          </p>
        </section>
        <SaveBar
          dirty={dirty}
          saving={section.saving}
          changedElsewhere={section.changedElsewhere}
          saved={saved}
          onDiscard={section.discard}
        />
      </form>
    </section>
  );
}
