import { useCallback, useEffect, useState } from 'react';
import { StreamEvent, subscribeLive } from '../../api/live.ts';
import { useNow } from '../../components/time.ts';
import { ContainerView } from './ContainerView.tsx';
import { errorMessage, filesApi, type ContainerNode, type UserTree } from './files-api.ts';
import './files.css';

/**
 * Every user's containers and files as WOPI clients see them: upload (picker or drop), download,
 * delete, and see or clear locks. The engine's `files` event (a change by any client or by this
 * screen) is what re-reads the trees; so does a stream that comes back, and the moment a shown lock
 * runs out (a RefreshLock moves the expiry without a `files` event).
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
        (error: unknown) => setLoadError(errorMessage(error)),
      ),
    [],
  );

  useEffect(() => {
    void reload();
    return subscribeLive((event) => {
      if (event.type === StreamEvent.Files || event.type === 'reconnected') void reload();
    });
  }, [reload]);
  useReloadWhenALockRunsOut(trees, reload);

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
          <ContainerView userId={tree.userId} container={tree.root} depth={0} now={now} />
        </article>
      ))}
    </section>
  );
}

/** The earliest lock expiry still ahead in the trees, or null when no lock holds. */
function nextLockExpiry(trees: UserTree[]): number | null {
  let next: number | null = null;
  const visit = (container: ContainerNode) => {
    for (const file of container.files) {
      const expiresAt = file.lock ? Date.parse(file.lock.expiresAt) : NaN;
      if (expiresAt > Date.now() && (next === null || expiresAt < next)) next = expiresAt;
    }
    container.containers.forEach(visit);
  };
  trees.forEach((tree) => visit(tree.root));
  return next;
}

/** Re-reads once when the first shown lock expires: it may have been refreshed meanwhile. */
function useReloadWhenALockRunsOut(trees: UserTree[] | null, reload: () => Promise<void>): void {
  useEffect(() => {
    const expiry = trees ? nextLockExpiry(trees) : null;
    if (expiry === null) return;
    // setTimeout takes at most 2^31-1 ms; a later expiry is looked at again after that.
    const timer = setTimeout(() => void reload(), Math.min(expiry - Date.now() + 250, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [trees, reload]);
}
