import { useState } from 'react';
import { AdminApiError } from '../../api/client.ts';

/**
 * A saved mode that status does not show, and the engine's reason when it gave one. "Try again"
 * saves the same settings through PUT /api/proxy, which opens what could not open at start (a
 * plain config save of unchanged settings leaves it alone, so other edits are never held up).
 */
export function NotRunningNotice({
  what,
  reasons,
  testId,
  onRetry,
}: {
  what: string;
  reasons: string[];
  testId: string;
  onRetry: () => Promise<unknown>;
}) {
  const [retrying, setRetrying] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const retry = async () => {
    setRetrying(true);
    setFailure(null);
    try {
      await onRetry();
    } catch (caught) {
      setFailure(caught instanceof AdminApiError ? caught.errors.map((e) => e.message).join('; ') : String(caught));
    } finally {
      setRetrying(false);
    }
  };
  return (
    <div className="banner banner-warn" role="note" data-testid={testId} style={{ marginBottom: 12 }}>
      <strong>{what} is configured but not running.</strong>{' '}
      {reasons.length > 0 ? (
        <ul>
          {reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : (
        'Try again once what kept it from starting is fixed.'
      )}
      <button type="button" onClick={() => void retry()} disabled={retrying}>
        {retrying ? 'Trying…' : 'Try again'}
      </button>
      {failure && (
        <p role="alert" data-testid={`${testId}-retry-failed`}>
          Still not running: {failure}
        </p>
      )}
    </div>
  );
}
