import { EcosystemOperation } from './headers.js';
import { Operation, type OperationName } from './operations.js';
import type { ResourceKind } from './wopi-src.js';

export interface Classified {
  operation: OperationName;
  /** The resource named in the path, still percent-encoded-decoded but not yet checked to exist. */
  resource?: { kind: ResourceKind; id: string };
}

type HeaderBag = Record<string, string | string[] | undefined>;

const fileOverrides: Record<string, OperationName> = {
  LOCK: Operation.Lock,
  GET_LOCK: Operation.GetLock,
  REFRESH_LOCK: Operation.RefreshLock,
  UNLOCK: Operation.Unlock,
  PUT_RELATIVE: Operation.PutRelativeFile,
  RENAME_FILE: Operation.RenameFile,
  DELETE: Operation.DeleteFile,
  PUT_USER_INFO: Operation.PutUserInfo,
  GET_SHARE_URL: Operation.GetShareUrlFile,
  ADD_ACTIVITIES: Operation.AddActivities,
};

const containerOverrides: Record<string, OperationName> = {
  CREATE_CHILD_FILE: Operation.CreateChildFile,
  CREATE_CHILD_CONTAINER: Operation.CreateChildContainer,
  DELETE_CONTAINER: Operation.DeleteContainer,
  RENAME_CONTAINER: Operation.RenameContainer,
  GET_SHARE_URL: Operation.GetShareUrlContainer,
};

const ecosystemOperations: Record<string, OperationName> = {
  [EcosystemOperation.GetNewAccessToken]: Operation.GetNewAccessToken,
  [EcosystemOperation.GetRootContainer]: Operation.GetRootContainerBootstrapper,
  [EcosystemOperation.GetWopiSrcWithAccessToken]: Operation.GetFileWopiSrcBootstrapper,
};

const resourcePattern = /^\/wopi\/(files|containers)\/([^/]+)(?:\/(contents|ancestry|children|ecosystem_pointer))?\/?$/;
const sharePattern = /^\/share\/[^/]+(\/content)?$/;

function header(headers: HeaderBag, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim().toUpperCase() ?? '';
}

/**
 * Names the operation a request asks for, from method, path and the WOPI override headers,
 * before anything is authenticated: the log and the fault rules both key on this name.
 */
export function classifyRequest(method: string, pathname: string, headers: HeaderBag): Classified {
  const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  switch (path) {
    case '/wopibootstrapper':
      // Spec (shortcuts): an operation the host does not implement is answered as a plain Bootstrap.
      return {
        operation:
          method === 'POST'
            ? (ecosystemOperations[header(headers, 'x-wopi-ecosystemoperation')] ?? Operation.Bootstrap)
            : Operation.Bootstrap,
      };
    case '/oauth/authorize':
      return { operation: Operation.Authorize };
    case '/oauth/token':
      return { operation: Operation.Token };
    case '/ca.crt':
      return { operation: Operation.CaCertificate };
    case '/ca.mobileconfig':
      return { operation: Operation.CaMobileConfig };
    case '/setup':
      return { operation: Operation.DeviceSetup };
    case '/wopi/ecosystem':
      return { operation: method === 'POST' ? Operation.GetFileWopiSrc : Operation.CheckEcosystem };
    case '/wopi/ecosystem/root_container_pointer':
      return { operation: Operation.GetRootContainer };
  }
  const share = sharePattern.exec(path);
  if (share) return { operation: share[1] ? Operation.ShareDownload : Operation.SharePage };
  const match = resourcePattern.exec(path);
  if (!match) return { operation: Operation.Unknown };
  let id: string;
  try {
    id = decodeURIComponent(match[2]!);
  } catch {
    return { operation: Operation.Unknown };
  }
  const kind: ResourceKind = match[1] === 'files' ? 'file' : 'container';
  const operation = kind === 'file' ? fileOperation(method, match[3], headers) : containerOperation(method, match[3], headers);
  return { operation, resource: { kind, id } };
}

/** WOPI reads are GET (HEAD too) and every change is a POST with X-WOPI-Override; a PUT or DELETE is none of them. */
function isWopiMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'POST';
}

function fileOperation(method: string, suffix: string | undefined, headers: HeaderBag): OperationName {
  if (!isWopiMethod(method)) return Operation.Unknown;
  const override = header(headers, 'x-wopi-override');
  switch (suffix) {
    case 'contents':
      if (method !== 'POST') return Operation.GetFile;
      // Spec (PutFile): POST …/contents with X-WOPI-Override: PUT. Another override (a LOCK sent to
      // the wrong URL) is not a PutFile and must never replace the content; none at all still is.
      return override === '' || override === 'PUT' ? Operation.PutFile : Operation.Unknown;
    case 'ancestry':
      return Operation.EnumerateAncestorsFile;
    case 'ecosystem_pointer':
      return Operation.GetEcosystemFile;
    case 'children':
      return Operation.Unknown;
  }
  if (method !== 'POST') return Operation.CheckFileInfo;
  // Spec (UnlockAndRelock): a LOCK that carries X-WOPI-OldLock swaps one lock for another.
  if (override === 'LOCK' && headers['x-wopi-oldlock'] !== undefined) return Operation.UnlockAndRelock;
  return fileOverrides[override] ?? Operation.Unknown;
}

function containerOperation(method: string, suffix: string | undefined, headers: HeaderBag): OperationName {
  if (!isWopiMethod(method)) return Operation.Unknown;
  switch (suffix) {
    case 'children':
      return Operation.EnumerateChildren;
    case 'ancestry':
      return Operation.EnumerateAncestorsContainer;
    case 'ecosystem_pointer':
      return Operation.GetEcosystemContainer;
    case 'contents':
      return Operation.Unknown;
  }
  if (method !== 'POST') return Operation.CheckContainerInfo;
  return containerOverrides[header(headers, 'x-wopi-override')] ?? Operation.Unknown;
}

/** Operations that answer a 401 with the bootstrapper's Bearer challenge. */
export const bootstrapperOperations: ReadonlySet<OperationName> = new Set([
  Operation.Bootstrap,
  Operation.GetNewAccessToken,
  Operation.GetRootContainerBootstrapper,
  Operation.GetFileWopiSrcBootstrapper,
]);
