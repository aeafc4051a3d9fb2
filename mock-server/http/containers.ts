import { WopiHeader } from '../protocol/headers.js';
import type { ContainerRecord, ResourceRecord } from '../storage/file-store.js';
import type { Handler } from './call.js';
import type { HostContext } from './context.js';
import { resourceUrlWithToken } from './grants.js';
import { resourceUrl } from './urls.js';
import { requireResource } from './wopi-access.js';
import { officeSafeName } from './names.js';
import { badRequest } from '../errors.js';
import { nameTarget, requestedName, storeFailure } from './file-requests.js';
import { supportedShareUrlTypes } from '../protocol/share-url.js';

// Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/containers/checkcontainerinfo

/** CheckContainerInfo's body; also nested in GetRootContainer answers. */
export function containerInfo(_context: HostContext, container: ContainerRecord) {
  return {
    Name: officeSafeName(container.name),
    SupportedShareUrlTypes: [...supportedShareUrlTypes],
    // Spec (mobile requirements): IsEduUser and LicenseCheckForEditIsEnabled on containers and files, equal values.
    IsEduUser: false,
    LicenseCheckForEditIsEnabled: false,
    IsAnonymousUser: false,
    UserCanCreateChildContainer: true,
    UserCanCreateChildFile: true,
    // A root container stays; any other can be deleted once empty.
    UserCanDelete: container.parentId !== null,
    UserCanRename: true,
  };
}

/** `X-WOPI-FileExtensionFilterList`: `.docx,.xlsx`, matched case-insensitively; null means no filter. */
function parseExtensionFilter(header: string | string[] | undefined): Set<string> | null {
  if (header === undefined) return null;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '') return null;
  const extensions = value
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '');
  for (const extension of extensions)
    if (!/^\.[^.\s/\\]+$/.test(extension)) throw badRequest(`X-WOPI-FileExtensionFilterList has an invalid extension "${extension}"`);
  return new Set(extensions);
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot).toLowerCase();
}

export function containerHandlers(context: HostContext) {
  const checkContainerInfo: Handler = (_req, res, call) => {
    const { record } = requireResource(call, context, 'container');
    res.json(containerInfo(context, record));
  };

  const enumerateChildren: Handler = async (req, res, call) => {
    const { user, record, inherited } = requireResource(call, context, 'container');
    const filter = parseExtensionFilter(req.headers[WopiHeader.FileExtensionFilterList]);
    const { containers, files } = context.files.children(record.id);
    const visibleFiles = filter ? files.filter((f) => filter.has(extensionOf(f.name))) : files;
    // An empty list has no URL to leave the token off.
    const withoutTokens = containers.length + visibleFiles.length > 0 && call.bends(context.store.config, 'childUrlsWithoutTokens');
    const childUrl = (child: ResourceRecord) =>
      withoutTokens ? resourceUrl(context.origin(), child.kind, child.id) : resourceUrlWithToken(context, user, child, inherited);
    // Spec: both arrays are always present, and there is no paging.
    res.json({
      ChildContainers: await Promise.all(containers.map(async (c) => ({ Url: await childUrl(c), Name: officeSafeName(c.name) }))),
      ChildFiles: await Promise.all(
        visibleFiles.map(async (f) => ({
          Url: await childUrl(f),
          Name: officeSafeName(f.name),
          Size: f.size,
          Version: String(f.version),
          LastModifiedTime: f.lastModifiedTime,
        })),
      ),
    });
  };

  const enumerateAncestors: Handler = async (_req, res, call) => {
    const { user, record, inherited } = requireResource(call, context, 'container');
    const ancestors = context.files.ancestors(record);
    res.json({
      AncestorsWithRootFirst: await Promise.all(
        ancestors.map(async (a) => ({ Url: await resourceUrlWithToken(context, user, a, inherited), Name: officeSafeName(a.name) })),
      ),
    });
  };

  // Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/containers/createchildfile
  // The new file is 0 bytes; PutFile gives it content without a lock (protocol/locks.ts).
  const createChildFile: Handler = async (req, res, call) => {
    const { user, record, inherited } = requireResource(call, context, 'container');
    const result = await context.files.commands.createFile(record.id, user.id, nameTarget(req), null);
    if (!result.ok) throw storeFailure(res, result.failure);
    const { file } = result.value;
    res.json({ Name: officeSafeName(file.name), Url: await resourceUrlWithToken(context, user, file, inherited) });
  };

  const createChildContainer: Handler = async (req, res, call) => {
    const { user, record, inherited } = requireResource(call, context, 'container');
    const result = await context.files.commands.createContainer(record.id, user.id, nameTarget(req));
    if (!result.ok) throw storeFailure(res, result.failure);
    const container = result.value;
    res.json({
      ContainerPointer: { Url: await resourceUrlWithToken(context, user, container, inherited), Name: officeSafeName(container.name) },
      ContainerInfo: containerInfo(context, container),
    });
  };

  const deleteContainer: Handler = async (_req, res, call) => {
    const { user, record } = requireResource(call, context, 'container');
    const result = await context.files.commands.deleteContainer(record.id, user.id);
    if (!result.ok) throw storeFailure(res, result.failure);
    res.status(200).end();
  };

  const renameContainer: Handler = async (req, res, call) => {
    const { user, record } = requireResource(call, context, 'container');
    const result = await context.files.commands.renameContainer(record.id, user.id, requestedName(req));
    if (!result.ok) {
      if (result.failure.kind === 'invalid-name') res.setHeader(WopiHeader.InvalidContainerNameError, result.failure.reason);
      throw storeFailure(res, result.failure);
    }
    res.json({ Name: officeSafeName(result.value.name) });
  };

  return {
    checkContainerInfo,
    enumerateChildren,
    enumerateAncestors,
    createChildFile,
    createChildContainer,
    deleteContainer,
    renameContainer,
  };
}
