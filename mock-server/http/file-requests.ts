import type { Request, Response } from 'express';
import { WopiHeader } from '../protocol/headers.js';
import { lockIdProblem } from '../protocol/locks.js';
import { badRequest, conflict, HostError, notFound, notImplemented, tooLarge } from '../errors.js';
import { TooLargeError, type NameTarget, type StagedBlob, type StoreFailure } from '../storage/file-store.js';
import type { Call } from './call.js';
import type { HostContext } from './context.js';
import { encodeNameHeader, nameHeader } from './names.js';

/** Reading the request side of the file operations, and writing their failures, in one place. */

const labels: Record<string, string> = {
  [WopiHeader.Lock]: 'X-WOPI-Lock',
  [WopiHeader.OldLock]: 'X-WOPI-OldLock',
  [WopiHeader.SuggestedTarget]: 'X-WOPI-SuggestedTarget',
  [WopiHeader.RelativeTarget]: 'X-WOPI-RelativeTarget',
  [WopiHeader.OverwriteRelativeTarget]: 'X-WOPI-OverwriteRelativeTarget',
  [WopiHeader.RequestedName]: 'X-WOPI-RequestedName',
};

/**
 * The one value of a header. Sent twice, Node would join the two as "a, b": a lock id or a name
 * nobody sent, so it is refused instead.
 */
function single(req: Request, header: string): string | undefined {
  const values = req.headersDistinct[header];
  if (values && values.length > 1) throw badRequest(`${labels[header] ?? header} was sent ${values.length} times; send it once`);
  return values?.[0];
}

/** A lock id the operation needs: 400 when missing, empty or too long. */
// Spec (Lock): "400 Bad Request – X-WOPI-Lock was not provided or was empty".
export function requiredLockId(req: Request, header: typeof WopiHeader.Lock | typeof WopiHeader.OldLock = WopiHeader.Lock): string {
  const value = single(req, header);
  const problem = value === undefined ? 'is missing' : lockIdProblem(value);
  if (problem) throw badRequest(`${labels[header]} ${problem}`);
  return value!;
}

/** A lock id the operation may carry (PutFile, RenameFile); empty counts as none. */
export function optionalLockId(req: Request): string | undefined {
  const value = single(req, WopiHeader.Lock);
  if (value === undefined || value === '') return undefined;
  const problem = lockIdProblem(value);
  if (problem) throw badRequest(`X-WOPI-Lock ${problem}`);
  return value;
}

/**
 * The specific (X-WOPI-RelativeTarget) or suggested (X-WOPI-SuggestedTarget) name of a new
 * item. Both at once is a 501, as the spec asks; neither, or an empty one, is a 400.
 */
// Spec (PutRelativeFile, CreateChildFile): "The two headers are mutually exclusive … 501 Not Implemented".
export function nameTarget(req: Request): NameTarget {
  const suggested = nameHeader(single(req, WopiHeader.SuggestedTarget));
  const relative = nameHeader(single(req, WopiHeader.RelativeTarget));
  if (suggested !== undefined && relative !== undefined)
    throw notImplemented('X-WOPI-SuggestedTarget and X-WOPI-RelativeTarget are mutually exclusive');
  if (suggested !== undefined) {
    if (suggested.trim() === '') throw badRequest('X-WOPI-SuggestedTarget is empty');
    return { mode: 'suggested', name: suggested };
  }
  if (relative === undefined) throw badRequest('X-WOPI-SuggestedTarget or X-WOPI-RelativeTarget is required');
  if (relative === '') throw badRequest('X-WOPI-RelativeTarget is empty');
  const overwrite = single(req, WopiHeader.OverwriteRelativeTarget)?.trim().toLowerCase();
  if (overwrite !== undefined && overwrite !== 'true' && overwrite !== 'false')
    throw badRequest('X-WOPI-OverwriteRelativeTarget must be true or false');
  return { mode: 'exact', name: relative, overwrite: overwrite === 'true' };
}

/** X-WOPI-RequestedName (RenameFile, RenameContainer). */
export function requestedName(req: Request): string {
  const name = nameHeader(single(req, WopiHeader.RequestedName));
  if (name === undefined) throw badRequest('X-WOPI-RequestedName is required');
  return name;
}

/**
 * Receives the request body into a staged blob, refusing with 413 past the configured limit (at
 * once when Content-Length says so). Bodies small enough for the log are kept for it.
 */
export async function stageBody(req: Request, res: Response, call: Call, context: HostContext): Promise<StagedBlob> {
  const limit = context.store.config.maxFileSizeBytes;
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    res.setHeader('Connection', 'close');
    throw tooLarge(`the body is ${declared} bytes, over the ${limit}-byte limit (maxFileSizeBytes)`);
  }
  const kept: Buffer[] = [];
  let keptBytes = 0;
  async function* body() {
    // Stopping early (too large) must not destroy the request: the 413 still has to go out.
    for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      keptBytes += chunk.length;
      if (keptBytes <= context.logBodyLimit) kept.push(chunk);
      yield chunk;
    }
  }
  try {
    const staged = await context.files.stage(body(), limit);
    if (keptBytes <= context.logBodyLimit) call.requestBody = Buffer.concat(kept);
    return staged;
  } catch (error) {
    if (error instanceof TooLargeError) {
      // The rest of the body is not wanted: close the connection once the 413 is sent.
      res.setHeader('Connection', 'close');
      throw tooLarge(error.message);
    }
    throw error;
  }
}

/**
 * The WOPI answer to a refused command. A lock conflict carries the current lock ("" when there is
 * none); a name conflict or an illegal name carries a name that would work, UTF-7 encoded.
 */
// Spec (Lock, PutFile, …): 409 responses "must always include X-WOPI-Lock"; X-WOPI-LockFailureReason is for logging.
export function storeFailure(res: Response, failure: StoreFailure): HostError {
  switch (failure.kind) {
    case 'not-found':
      return notFound(failure.detail);
    case 'lock-conflict':
      res.setHeader(WopiHeader.Lock, failure.currentLock);
      res.setHeader(WopiHeader.LockFailureReason, failure.reason);
      return conflict(
        failure.currentLock === ''
          ? failure.reason
          : `${failure.reason} (current lock ${JSON.stringify(failure.currentLock.slice(0, 100))})`,
      );
    case 'name-conflict':
      res.setHeader(WopiHeader.ValidRelativeTarget, encodeNameHeader(failure.validName));
      return conflict(`an item named "${failure.name}" exists already; "${failure.validName}" is free`);
    case 'invalid-name':
      if (failure.validName !== '') res.setHeader(WopiHeader.ValidRelativeTarget, encodeNameHeader(failure.validName));
      return badRequest(`"${failure.name}" cannot be used: ${failure.reason}`);
    case 'not-empty':
    case 'root':
      return conflict(failure.detail);
  }
}
