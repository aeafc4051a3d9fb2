import * as locks from '../protocol/locks.js';
import { WopiHeader } from '../protocol/headers.js';
import { splitExtension } from '../protocol/file-names.js';
import type { Handler } from './call.js';
import type { HostContext } from './context.js';
import { resourceUrlWithToken } from './grants.js';
import { requireResource } from './wopi-access.js';
import { officeSafeName } from './names.js';
import { nameTarget, optionalLockId, stageBody, storeFailure } from './file-requests.js';

// Spec: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/putfile
// and …/putrelativefile. The body is staged first and committed with the lock rules applied to
// the file as it is at that moment (storage/tree-commands.ts).

export function fileContentHandlers(context: HostContext) {
  const putFile: Handler = async (req, res, call) => {
    const { user, record } = requireResource(call, context, 'file');
    const requested = optionalLockId(req);
    // Refuse before receiving the body when the answer is already clear; the commit checks again.
    const early = locks.putFile(context.files.lockOf(record), requested, record.size);
    if (!early.ok) throw storeFailure(res, { kind: 'lock-conflict', currentLock: early.currentLock, reason: early.reason });
    const staged = await stageBody(req, res, call, context);
    const result = await context.files.commands.writeContent(record.id, user.id, staged, requested);
    if (!result.ok) throw storeFailure(res, result.failure);
    // Spec (PutFile): X-WOPI-ItemVersion is the file's new version.
    res.setHeader(WopiHeader.ItemVersion, String(result.value.version));
    res.status(200).end();
  };

  const putRelativeFile: Handler = async (req, res, call) => {
    const { user, record, inherited } = requireResource(call, context, 'file');
    const target = nameTarget(req);
    // Spec (PutRelativeFile): a suggested target that is only an extension takes the source file's name.
    if (target.mode === 'suggested' && target.name.startsWith('.')) target.name = splitExtension(record.name).base + target.name;
    const staged = await stageBody(req, res, call, context);
    const result = await context.files.commands.createFile(record.parentId, user.id, target, staged);
    if (!result.ok) throw storeFailure(res, result.failure);
    const { file } = result.value;
    res.json({ Name: officeSafeName(file.name), Url: await resourceUrlWithToken(context, user, file, inherited) });
  };

  return { putFile, putRelativeFile };
}
