import { useState } from 'react';
import { dateTime, formatBytes, formatSpan } from '../log/format.ts';
import { AnotherEditor } from './AnotherEditor.tsx';
import { errorMessage, filesApi, type FileNode } from './files-api.ts';

/** One file: size, version, lock, and download, clear-lock and delete (asked twice). */
export function FileRow({ file, now }: { file: FileNode; now: number }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A change shows up through the engine's `files` event (FilesScreen), not a re-read here.
  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };
  const expiresAt = file.lock ? Date.parse(file.lock.expiresAt) : null;
  const locked = file.lock !== null && expiresAt !== null && expiresAt > now;

  return (
    <tr data-file-id={file.id} aria-label={file.name}>
      <th scope="row" className="file-name">
        {file.name}
        {error !== null && (
          <span className="field-error" role="alert">
            {error}
          </span>
        )}
      </th>
      <td className="num">{formatBytes(file.size)}</td>
      <td className="num mono">{file.version}</td>
      <td className="small">{dateTime(Date.parse(file.lastModifiedTime))}</td>
      <td className="lock-cell">
        {locked ? (
          <>
            <span className="badge badge-warn">locked</span>
            <span className="small muted"> expires in {formatSpan(expiresAt - now)}</span>
            <span className="mono small lock-id" title={`Lock id: ${file.lock!.id}`}>
              {file.lock!.id}
            </span>
          </>
        ) : (
          <span className="muted small">unlocked</span>
        )}
      </td>
      <td className="actions">
        {locked && (
          <button
            type="button"
            className="small"
            onClick={() => void act(() => filesApi.clearLock(file.id))}
            aria-label={`Clear lock on ${file.name}`}
          >
            Clear lock
          </button>
        )}
        <button
          type="button"
          className="small"
          onClick={() => void act(() => filesApi.download(file))}
          aria-label={`Download ${file.name}`}
        >
          Download
        </button>
        {confirming ? (
          <>
            <button
              type="button"
              className="small danger"
              onClick={() => void act(() => filesApi.remove(file.id))}
              aria-label={`Confirm deleting ${file.name}`}
            >
              Confirm deleting
            </button>
            <button type="button" className="small" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" className="small danger" onClick={() => setConfirming(true)} aria-label={`Delete ${file.name}`}>
            Delete
          </button>
        )}
        <AnotherEditor file={file} />
      </td>
    </tr>
  );
}
