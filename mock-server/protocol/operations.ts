/**
 * Every operation the mock host can name, as it appears in the request log and in fault rules.
 * WOPI operation names follow the WOPI REST docs; the rest name the host's own endpoints.
 */
export const Operation = {
  Bootstrap: 'Bootstrap',
  GetNewAccessToken: 'GetNewAccessToken',
  GetRootContainerBootstrapper: 'GetRootContainer(bootstrapper)',
  GetFileWopiSrcBootstrapper: 'GetFileWopiSrc(bootstrapper)',
  Authorize: 'Authorize',
  Token: 'Token',
  /** RFC 7009 token revocation. */
  Revoke: 'Revoke',
  CheckEcosystem: 'CheckEcosystem',
  GetRootContainer: 'GetRootContainer',
  GetFileWopiSrc: 'GetFileWopiSrc',
  CheckFileInfo: 'CheckFileInfo',
  GetFile: 'GetFile',
  PutFile: 'PutFile',
  Lock: 'Lock',
  GetLock: 'GetLock',
  RefreshLock: 'RefreshLock',
  Unlock: 'Unlock',
  UnlockAndRelock: 'UnlockAndRelock',
  PutRelativeFile: 'PutRelativeFile',
  RenameFile: 'RenameFile',
  DeleteFile: 'DeleteFile',
  PutUserInfo: 'PutUserInfo',
  GetShareUrlFile: 'GetShareUrl(file)',
  AddActivities: 'AddActivities',
  EnumerateAncestorsFile: 'EnumerateAncestors(file)',
  GetEcosystemFile: 'GetEcosystem(file)',
  CheckContainerInfo: 'CheckContainerInfo',
  EnumerateChildren: 'EnumerateChildren',
  EnumerateAncestorsContainer: 'EnumerateAncestors(container)',
  CreateChildFile: 'CreateChildFile',
  CreateChildContainer: 'CreateChildContainer',
  DeleteContainer: 'DeleteContainer',
  RenameContainer: 'RenameContainer',
  GetEcosystemContainer: 'GetEcosystem(container)',
  GetShareUrlContainer: 'GetShareUrl(container)',
  /** The page a share URL opens, and its download link (not WOPI: a browser follows them). */
  SharePage: 'SharePage',
  ShareDownload: 'ShareDownload',
  CaCertificate: 'CaCertificate',
  CaMobileConfig: 'CaMobileConfig',
  DeviceSetup: 'DeviceSetup',
  Unknown: 'Unknown',
} as const;

export type OperationName = (typeof Operation)[keyof typeof Operation];

export const operationNames: readonly OperationName[] = Object.values(Operation);
