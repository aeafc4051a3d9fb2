import { EcosystemOperation, Route, WopiHeader, WopiOverride } from './headers.js';
import { Operation, type OperationName } from './operations.js';
import type { ResourceKind } from './wopi-src.js';

export interface Classified {
  operation: OperationName;
  /** The resource named in the path, still percent-encoded-decoded but not yet checked to exist. */
  resource?: { kind: ResourceKind; id: string };
}

type HeaderBag = Record<string, string | string[] | undefined>;

const fileOverrides: Record<string, OperationName> = {
  [WopiOverride.Lock]: Operation.Lock,
  [WopiOverride.GetLock]: Operation.GetLock,
  [WopiOverride.RefreshLock]: Operation.RefreshLock,
  [WopiOverride.Unlock]: Operation.Unlock,
  [WopiOverride.PutRelative]: Operation.PutRelativeFile,
  [WopiOverride.RenameFile]: Operation.RenameFile,
  [WopiOverride.Delete]: Operation.DeleteFile,
  [WopiOverride.PutUserInfo]: Operation.PutUserInfo,
  [WopiOverride.GetShareUrl]: Operation.GetShareUrlFile,
  [WopiOverride.AddActivities]: Operation.AddActivities,
};

const containerOverrides: Record<string, OperationName> = {
  [WopiOverride.CreateChildFile]: Operation.CreateChildFile,
  [WopiOverride.CreateChildContainer]: Operation.CreateChildContainer,
  [WopiOverride.DeleteContainer]: Operation.DeleteContainer,
  [WopiOverride.RenameContainer]: Operation.RenameContainer,
  [WopiOverride.GetShareUrl]: Operation.GetShareUrlContainer,
};

const ecosystemOperations: Record<string, OperationName> = {
  [EcosystemOperation.GetNewAccessToken]: Operation.GetNewAccessToken,
  [EcosystemOperation.GetRootContainer]: Operation.GetRootContainerBootstrapper,
  [EcosystemOperation.GetWopiSrcWithAccessToken]: Operation.GetFileWopiSrcBootstrapper,
};

// The routes hold no pattern characters, so they go into the patterns as they are.
const resourcePattern = new RegExp(`^(${Route.Files}|${Route.Containers})/([^/]+)(?:/(contents|ancestry|children|ecosystem_pointer))?/?$`);
const sharePattern = new RegExp(`^${Route.Share}/[^/]+(/content)?$`);

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
    case Route.Bootstrapper:
      // Spec (shortcuts): an operation the host does not implement is answered as a plain Bootstrap.
      return {
        operation:
          method === 'POST'
            ? (ecosystemOperations[header(headers, WopiHeader.EcosystemOperation)] ?? Operation.Bootstrap)
            : Operation.Bootstrap,
      };
    case Route.Authorize:
      return { operation: Operation.Authorize };
    case Route.Token:
      return { operation: Operation.Token };
    case Route.Revoke:
      return { operation: Operation.Revoke };
    case Route.CaCertificate:
      return { operation: Operation.CaCertificate };
    case Route.CaMobileConfig:
      return { operation: Operation.CaMobileConfig };
    case Route.DeviceSetup:
      return { operation: Operation.DeviceSetup };
    case Route.Ecosystem:
      return { operation: method === 'POST' ? Operation.GetFileWopiSrc : Operation.CheckEcosystem };
    case Route.RootContainerPointer:
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
  const kind: ResourceKind = match[1] === Route.Files ? 'file' : 'container';
  const operation = kind === 'file' ? fileOperation(method, match[3], headers) : containerOperation(method, match[3], headers);
  return { operation, resource: { kind, id } };
}

/** WOPI reads are GET (HEAD too) and every change is a POST with X-WOPI-Override; a PUT or DELETE is none of them. */
function isWopiMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'POST';
}

function fileOperation(method: string, suffix: string | undefined, headers: HeaderBag): OperationName {
  if (!isWopiMethod(method)) return Operation.Unknown;
  const override = header(headers, WopiHeader.Override);
  switch (suffix) {
    case 'contents':
      if (method !== 'POST') return Operation.GetFile;
      // Spec (PutFile): POST …/contents with X-WOPI-Override: PUT. Another override (a LOCK sent to
      // the wrong URL) is not a PutFile and must never replace the content; none at all still is.
      return override === '' || override === WopiOverride.Put ? Operation.PutFile : Operation.Unknown;
    case 'ancestry':
      return Operation.EnumerateAncestorsFile;
    case 'ecosystem_pointer':
      return Operation.GetEcosystemFile;
    case 'children':
      return Operation.Unknown;
  }
  if (method !== 'POST') return Operation.CheckFileInfo;
  // Spec (UnlockAndRelock): a LOCK that carries X-WOPI-OldLock swaps one lock for another.
  if (override === WopiOverride.Lock && headers[WopiHeader.OldLock] !== undefined) return Operation.UnlockAndRelock;
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
  return containerOverrides[header(headers, WopiHeader.Override)] ?? Operation.Unknown;
}

/** Operations that answer a 401 with the bootstrapper's Bearer challenge. */
export const bootstrapperOperations: ReadonlySet<OperationName> = new Set([
  Operation.Bootstrap,
  Operation.GetNewAccessToken,
  Operation.GetRootContainerBootstrapper,
  Operation.GetFileWopiSrcBootstrapper,
]);
