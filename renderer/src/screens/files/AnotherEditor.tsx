import { useId, useState } from 'react';
import { errorMessage, filesApi, type AnotherEditorAction, type AnotherEditorResult, type FileNode } from './files-api.ts';

/** The actions `POST /api/files/:fileId/another-editor` takes (mock-server/storage/another-editor.ts). */
const actionLabels: Record<AnotherEditorAction, string> = {
  lock: 'take the lock',
  refreshLock: 'refresh its lock',
  write: 'write a new version',
};
const actionsInOrder = Object.keys(actionLabels) as AnotherEditorAction[];

/**
 * Another session acting on the file between the client's own calls, on demand: the client's next
 * PutFile then meets the protocol's 409 with the other lock, or sees the version move.
 */
export function AnotherEditor({ file }: { file: FileNode }) {
  const [action, setAction] = useState<AnotherEditorAction>('lock');
  const [state, setState] = useState<{ busy: boolean; done: AnotherEditorResult | null; problem: string | null }>({
    busy: false,
    done: null,
    problem: null,
  });
  const selectId = useId();

  const act = async () => {
    setState({ busy: true, done: null, problem: null });
    try {
      setState({ busy: false, done: await filesApi.anotherEditor(file.id, action), problem: null });
    } catch (error) {
      setState({ busy: false, done: null, problem: errorMessage(error) });
    }
  };

  return (
    <span className="another-editor">
      <label htmlFor={selectId} className="small">
        Another editor:
      </label>{' '}
      <select
        id={selectId}
        className="small"
        value={action}
        onChange={(event) => setAction(event.target.value as AnotherEditorAction)}
        aria-label={`Another editor action on ${file.name}`}
      >
        {actionsInOrder.map((each) => (
          <option key={each} value={each}>
            {actionLabels[each]}
          </option>
        ))}
      </select>{' '}
      <button
        type="button"
        className="small"
        disabled={state.busy}
        onClick={() => void act()}
        aria-label={`Act as another editor on ${file.name}`}
      >
        Act
      </button>{' '}
      <span role="status" className="small muted" data-testid="another-editor-status">
        {state.done && describe(state.done)}
      </span>
      {state.problem && (
        <span className="field-error" role="alert">
          {state.problem}
        </span>
      )}
    </span>
  );
}

function describe(result: AnotherEditorResult) {
  const done = result.action === 'write' ? `Another editor wrote version ${result.version}` : `Another editor holds lock`;
  return (
    <>
      {done}
      {result.action !== 'write' && result.lock && (
        <>
          {' '}
          <span className="mono" data-testid="another-editor-lock">
            {result.lock.id}
          </span>
        </>
      )}
      .
    </>
  );
}
