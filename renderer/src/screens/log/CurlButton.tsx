import { useState } from 'react';
import { adminApi } from '../../api/client.ts';

/** Copies the exchange as a curl command, or shows it to select when there is no clipboard. */
export function CurlButton({ seq }: { seq: number }) {
  const [result, setResult] = useState<{ seq: number; text: string; copied: boolean } | { seq: number; error: string } | null>(null);
  const shown = result?.seq === seq ? result : null;
  const copy = async () => {
    try {
      const text = (await adminApi.curl(seq)).trimEnd();
      let copied = false;
      try {
        await navigator.clipboard.writeText(text);
        copied = true;
      } catch {
        // No clipboard permission (e.g. an unfocused window): the command is shown to select instead.
      }
      setResult({ seq, text, copied });
    } catch (error) {
      setResult({ seq, error: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <>
      <button type="button" className="small" onClick={() => void copy()}>
        Copy as curl
      </button>
      {shown && (
        <div className="curl-result" role="status">
          {'error' in shown ? (
            <p className="field-error">Could not get the curl command: {shown.error}</p>
          ) : (
            <>
              <p className="small muted">
                {shown.copied ? 'Copied to the clipboard:' : 'The clipboard is not available; select the command:'}
              </p>
              <pre className="code" data-testid="curl-command">
                {shown.text}
              </pre>
            </>
          )}
        </div>
      )}
    </>
  );
}
