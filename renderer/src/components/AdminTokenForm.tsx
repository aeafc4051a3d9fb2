import { useEffect, useId, useState, type FormEvent } from 'react';
import { adminTokenAccepted, setAdminToken, tokenFromPaste } from '../api/client.ts';

/**
 * The page shown when the UI was opened without its `#token=…` (a bookmark, the address typed by
 * hand): paste the admin token, or the whole admin URL the host printed, and the UI opens. The
 * token is checked with the engine first and then kept like a token from the URL.
 */
export function AdminTokenForm({ onAccepted }: { onAccepted: () => void }) {
  const [text, setText] = useState('');
  const [checking, setChecking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();

  useEffect(() => {
    document.title = 'Admin token · WOPI Mock Host';
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const token = tokenFromPaste(text);
    if (token === '') {
      setProblem('Paste the admin token or the admin URL first.');
      return;
    }
    setChecking(true);
    setProblem(null);
    try {
      if (await adminTokenAccepted(token)) {
        setAdminToken(token);
        onAccepted();
        return;
      }
      setProblem('The host refused this token. A host started again without --admin-token has a new one: paste its new admin URL.');
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
    setChecking(false);
  };

  return (
    <main className="token-page">
      <section className="card token-card" aria-labelledby={`${id}-title`}>
        <div className="brand token-brand">
          <span className="brand-mark" aria-hidden="true">
            W
          </span>
          <span>WOPI Mock Host</span>
        </div>
        <h1 id={`${id}-title`}>Admin token</h1>
        <p className="muted">
          This page was opened without its admin token. The host printed its admin URL when it started (“Desktop UI”, ending in{' '}
          <code>#token=…</code>); paste that URL or the token itself.
        </p>
        <form onSubmit={(event) => void submit(event)} noValidate>
          <div className="field">
            <label htmlFor={`${id}-token`}>Admin token or admin URL</label>
            <input
              id={`${id}-token`}
              type="password"
              className="mono"
              autoComplete="off"
              spellCheck={false}
              value={text}
              aria-invalid={problem !== null || undefined}
              aria-describedby={`${id}-messages`}
              onChange={(event) => setText(event.target.value)}
            />
            <div id={`${id}-messages`}>
              {problem !== null && (
                <p className="field-error" role="alert">
                  {problem}
                </p>
              )}
            </div>
          </div>
          <div className="actions">
            <button type="submit" className="primary" disabled={checking}>
              {checking ? 'Checking…' : 'Open'}
            </button>
          </div>
        </form>
      </section>
    </main>
  );
}
