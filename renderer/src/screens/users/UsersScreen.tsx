import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { AdminApiError, adminApi, type Config, type IssuedTokenInfo } from '../../api/client.ts';
import { useConfig, useSectionDraft } from '../../api/config-store.ts';
import { StreamEvent, subscribeLive } from '../../api/live.ts';
import { ErrorBanner, Messages, SaveBar, issuesAt } from '../../components/forms.tsx';
import { formatInstant, formatRemaining, useNow } from '../../components/time.ts';
import { ExpireNow } from './ExpireNow.tsx';

type MockUser = Config['users'][number];

const selectUsers = (config: Config) => config.users;
const applyUsers = (config: Config, users: MockUser[]): Config => ({ ...config, users });

/** The user fields, labelled as Bootstrap names them (UserId, SignInName, UserFriendlyName). */
const fields = [
  { key: 'id', label: 'ID' },
  { key: 'signInName', label: 'Sign-in name' },
  { key: 'friendlyName', label: 'Friendly name' },
] as const;

export function UsersScreen() {
  const section = useSectionDraft(selectUsers, applyUsers);
  const { config } = useConfig();
  const [saved, setSaved] = useState(false);
  /** The row whose first field takes focus once the edit that asked for it has rendered. */
  const focusRow = useRef<number | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const { draft, setDraft, error, warnings } = section;
  const savedIds = new Set(config?.users.map((u) => u.id) ?? []);

  // Adding and deleting change the draft, so a render follows; focus moves after it.
  useEffect(() => {
    if (focusRow.current === null) return;
    listRef.current?.children[focusRow.current]?.querySelector('input')?.focus();
    focusRow.current = null;
  });

  const edit = (users: MockUser[]) => {
    setDraft(users);
    setSaved(false);
  };
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(await section.save());
  };
  const shownPaths = draft ? ['$.users', ...draft.flatMap((_, i) => fields.map((f) => `$.users[${i}].${f.key}`))] : [];

  return (
    <section className="screen" aria-labelledby="users-title">
      <header className="screen-header">
        <h1 id="users-title">Users</h1>
        <p>
          The mock users the sign-in page offers. Removing a user or changing their ID invalidates every token issued to them; their files
          stay.
        </p>
      </header>
      {!draft && <p className="muted">Reading the config…</p>}
      {draft && (
        <form onSubmit={(event) => void onSubmit(event)} noValidate>
          <ErrorBanner error={error} shownPaths={shownPaths} />
          <Messages id="users-messages" {...issuesAt('$.users', error, warnings)} />
          <ol className="user-list" ref={listRef} aria-label="Mock users">
            {draft.map((user, index) => (
              <li key={index} className="card" aria-label={`User ${index + 1}${user.id ? `: ${user.id}` : ''}`}>
                <div className="user-fields">
                  {fields.map((field) => {
                    const issues = issuesAt(`$.users[${index}].${field.key}`, error, warnings);
                    const inputId = `user-${index}-${field.key}`;
                    return (
                      <div className="field" key={field.key}>
                        <label htmlFor={inputId}>{field.label}</label>
                        <input
                          id={inputId}
                          type="text"
                          value={user[field.key]}
                          spellCheck={false}
                          autoComplete="off"
                          className={field.key === 'id' ? 'mono' : undefined}
                          data-path={`$.users[${index}].${field.key}`}
                          aria-invalid={issues.errors.length > 0 ? true : undefined}
                          aria-describedby={`${inputId}-messages`}
                          onChange={(event) => edit(draft.map((u, i) => (i === index ? { ...u, [field.key]: event.target.value } : u)))}
                        />
                        <Messages id={`${inputId}-messages`} {...issues} />
                      </div>
                    );
                  })}
                  <div className="field user-remove">
                    <span className="label" aria-hidden="true">
                      &nbsp;
                    </span>
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Delete user ${user.id || index + 1}`}
                      onClick={() => {
                        edit(draft.filter((_, i) => i !== index));
                        focusRow.current = Math.max(0, Math.min(index, draft.length - 2));
                      }}
                    >
                      Delete
                    </button>
                  </div>
                </div>
                {savedIds.has(user.id) ? (
                  <UserTokens userId={user.id} />
                ) : (
                  <p className="hint">Not saved yet: save to let this user sign in.</p>
                )}
              </li>
            ))}
          </ol>
          <div className="actions" style={{ marginTop: 12 }}>
            <button
              type="button"
              onClick={() => {
                edit([...draft, { id: '', signInName: '', friendlyName: '' }]);
                focusRow.current = draft.length;
              }}
            >
              Add user
            </button>
          </div>
          <SaveBar
            dirty={section.dirty}
            saving={section.saving}
            changedElsewhere={section.changedElsewhere}
            saved={saved}
            onDiscard={section.discard}
          />
        </form>
      )}
    </section>
  );
}

const kindLabels: Record<IssuedTokenInfo['kind'], string> = {
  code: 'Authorization code',
  access: 'OAuth access',
  refresh: 'Refresh',
  wopi: 'WOPI access',
};

/** A user's live tokens, re-read when the engine says they changed, counting down to expiry. */
function UserTokens({ userId }: { userId: string }) {
  const [tokens, setTokens] = useState<IssuedTokenInfo[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [revokeState, setRevokeState] = useState<'idle' | 'revoking' | 'revoked'>('idle');
  const now = useNow();

  // The state is set when the answer arrives, never while the effect below runs.
  const load = useCallback(
    () =>
      adminApi.userTokens(userId).then(
        (next) => {
          setTokens(next);
          setProblem(null);
        },
        (error: unknown) => setProblem(error instanceof AdminApiError ? error.message : String(error)),
      ),
    [userId],
  );

  useEffect(() => {
    void load();
    return subscribeLive((event) => {
      if (
        ((event.type === StreamEvent.Tokens || event.type === StreamEvent.Revoked) && event.userId === userId) ||
        event.type === 'reconnected'
      )
        void load();
    });
  }, [load, userId]);

  const revoke = async () => {
    setRevokeState('revoking');
    try {
      await adminApi.revokeUser(userId);
      setRevokeState('revoked');
      await load();
    } catch (error) {
      setRevokeState('idle');
      setProblem(error instanceof AdminApiError ? error.message : String(error));
    }
  };

  const live = (tokens ?? []).filter((t) => t.expiresAt > now);
  const headingId = `tokens-${userId}`;
  return (
    <div className="user-tokens">
      <div className="row">
        <h2 id={headingId} style={{ margin: 0 }}>
          Live tokens of {userId} <span className="badge">{live.length}</span>
        </h2>
        <span className="spacer" />
        <span role="status" className="small muted">
          {revokeState === 'revoked' ? 'Revoked: every token issued so far is refused.' : ''}
        </span>
        <button
          type="button"
          className="small danger"
          disabled={revokeState === 'revoking'}
          onClick={() => void revoke()}
          aria-label={`Revoke tokens of ${userId}`}
        >
          Revoke tokens
        </button>
      </div>
      <ExpireNow userId={userId} />
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      {tokens && live.length === 0 && <p className="hint">No live tokens.</p>}
      {live.length > 0 && (
        <table className="table compact" aria-labelledby={headingId}>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">For</th>
              <th scope="col">Issued</th>
              <th scope="col">Expires</th>
              <th scope="col">Remaining</th>
            </tr>
          </thead>
          <tbody>
            {live.map((token) => (
              <tr key={token.jti} data-testid="live-token">
                <td>
                  {kindLabels[token.kind]}
                  {token.redeemedAt !== null && (
                    <span className="badge" style={{ marginLeft: 6 }}>
                      redeemed
                    </span>
                  )}
                </td>
                <td className="mono small">{token.scope ?? token.clientId ?? ''}</td>
                <td className="small">{formatInstant(token.issuedAt)}</td>
                <td className="small">{formatInstant(token.expiresAt)}</td>
                <td className="mono" data-testid="remaining">
                  {formatRemaining(token.expiresAt - now)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
