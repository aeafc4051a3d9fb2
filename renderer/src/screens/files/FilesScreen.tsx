import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { AdminApiError } from '../../api/client.ts';
import { StreamEvent, subscribeLive } from '../../api/live.ts';
import { logStore, useLogVersion } from '../../model/live-log.ts';
import { dateTime, formatBytes, formatSpan } from '../log/format.ts';
import { filesApi, type ContainerNode, type FileNode, type UserTree } from './files-api.ts';
import './files.css';

/** WOPI operations after which some user's files, containers or locks may look different. */
const changingOperations = new Set<string>([
  'PutFile',
  'Lock',
  'Unlock',
  'RefreshLock',
  'UnlockAndRelock',
  'PutRelativeFile',
  'RenameFile',
  'DeleteFile',
  'CreateChildFile',
  'CreateChildContainer',
  'DeleteContainer',
  'RenameContainer',
  'GetRootContainer',
  'GetRootContainer(bootstrapper)',
]);

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Every user's containers and files as WOPI clients see them: upload (picker or drop), download,
 * delete, and see or clear locks. Re-reads the tree on the engine's `files` event, when the traffic
 * changed files (a WOPI write in the live log), after each action here, and every 15 s as a floor.
 */
export function FilesScreen() {
  const [trees, setTrees] = useState<UserTree[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const now = useNow();

  // The state is set when the answer arrives, never while the effect below runs.
  const reload = useCallback(
    () =>
      filesApi.trees().then(
        (next) => {
          setTrees(next);
          setLoadError(null);
        },
        (error: unknown) => setLoadError(message(error)),
      ),
    [],
  );

  useEffect(() => {
    void reload();
    const timer = setInterval(() => void reload(), 15_000);
    // The engine's `files` event (changes from any client, lock expiry included), once the shared
    // stream passes it on; until then the traffic watch below and the timer cover it.
    const unsubscribe = subscribeLive((event) => {
      if (event.type === StreamEvent.Files) void reload();
    });
    return () => {
      clearInterval(timer);
      unsubscribe();
    };
  }, [reload]);
  useReloadOnFileTraffic(reload);

  return (
    <section className="screen files-screen" aria-labelledby="files-title">
      <header className="row">
        <div>
          <h1 id="files-title">Files</h1>
          <p className="muted">Each mock user’s documents, as WOPI clients see them. Drop files on a folder to upload them there.</p>
        </div>
        <span className="spacer" />
        <button type="button" onClick={() => void reload()}>
          Refresh
        </button>
      </header>
      {loadError !== null && (
        <p className="banner banner-error" role="alert">
          The files could not be read: {loadError}
        </p>
      )}
      {trees === null && loadError === null && <p className="muted">Loading…</p>}
      {trees?.length === 0 && <p className="muted">No user has files yet: a user’s folder is created when they first browse.</p>}
      {trees?.map((tree) => (
        <article key={tree.userId} className="card user-files" aria-label={`Files of ${tree.userId}`}>
          <h2>
            {tree.userId}
            {!tree.configured && <span className="badge badge-warn">removed from the config</span>}
          </h2>
          <ContainerView userId={tree.userId} container={tree.root} depth={0} now={now} onChanged={reload} />
        </article>
      ))}
    </section>
  );
}

/** Re-reads once, at most every 300 ms, after live log entries of operations that change files. */
function useReloadOnFileTraffic(reload: () => Promise<void>): void {
  const version = useLogVersion();
  const seen = useRef(logStore.lastSeq);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    let changed = false;
    for (let i = logStore.indexAfter(seen.current); i < logStore.size; i++) {
      const entry = logStore.at(i)!;
      if (changingOperations.has(entry.operation) && entry.status >= 200 && entry.status < 300) changed = true;
    }
    seen.current = logStore.lastSeq;
    if (!changed || pending.current !== null) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void reload();
    }, 300);
  }, [version, reload]);
  useEffect(
    () => () => {
      if (pending.current !== null) clearTimeout(pending.current);
    },
    [],
  );
}

function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

interface ContainerViewProps {
  userId: string;
  container: ContainerNode;
  depth: number;
  now: number;
  onChanged: () => Promise<void>;
}

function ContainerView({ userId, container, depth, now, onChanged }: ContainerViewProps) {
  const [dragging, setDragging] = useState(false);
  const [status, setStatus] = useState<{ error?: string; conflict?: File; busy?: string } | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const label = `${container.name} (${userId})`;

  const upload = async (files: File[], overwrite = false) => {
    for (const file of files) {
      setStatus({ busy: `Uploading ${file.name}…` });
      try {
        await filesApi.upload(userId, container.id, file, overwrite);
      } catch (error) {
        const conflict = error instanceof AdminApiError && error.status === 409 && /exists already/.test(error.message);
        setStatus({ error: message(error), ...(conflict ? { conflict: file } : {}) });
        await onChanged();
        return;
      }
    }
    setStatus(null);
    await onChanged();
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    event.stopPropagation();
    setDragging(false);
    const files = [...event.dataTransfer.files];
    if (files.length > 0) void upload(files);
  };

  return (
    <section
      className={`container-view${dragging ? ' dragging' : ''}${depth > 0 ? ' nested' : ''}`}
      aria-label={`Folder ${label}`}
      data-testid="drop-zone"
      onDragEnter={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          e.stopPropagation();
          setDragging(true);
        }
      }}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          e.stopPropagation();
          e.dataTransfer.dropEffect = 'copy';
        }
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <div className="container-head">
        <svg className="folder-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M3 6.5A1.5 1.5 0 0 1 4.5 5h4.6l2 2h8.4A1.5 1.5 0 0 1 21 8.5v9A1.5 1.5 0 0 1 19.5 19h-15A1.5 1.5 0 0 1 3 17.5z" />
        </svg>
        <h3>{container.name}</h3>
        <span className="muted small">
          {container.files.length} {container.files.length === 1 ? 'file' : 'files'}
          {container.containers.length > 0 &&
            `, ${container.containers.length} ${container.containers.length === 1 ? 'folder' : 'folders'}`}
        </span>
        <span className="spacer" />
        <input
          ref={inputRef}
          type="file"
          multiple
          hidden
          aria-label={`Upload to ${label}`}
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            if (files.length > 0) void upload(files);
          }}
        />
        <button type="button" className="small" onClick={() => inputRef.current?.click()}>
          Upload…
        </button>
      </div>
      {status?.busy && (
        <p className="small muted" role="status">
          {status.busy}
        </p>
      )}
      {status?.error && (
        <div className="banner banner-error small" role="alert">
          {status.error}
          {status.conflict && (
            <>
              {' '}
              <button type="button" className="small" onClick={() => void upload([status.conflict!], true)}>
                Replace {status.conflict.name}
              </button>
            </>
          )}
        </div>
      )}
      {container.files.length > 0 ? (
        <table className="table files-table" aria-label={`Files in ${label}`}>
          <colgroup>
            <col />
            <col className="col-size" />
            <col className="col-version" />
            <col className="col-modified" />
            <col className="col-lock" />
            <col className="col-actions" />
          </colgroup>
          <thead>
            <tr>
              <th>Name</th>
              <th className="num">Size</th>
              <th className="num">Version</th>
              <th>Modified</th>
              <th>Lock</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {container.files.map((file) => (
              <FileRow key={file.id} file={file} now={now} onChanged={onChanged} />
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted small drop-hint">Empty. Drop files here or use Upload….</p>
      )}
      {container.containers.map((child) => (
        <ContainerView key={child.id} userId={userId} container={child} depth={depth + 1} now={now} onChanged={onChanged} />
      ))}
    </section>
  );
}

function FileRow({ file, now, onChanged }: { file: FileNode; now: number; onChanged: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      await onChanged();
    } catch (caught) {
      setError(message(caught));
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
            aria-label={`Clear the lock on ${file.name}`}
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
              Delete for good
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
      </td>
    </tr>
  );
}
