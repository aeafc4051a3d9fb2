import { Router, type Request, type Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Store } from '../state/store.js';
import {
  TooLargeError,
  type ContainerRecord,
  type FileChange,
  type FileRecord,
  type FileStore,
  type StoreFailure,
} from '../storage/file-store.js';
import { nameProblem } from '../protocol/file-names.js';
import { deny } from './guard.js';
import { receivedActivitiesOf } from '../log/received-activities.js';
import type { ContainerNode, FileActivities, FileNode, FilesEvent, FileTrees, UserTree } from './contract.js';

/**
 * The Files screen's admin routes: every user's tree with sizes, versions and locks; upload,
 * download and delete a file; clear a lock. Documented in docs/admin-api.md ("Files").
 * Mounted ahead of the admin app's JSON parser, so an upload's body reaches us untouched.
 */

export function fileNode(files: FileStore, file: FileRecord): FileNode {
  const lock = files.lockOf(file);
  return {
    kind: 'file',
    id: file.id,
    name: file.name,
    size: file.size,
    version: String(file.version),
    lastModifiedTime: file.lastModifiedTime,
    lock: lock ? { id: lock.id, expiresAt: new Date(lock.expiresAt).toISOString() } : null,
  };
}

function containerNode(files: FileStore, container: ContainerRecord, depth = 0): ContainerNode {
  const children = files.children(container.id);
  return {
    kind: 'container',
    id: container.id,
    name: container.name,
    createdAt: container.createdAt,
    containers: depth > 100 ? [] : children.containers.map((c) => containerNode(files, c, depth + 1)),
    files: children.files.map((f) => fileNode(files, f)),
  };
}

export function userTrees(files: FileStore, store: Store): UserTree[] {
  const configured = store.config.users.map((u) => u.id);
  const ids = [...configured, ...files.owners().filter((id) => !configured.includes(id))];
  return ids.flatMap((userId) => {
    const root = files.rootOf(userId);
    return root ? [{ userId, configured: store.findUser(userId) !== undefined, root: containerNode(files, root) }] : [];
  });
}

/**
 * Coalesces file-store changes into at most one `files` event per interval, naming the users
 * whose trees changed: a burst of saves must not flood the stream.
 */
export function subscribeFileChanges(files: FileStore, send: (event: FilesEvent) => void, intervalMs = 250): () => void {
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  const onChange = (change: FileChange) => {
    pending.add(change.userId);
    timer ??= setTimeout(() => {
      const userIds = [...pending];
      pending = new Set();
      timer = null;
      send({ userIds });
    }, intervalMs);
  };
  files.on('changed', onChange);
  return () => {
    files.off('changed', onChange);
    if (timer) clearTimeout(timer);
  };
}

const failureStatus: Record<StoreFailure['kind'], number> = {
  'not-found': 404,
  'lock-conflict': 409,
  'name-conflict': 409,
  'invalid-name': 400,
  'not-empty': 409,
  root: 409,
};

function refuse(res: Response, failure: StoreFailure): void {
  const message =
    failure.kind === 'lock-conflict'
      ? `${failure.reason}; clear the lock first (DELETE /api/files/<id>/lock)`
      : failure.kind === 'name-conflict'
        ? `a file named "${failure.name}" exists already; add overwrite=true to replace it`
        : failure.kind === 'invalid-name'
          ? `"${failure.name}" cannot be used: ${failure.reason}`
          : failure.detail;
  deny(res, failureStatus[failure.kind], message);
}

/** Registers the routes; returns how the admin stream subscribes to `files` events. */
export function registerFileRoutes(
  app: { use(router: Router): unknown },
  deps: { files: FileStore; store: Store },
): (send: (event: FilesEvent) => void) => () => void {
  const { files, store } = deps;
  const router = Router();

  router.get('/api/files', (_req, res) => void res.json({ users: userTrees(files, store) } satisfies FileTrees));

  router.get('/api/files/:fileId/content', async (req, res) => {
    const opened = await files.openContent(String(req.params['fileId']), null);
    if (!opened) return deny(res, 404, `no file ${String(req.params['fileId'])}`);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(opened.record.size));
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(opened.record.name)}`);
    await pipeline(opened.stream, res);
  });

  // What WOPI clients sent with AddActivities for the file, oldest first (http/activities.ts).
  router.get('/api/files/:fileId/activities', (req, res) => {
    const fileId = String(req.params['fileId']);
    if (!files.getOwned('file', fileId, null)) return deny(res, 404, `no file ${fileId}`);
    res.json({ fileId, activities: receivedActivitiesOf(files).list(fileId) } satisfies FileActivities);
  });

  router.put('/api/users/:userId/containers/:containerId/files', async (req: Request, res) => {
    const userId = String(req.params['userId']);
    const containerId = String(req.params['containerId']);
    const name = req.query['name'];
    const overwrite = req.query['overwrite'];
    if (typeof name !== 'string') return deny(res, 400, 'give the file name as ?name=<name>');
    const problem = nameProblem(name);
    if (problem) return deny(res, 400, `"${name}" cannot be used: ${problem}`);
    if (overwrite !== undefined && overwrite !== 'true' && overwrite !== 'false') return deny(res, 400, 'overwrite must be true or false');
    const container = files.getOwned('container', containerId, userId);
    if (!container) return deny(res, 404, `user "${userId}" has no container ${containerId}`);
    const limit = store.config.maxFileSizeBytes;
    if (Number(req.headers['content-length']) > limit)
      return deny(res.setHeader('Connection', 'close'), 413, `the body is larger than the ${limit}-byte limit (maxFileSizeBytes)`);
    let staged;
    try {
      staged = await files.stage(req.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>, limit);
    } catch (error) {
      if (error instanceof TooLargeError)
        return void res
          .setHeader('Connection', 'close')
          .status(413)
          .json({ errors: [{ path: '$', message: error.message }] });
      throw error;
    }
    const result = await files.commands.createFile(container.id, userId, { mode: 'exact', name, overwrite: overwrite === 'true' }, staged);
    if (!result.ok) return refuse(res, result.failure);
    res.status(result.value.replaced ? 200 : 201).json(fileNode(files, result.value.file));
  });

  // The admin is the authority here: a locked file is deleted all the same.
  router.delete('/api/files/:fileId', async (req, res) => {
    const result = await files.commands.deleteFile(String(req.params['fileId']), null, { force: true });
    if (!result.ok) return refuse(res, result.failure);
    res.status(204).end();
  });

  router.delete('/api/files/:fileId/lock', async (req, res) => {
    const result = await files.changeLock(String(req.params['fileId']), null, () => ({ ok: true, lock: null }));
    if (!result.ok) return refuse(res, result.failure);
    res.json(fileNode(files, result.value));
  });

  app.use(router);
  return (send) => subscribeFileChanges(files, send);
}
