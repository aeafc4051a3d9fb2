import type {
  AnotherEditorAction,
  AnotherEditorResult,
  ContainerNode,
  FileNode,
  FileTrees,
  UserTree,
} from '../../../../mock-server/admin/contract.ts';
import { adminFetch, saveDownload } from '../../api/client.ts';

export type { AnotherEditorAction, AnotherEditorResult, ContainerNode, FileNode, UserTree };

/** The file admin routes (docs/admin-api.md, "Files"). */
export const filesApi = {
  trees: async () => ((await (await adminFetch('/api/files')).json()) as FileTrees).users,
  /** The raw bytes go as the body; the route never parses them, whatever their type. */
  upload: async (userId: string, containerId: string, file: File, overwrite = false) => {
    const query = new URLSearchParams({ name: file.name, ...(overwrite ? { overwrite: 'true' } : {}) });
    const response = await adminFetch(
      `/api/users/${encodeURIComponent(userId)}/containers/${encodeURIComponent(containerId)}/files?${query}`,
      { method: 'PUT', body: file },
    );
    return (await response.json()) as FileNode;
  },
  remove: async (fileId: string) => void (await adminFetch(`/api/files/${encodeURIComponent(fileId)}`, { method: 'DELETE' })),
  clearLock: async (fileId: string) =>
    (await (await adminFetch(`/api/files/${encodeURIComponent(fileId)}/lock`, { method: 'DELETE' })).json()) as FileNode,
  /** Another session takes or refreshes the file's lock, or saves a new version (docs/admin-api.md, "Another editor"). */
  anotherEditor: async (fileId: string, action: AnotherEditorAction) =>
    (await (
      await adminFetch(`/api/files/${encodeURIComponent(fileId)}/another-editor`, { method: 'POST', body: JSON.stringify({ action }) })
    ).json()) as AnotherEditorResult,
  download: async (file: FileNode) => {
    const response = await adminFetch(`/api/files/${encodeURIComponent(file.id)}/content`);
    saveDownload({ blob: await response.blob(), fileName: file.name }, file.name);
  },
};

/** What went wrong, as one line for a banner or a row. */
export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
