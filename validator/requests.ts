import { randomUUID } from 'node:crypto';
import { Header, Override } from './constants.js';
import type { OutgoingRequest } from './http.js';
import type { MutatorDefinition, RequestDefinition } from './model.js';
import type { Resources } from './resources.js';
import { resolveStateReference, type SavedState } from './state.js';
import { absoluteUrl, appendOrReplaceQueryParameter, appendPath, buildWopiUrl, getQueryParameterValue } from './url-helper.js';
import { dotnetUtf7, utf7EncodedUnescaped } from './utf7.js';

/**
 * How each request element becomes an HTTP request: the validator's `Requests/*.cs` classes
 * (method, path suffix, X-WOPI-Override, headers, body) and `WopiRequest.CreateExecutionData`.
 */

/** A request element this runner cannot send, or one the validator itself would fail to build. */
export class RequestBuildError extends Error {}

/** The file the validator works on: a `.wopitest` WopiSrc and a WOPI token for it (`-w`, `-t`, `-l`). */
export interface Target {
  wopiSrc: string;
  accessToken: string;
  /** `access_token_ttl`: when the token expires, in ms since the epoch (0: unknown). */
  accessTokenTtl: number;
}

export interface BuiltRequest {
  request: OutgoingRequest;
  /** GetFile answers bytes; every other operation is expected to answer text. */
  isTextResponse: boolean;
  /** GetFromFileUrl is a plain download: no token, no User-Agent. */
  bare: boolean;
}

interface Operation {
  method: 'GET' | 'POST';
  /** Appended to the WopiSrc or the override URL (the validator's PathOverride). */
  path?: string;
  override?: string;
  binary?: boolean;
  /** DeleteFile and DeleteContainer never fall back to the WopiSrc: the validator must not delete its own file. */
  needsOverrideUrl?: boolean;
  headers?: (request: RequestDefinition, resources: Resources) => Array<[string, string | undefined]>;
  body?: (request: RequestDefinition, resources: Resources) => Buffer;
}

const attr = (request: RequestDefinition, name: string) => request.attributes[name];
/** .NET bool.ToString(). */
const dotnetBoolean = (value: string | undefined) => (value === undefined ? undefined : /^\s*(true|1)\s*$/.test(value) ? 'True' : 'False');

type NameMode = 'Suggested' | 'ExactName' | 'Conflicting';

/** PutRelativeFileMode, parsed case-insensitively; absent is the enum's default, Unknown. */
function nameMode(request: RequestDefinition): NameMode | 'Unknown' {
  const raw = attr(request, 'PutRelativeFileMode');
  if (raw === undefined || raw === '') return 'Unknown';
  const mode = (['Suggested', 'ExactName', 'Conflicting'] as const).find((m) => m.toLowerCase() === raw.trim().toLowerCase());
  if (!mode)
    throw new RequestBuildError(
      `PutRelativeFileMode expected to be one of 'Suggested' or 'ExactName' or 'Conflicting' but is actually '${raw}'`,
    );
  return mode;
}

/** The target-name headers of PutRelativeFile, CreateChildFile and CreateChildContainer. */
function targetHeaders(request: RequestDefinition, name: string | undefined, withOverwrite: boolean): Array<[string, string | undefined]> {
  const encoded = utf7EncodedUnescaped(name);
  const mode = nameMode(request);
  switch (mode) {
    case 'Suggested':
      return [[Header.SuggestedTarget, encoded]];
    case 'ExactName': {
      const overwrite = dotnetBoolean(attr(request, 'OverwriteRelative'));
      return [
        [Header.RelativeTarget, encoded],
        ...(withOverwrite && overwrite !== undefined ? [[Header.OverwriteRelative, overwrite] as [string, string]] : []),
      ];
    }
    case 'Conflicting':
      return [
        [Header.SuggestedTarget, encoded],
        [Header.RelativeTarget, encoded],
      ];
    case 'Unknown':
      throw new RequestBuildError(
        `Unknown PutRelativeFileMode specified: Unknown (the <${request.operation}> element needs PutRelativeFileMode)`,
      );
  }
}

function requiredBody(request: RequestDefinition): Buffer {
  if (request.requestBody === undefined || request.requestBody.trim() === '')
    throw new RequestBuildError(`No RequestBody specified for ${request.operation} operation`);
  return Buffer.from(request.requestBody, 'utf8');
}

export const operations: Record<string, Operation> = {
  CheckFileInfo: { method: 'GET' },
  GetFile: {
    method: 'GET',
    path: '/contents',
    binary: true,
    // The validator's GetFile reads NewLock, so <GetFile Lock="…"> sends no lock (kept as it does).
    headers: (r) => (attr(r, 'NewLock') ? [[Header.Lock, attr(r, 'NewLock')]] : []),
  },
  PutFile: {
    method: 'POST',
    path: '/contents',
    override: Override.Put,
    headers: (r) => (attr(r, 'Lock') ? [[Header.Lock, attr(r, 'Lock')]] : []),
    body: (r, resources) => resources.content(attr(r, 'ResourceId')),
  },
  PutRelativeFile: {
    method: 'POST',
    override: Override.PutRelative,
    headers: (r, resources) => {
      if (!attr(r, 'Name')) throw new RequestBuildError('Requested name for a PutRelativeFile Wopi request cannot be null or empty');
      return [[Header.Size, String(resources.content(attr(r, 'ResourceId')).length)], ...targetHeaders(r, attr(r, 'Name'), true)];
    },
    body: (r, resources) => resources.content(attr(r, 'ResourceId')),
  },
  Lock: {
    method: 'POST',
    override: Override.Lock,
    headers: (r) => [
      [Header.Lock, attr(r, 'Lock')],
      ...(attr(r, 'LockUserVisible') !== undefined
        ? [[Header.LockUserVisible, dotnetBoolean(attr(r, 'LockUserVisible'))] as [string, string]]
        : []),
    ],
  },
  Unlock: { method: 'POST', override: Override.Unlock, headers: (r) => [[Header.Lock, attr(r, 'Lock')]] },
  RefreshLock: { method: 'POST', override: Override.RefreshLock, headers: (r) => [[Header.Lock, attr(r, 'Lock')]] },
  UnlockAndRelock: {
    method: 'POST',
    override: Override.Lock,
    headers: (r) => [
      [Header.Lock, attr(r, 'NewLock')],
      [Header.OldLock, attr(r, 'OldLock')],
    ],
  },
  GetLock: { method: 'POST', override: Override.GetLock },
  // Quirk kept: the validator reads no EcosystemUrl attribute, so this is a GET on the WopiSrc (a CheckFileInfo).
  CheckEcosystem: { method: 'GET' },
  GetRootContainer: { method: 'GET', path: '/root_container_pointer' },
  CheckContainerInfo: { method: 'GET' },
  EnumerateChildren: {
    method: 'GET',
    path: '/children',
    headers: (r) => (attr(r, 'FileExtensionFilterList') ? [[Header.FileExtensionFilterList, attr(r, 'FileExtensionFilterList')]] : []),
  },
  EnumerateAncestors: { method: 'GET', path: '/ancestry' },
  GetEcosystem: { method: 'GET', path: '/ecosystem_pointer' },
  CreateChildContainer: {
    method: 'POST',
    override: Override.CreateChildContainer,
    headers: (r) => targetHeaders(r, attr(r, 'FolderName'), false),
  },
  CreateChildFile: { method: 'POST', override: Override.CreateChildFile, headers: (r) => targetHeaders(r, attr(r, 'Name'), true) },
  DeleteFile: { method: 'POST', override: Override.Delete, needsOverrideUrl: true },
  DeleteContainer: { method: 'POST', override: Override.DeleteContainer, needsOverrideUrl: true },
  RenameContainer: {
    method: 'POST',
    override: Override.RenameContainer,
    headers: (r) => [[Header.RequestedName, dotnetUtf7(attr(r, 'Name') ?? '')]],
  },
  RenameFile: {
    method: 'POST',
    override: Override.RenameFile,
    headers: (r) => [
      [Header.RequestedName, dotnetUtf7(attr(r, 'Name') ?? '')],
      [Header.Lock, attr(r, 'Lock')],
    ],
  },
  GetShareUrl: {
    method: 'POST',
    override: Override.GetShareUrl,
    headers: (r) => (attr(r, 'UrlType') ? [[Header.UrlType, attr(r, 'UrlType')]] : []),
  },
  AddActivities: { method: 'POST', override: Override.AddActivities, body: requiredBody },
  PutUserInfo: { method: 'POST', override: Override.PutUserInfo, body: requiredBody },
};

export interface BuildContext {
  target: Target;
  state: SavedState;
  resources: Resources;
}

export function buildRequest(definition: RequestDefinition, context: BuildContext): BuiltRequest {
  const overrideUrl = resolveStateReference(attr(definition, 'OverrideUrl'), context.state);
  if (definition.operation === 'GetFromFileUrl') {
    // Validator GetFromFileUrlRequest: a bare GET of the saved URL.
    if (overrideUrl === null) throw new RequestBuildError('GetFromFileUrl needs an OverrideUrl with a value');
    return { request: { method: 'GET', url: absoluteUrl(overrideUrl), headers: [], body: null }, isTextResponse: true, bare: true };
  }
  const unsupported = definition.mutators.find((m) => m.kind === 'Unsupported');
  if (unsupported) throw new RequestBuildError(`Unknown mutator: '${unsupported.element}'`);
  const operation = Object.hasOwn(operations, definition.operation) ? operations[definition.operation] : undefined;
  if (!operation)
    throw new RequestBuildError(
      `<${definition.operation}> is not supported by this runner (only the WopiCore and OfficeNativeClient operations are)`,
    );

  // WopiRequest.GetRequestUri: the override URL as is (its own token becomes the token), else WopiSrc + token + ttl.
  let url: string;
  let accessToken: string;
  if (overrideUrl !== null) {
    url = operation.path ? appendPath(overrideUrl, operation.path) : absoluteUrl(overrideUrl);
    accessToken = getQueryParameterValue(url, 'access_token') ?? '';
  } else {
    if (operation.needsOverrideUrl)
      throw new RequestBuildError(
        `${definition.operation} has no URL: its OverrideUrl is missing or its saved value is empty (the validator never sends it to the WopiSrc)`,
      );
    url = buildWopiUrl(context.target.wopiSrc, operation.path ?? '', context.target.accessToken, context.target.accessTokenTtl);
    accessToken = context.target.accessToken;
  }

  const mutated = mutateAccessToken(definition.mutators, accessToken);
  if (mutated !== accessToken) url = absoluteUrl(appendOrReplaceQueryParameter(url, 'access_token', mutated));

  const headers: Array<[string, string]> = [];
  // .NET sends a header given a null value as an empty one.
  for (const [name, value] of operation.headers?.(definition, context.resources) ?? []) headers.push([name, value ?? '']);
  if (operation.override) headers.push([Header.Override, operation.override]);
  headers.push([Header.Authorization, `Bearer ${mutated}`]);
  const body = operation.body ? operation.body(definition, context.resources) : null;
  return { request: { method: operation.method, url, headers, body }, isTextResponse: !operation.binary, bare: false };
}

/** The first AccessToken mutator replaces the token: with its Mutation, or a fresh GUID when it has none. */
export function mutateAccessToken(mutators: MutatorDefinition[], accessToken: string): string {
  const mutator = mutators.find((m) => m.kind === 'AccessToken');
  if (!mutator) return accessToken;
  return mutator.mutation ?? randomUUID();
}
