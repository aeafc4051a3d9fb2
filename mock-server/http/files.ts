import { pipeline } from 'node:stream/promises';
import { WopiHeader } from '../protocol/headers.js';
import { preconditionFailed, badRequest } from '../errors.js';
import type { FileRecord } from '../storage/file-store.js';
import type { MockUser } from '../state/config-schema.js';
import type { Handler } from './call.js';
import type { HostContext } from './context.js';
import { requireResource } from './wopi-access.js';
import { officeSafeName } from './names.js';
import { ecosystemUrl, resourceUrlWithToken } from './grants.js';

// Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/checkfileinfo

export function checkFileInfo(file: FileRecord, user: MockUser, owner: MockUser | undefined) {
  const dot = file.name.lastIndexOf('.');
  return {
    BaseFileName: officeSafeName(file.name),
    OwnerId: file.ownerId,
    Size: file.size,
    // Spec: UserId must equal the Bootstrap UserId.
    UserId: user.id,
    Version: String(file.version),
    UserFriendlyName: user.friendlyName || user.id,
    ...(owner?.friendlyName ? { OwnerFriendlyName: owner.friendlyName } : {}),
    LastModifiedTime: file.lastModifiedTime,
    FileExtension: dot > 0 ? file.name.slice(dot) : '',
    // Spec (mobile requirements): required on files and containers, equal to the parent's values.
    IsEduUser: false,
    LicenseCheckForEditIsEnabled: false,
    IsAnonymousUser: false,
    // Capabilities are true only for what this host implements.
    SupportsContainers: true,
    SupportsEcosystem: true,
    SupportsLocks: false,
    SupportsGetLock: false,
    SupportsExtendedLockLength: false,
    SupportsUpdate: false,
    SupportsRename: false,
    SupportsDeleteFile: false,
    SupportsUserInfo: false,
    UserCanWrite: false,
    UserCanRename: false,
    UserCanNotWriteRelative: true,
    ReadOnly: true,
  };
}

export function fileHandlers(context: HostContext) {
  const info: Handler = (_req, res, call) => {
    const { user, record } = requireResource(call, context, 'file');
    res.json(checkFileInfo(record, user, context.store.findUser(record.ownerId)));
  };

  const getFile: Handler = async (req, res, call) => {
    const { record } = requireResource(call, context, 'file');
    const maxHeader = req.headers[WopiHeader.MaxExpectedSize];
    if (typeof maxHeader === 'string' && maxHeader.trim() !== '') {
      if (!/^\s*\d+\s*$/.test(maxHeader)) throw badRequest('X-WOPI-MaxExpectedSize is not a whole number');
      // Spec (GetFile): 412 when the file is larger than X-WOPI-MaxExpectedSize.
      if (record.size > Number(maxHeader)) throw preconditionFailed(`the file is ${record.size} bytes, over X-WOPI-MaxExpectedSize ${maxHeader.trim()}`);
    }
    res.status(200);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(record.size));
    res.setHeader(WopiHeader.ItemVersion, String(record.version));
    if (req.method === 'HEAD') return void res.end();
    await pipeline(context.files.openContent(record), res);
  };

  const enumerateAncestors: Handler = async (_req, res, call) => {
    const { user, record, inherited } = requireResource(call, context, 'file');
    const ancestors = context.files.ancestors(record);
    res.json({ AncestorsWithRootFirst: await Promise.all(ancestors.map(async (a) => ({ Url: await resourceUrlWithToken(context, user, a, inherited), Name: officeSafeName(a.name) }))) });
  };

  const getEcosystem: Handler = async (_req, res, call) => {
    const { user, inherited } = requireResource(call, context, 'file');
    res.json({ Url: await ecosystemUrl(context, user, inherited) });
  };

  return { checkFileInfo: info, getFile, enumerateAncestors, getEcosystem };
}
