import { useRef, useState, type DragEvent } from 'react';
import { AdminApiError } from '../../api/client.ts';
import { FileRow } from './FileRow.tsx';
import { errorMessage, filesApi, type ContainerNode } from './files-api.ts';
import { plural } from '../../components/plural.ts';

interface ContainerViewProps {
  userId: string;
  container: ContainerNode;
  depth: number;
  now: number;
}

/** One folder: its files, its sub-folders, a drop zone and an upload button. */
export function ContainerView({ userId, container, depth, now }: ContainerViewProps) {
  const [dragging, setDragging] = useState(false);
  const [status, setStatus] = useState<{ error?: string; conflict?: File; busy?: string } | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const label = `${container.name} (${userId})`;

  // The tree is re-read on the engine's `files` event each upload causes (FilesScreen).
  const upload = async (files: File[], overwrite = false) => {
    for (const file of files) {
      setStatus({ busy: `Uploading ${file.name}…` });
      try {
        await filesApi.upload(userId, container.id, file, overwrite);
      } catch (error) {
        const conflict = error instanceof AdminApiError && error.status === 409 && /exists already/.test(error.message);
        setStatus({ error: errorMessage(error), ...(conflict ? { conflict: file } : {}) });
        return;
      }
    }
    setStatus(null);
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
          {plural(container.files.length, 'file')}
          {container.containers.length > 0 && `, ${plural(container.containers.length, 'folder')}`}
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
              <FileRow key={file.id} file={file} now={now} />
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted small drop-hint">Empty. Drop files here or use Upload….</p>
      )}
      {container.containers.map((child) => (
        <ContainerView key={child.id} userId={userId} container={child} depth={depth + 1} now={now} />
      ))}
    </section>
  );
}
