import { pipeline } from 'node:stream/promises';
import { WopiHeader } from '../protocol/headers.js';
import { splitExtension } from '../protocol/file-names.js';
import { preconditionFailed, badRequest, notFound } from '../errors.js';
import type { FileRecord } from '../storage/file-store.js';
import type { MockUser } from '../state/config-schema.js';
import type { Handler } from './call.js';
import type { HostContext } from './context.js';
import { requireResource } from './wopi-access.js';
import { officeSafeName } from './names.js';
import { ecosystemUrl, issueWopiToken, resourceUrlWithToken } from './grants.js';
import { resourceUrl, withAccessToken } from './urls.js';
import { optionalLockId, requestedName, storeFailure } from './file-requests.js';
import type { Capabilities } from '../protocol/capabilities.js';
import { supportedShareUrlTypes } from '../protocol/share-url.js';

// Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/checkfileinfo

function checkFileInfo(
  file: FileRecord,
  user: MockUser,
  owner: MockUser | undefined,
  userInfo: string,
  fileUrl: string,
  capabilities: Capabilities,
  userId: string = user.id,
  requestedCallThrottling?: string,
) {
  return {
    BaseFileName: officeSafeName(file.name),
    OwnerId: file.ownerId,
    Size: file.size,
    // Spec: UserId must equal the Bootstrap UserId.
    UserId: userId,
    Version: String(file.version),
    UserFriendlyName: user.friendlyName || user.id,
    ...(owner?.friendlyName ? { OwnerFriendlyName: owner.friendlyName } : {}),
    LastModifiedTime: file.lastModifiedTime,
    FileExtension: splitExtension(file.name).extension,
    // Spec (mobile requirements): required on files and containers, equal to the parent's values.
    IsEduUser: false,
    LicenseCheckForEditIsEnabled: false,
    IsAnonymousUser: false,
    // Capabilities are true only for what this host implements (and has not been told to lack).
    SupportsContainers: capabilities.containers,
    SupportsEcosystem: true,
    SupportsLocks: true,
    SupportsGetLock: true,
    SupportsExtendedLockLength: true,
    SupportsUpdate: true,
    SupportsRename: true,
    SupportsDeleteFile: true,
    SupportsUserInfo: true,
    SupportsAddActivities: true,
    SupportedShareUrlTypes: [...supportedShareUrlTypes],
    UserInfo: userInfo,
    // Spec (CheckFileInfo): a URL the client may GET instead of GetFile, with its authorization in it.
    FileUrl: fileUrl,
    UserCanWrite: true,
    UserCanRename: true,
    // Spec (PutRelativeFile): false promises PutRelativeFile works; true goes with a 501 for it.
    UserCanNotWriteRelative: !capabilities.putRelativeFile,
    ReadOnly: false,
    ...(requestedCallThrottling !== undefined ? { RequestedCallThrottling: requestedCallThrottling } : {}),
  };
}

/**
 * The id a host with an internal and an external user id sends where it should send the other:
 * still one Office can load (the prefix adds no forbidden character), never equal to the real one.
 */
const mismatchedUserId = (id: string) => `uid-${id}`;

/** PutUserInfo's body: the spec allows up to 1024 ASCII characters. */
const maxUserInfoBytes = 1024;

export function fileHandlers(context: HostContext) {
  const info: Handler = async (_req, res, call) => {
    const { user, record, inherited } = requireResource(call, context, 'file');
    const { token } = await issueWopiToken(context, user, `file:${record.id}`, inherited);
    const fileUrl = withAccessToken(`${resourceUrl(context.origin(), 'file', record.id)}/contents`, token);
    const throttling = context.store.config.wopi.requestedCallThrottling;
    if (throttling !== undefined)
      call.notes.push(
        `RequestedCallThrottling is ${throttling}: set by wopi.requestedCallThrottling, asking the client to call less often`,
      );
    res.json(
      checkFileInfo(
        record,
        user,
        context.store.findUser(record.ownerId),
        context.files.userInfo(user.id),
        fileUrl,
        context.store.config.capabilities,
        call.bends(context.store.config, 'checkFileInfoUserIdMismatch') ? mismatchedUserId(user.id) : user.id,
        context.store.config.wopi.requestedCallThrottling,
      ),
    );
  };

  const getFile: Handler = async (req, res, call) => {
    const { user, record } = requireResource(call, context, 'file');
    const maxHeader = req.headers[WopiHeader.MaxExpectedSize];
    const opened = await context.files.openContent(record.id, user.id);
    if (!opened) throw notFound(`file ${record.id} was deleted`);
    const { record: current, stream } = opened;
    try {
      if (typeof maxHeader === 'string' && maxHeader.trim() !== '') {
        if (!/^\s*\d+\s*$/.test(maxHeader)) throw badRequest('X-WOPI-MaxExpectedSize is not a whole number');
        // Spec (GetFile): 412 when the file is larger than X-WOPI-MaxExpectedSize.
        if (current.size > Number(maxHeader))
          throw preconditionFailed(`the file is ${current.size} bytes, over X-WOPI-MaxExpectedSize ${maxHeader.trim()}`);
      }
    } catch (error) {
      stream.destroy();
      throw error;
    }
    res.status(200);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(current.size));
    res.setHeader(WopiHeader.ItemVersion, String(current.version));
    if (req.method === 'HEAD') {
      stream.destroy();
      return void res.end();
    }
    await pipeline(stream, res);
  };

  const enumerateAncestors: Handler = async (_req, res, call) => {
    const { user, record, inherited } = requireResource(call, context, 'file');
    const ancestors = context.files.ancestors(record);
    res.json({
      AncestorsWithRootFirst: await Promise.all(
        ancestors.map(async (a) => ({ Url: await resourceUrlWithToken(context, user, a, inherited), Name: officeSafeName(a.name) })),
      ),
    });
  };

  const getEcosystem: Handler = async (_req, res, call) => {
    const { user, inherited } = requireResource(call, context, 'file');
    res.json({ Url: await ecosystemUrl(context, user, inherited) });
  };

  // Spec (RenameFile): the answer's Name is the new name without its extension.
  const renameFile: Handler = async (req, res, call) => {
    const { user, record } = requireResource(call, context, 'file');
    const name = requestedName(req);
    const result = await context.files.commands.renameFile(record.id, user.id, name, optionalLockId(req));
    if (!result.ok) {
      if (result.failure.kind === 'invalid-name') res.setHeader(WopiHeader.InvalidFileNameError, result.failure.reason);
      throw storeFailure(res, result.failure);
    }
    res.json({ Name: splitExtension(officeSafeName(result.value.name)).base });
  };

  const deleteFile: Handler = async (_req, res, call) => {
    const { user, record } = requireResource(call, context, 'file');
    const result = await context.files.commands.deleteFile(record.id, user.id);
    if (!result.ok) throw storeFailure(res, result.failure);
    res.status(200).end();
  };

  // Spec (PutUserInfo): the body is stored per user and returned as UserInfo by CheckFileInfo.
  const putUserInfo: Handler = async (req, res, call) => {
    const { user } = requireResource(call, context, 'file');
    const chunks: Buffer[] = [];
    let size = 0;
    // Leaving early must not destroy the request: the 400 still has to go out.
    for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxUserInfoBytes) {
        res.setHeader('Connection', 'close');
        throw badRequest(`UserInfo is limited to ${maxUserInfoBytes} bytes`);
      }
      chunks.push(chunk);
    }
    call.requestBody = Buffer.concat(chunks);
    await context.files.setUserInfo(user.id, call.requestBody.toString('utf8'));
    res.status(200).end();
  };

  return { checkFileInfo: info, getFile, enumerateAncestors, getEcosystem, renameFile, deleteFile, putUserInfo };
}
