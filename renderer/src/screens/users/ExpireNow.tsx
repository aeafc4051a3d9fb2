import { useId, useState } from 'react';
import { AdminApiError, adminApi, type ExpirableKind, type UserTokensExpired } from '../../api/client.ts';
import { formatInstant } from '../../components/time.ts';

/** The kinds the engine's `POST /api/users/:id/expire` takes (mock-server/tokens/expire-now.ts), in its order. */
const expirableKindLabels: Record<ExpirableKind, string> = {
  access: 'OAuth access',
  refresh: 'Refresh',
  wopi: 'WOPI access',
};
const kindsInOrder = Object.keys(expirableKindLabels) as ExpirableKind[];

/**
 * "Expire now": the user's tokens of the ticked kinds count as expired from the next request on.
 * Unlike revoking, the refusal says expired, so a client is expected to refresh as at the natural expiry.
 */
export function ExpireNow({ userId }: { userId: string }) {
  const [kinds, setKinds] = useState<ReadonlySet<ExpirableKind>>(() => new Set(kindsInOrder));
  const [state, setState] = useState<{ busy: boolean; done: UserTokensExpired | null; problem: string | null }>({
    busy: false,
    done: null,
    problem: null,
  });
  const groupId = useId();

  const toggle = (kind: ExpirableKind, checked: boolean) => {
    const next = new Set(kinds);
    if (checked) next.add(kind);
    else next.delete(kind);
    setKinds(next);
  };
  const expire = async () => {
    setState({ busy: true, done: null, problem: null });
    try {
      const done = await adminApi.expireUserTokens(
        userId,
        kindsInOrder.filter((kind) => kinds.has(kind)),
      );
      setState({ busy: false, done, problem: null });
    } catch (error) {
      setState({ busy: false, done: null, problem: error instanceof AdminApiError ? error.message : String(error) });
    }
  };

  return (
    <fieldset className="expire-now row" aria-labelledby={`${groupId}-legend`}>
      <legend id={`${groupId}-legend`} className="small">
        Expire now
      </legend>
      {kindsInOrder.map((kind) => (
        <label key={kind} className="small">
          <input type="checkbox" checked={kinds.has(kind)} onChange={(event) => toggle(kind, event.target.checked)} />{' '}
          {expirableKindLabels[kind]}
        </label>
      ))}
      <button
        type="button"
        className="small"
        disabled={state.busy || kinds.size === 0}
        onClick={() => void expire()}
        aria-label={`Expire now for ${userId}`}
      >
        Expire now
      </button>
      <span role="status" className="small muted" data-testid="expire-now-status">
        {state.done
          ? `Expired ${state.done.kinds.length} ${state.done.kinds.length === 1 ? 'kind' : 'kinds'} (${state.done.kinds
              .map((kind) => expirableKindLabels[kind])
              .join(', ')}) at ${formatInstant(Date.parse(state.done.expiredAt))}: issued so far, refused as expired.`
          : ''}
      </span>
      {state.problem && (
        <span className="field-error" role="alert">
          {state.problem}
        </span>
      )}
    </fieldset>
  );
}
