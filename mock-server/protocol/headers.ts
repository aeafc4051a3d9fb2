/** Every WOPI wire header the host reads or writes, declared once. Node lowercases incoming names. */
export const WopiHeader = {
  Override: 'x-wopi-override',
  EcosystemOperation: 'x-wopi-ecosystemoperation',
  WopiSrc: 'x-wopi-wopisrc',
  SessionContext: 'x-wopi-sessioncontext',
  Lock: 'x-wopi-lock',
  OldLock: 'x-wopi-oldlock',
  ItemVersion: 'X-WOPI-ItemVersion',
  MaxExpectedSize: 'x-wopi-maxexpectedsize',
  ServerError: 'X-WOPI-ServerError',
  FileExtensionFilterList: 'x-wopi-fileextensionfilterlist',
  HostNativeFileName: 'x-wopi-hostnativefilename',
  LockFailureReason: 'X-WOPI-LockFailureReason',
  SuggestedTarget: 'x-wopi-suggestedtarget',
  RelativeTarget: 'x-wopi-relativetarget',
  OverwriteRelativeTarget: 'x-wopi-overwriterelativetarget',
  ValidRelativeTarget: 'X-WOPI-ValidRelativeTarget',
  RequestedName: 'x-wopi-requestedname',
  InvalidFileNameError: 'X-WOPI-InvalidFileNameError',
  InvalidContainerNameError: 'X-WOPI-InvalidContainerNameError',
  UrlType: 'x-wopi-urltype',
} as const;

/**
 * `X-WOPI-Override` values: which change a POST to a file or container asks for, compared
 * case-insensitively (classify.ts upper-cases what arrives). COBALT is listed for completeness:
 * this host does not implement it, so it is answered 501 like any other override it lacks.
 */
export const WopiOverride = {
  Lock: 'LOCK',
  GetLock: 'GET_LOCK',
  RefreshLock: 'REFRESH_LOCK',
  Unlock: 'UNLOCK',
  Put: 'PUT',
  PutRelative: 'PUT_RELATIVE',
  RenameFile: 'RENAME_FILE',
  Delete: 'DELETE',
  PutUserInfo: 'PUT_USER_INFO',
  GetShareUrl: 'GET_SHARE_URL',
  AddActivities: 'ADD_ACTIVITIES',
  CreateChildFile: 'CREATE_CHILD_FILE',
  CreateChildContainer: 'CREATE_CHILD_CONTAINER',
  DeleteContainer: 'DELETE_CONTAINER',
  RenameContainer: 'RENAME_CONTAINER',
  Cobalt: 'COBALT',
} as const;

/** `X-WOPI-EcosystemOperation` values sent to POST /wopibootstrapper. */
export const EcosystemOperation = {
  GetNewAccessToken: 'GET_NEW_ACCESS_TOKEN',
  GetRootContainer: 'GET_ROOT_CONTAINER',
  GetWopiSrcWithAccessToken: 'GET_WOPI_SRC_WITH_ACCESS_TOKEN',
} as const;

/** The host's own routes. Container and ecosystem URLs never end in `/`: clients append path segments. */
export const Route = {
  Bootstrapper: '/wopibootstrapper',
  Authorize: '/oauth/authorize',
  Token: '/oauth/token',
  Revoke: '/oauth/revoke',
  CaCertificate: '/ca.crt',
  CaMobileConfig: '/ca.mobileconfig',
  DeviceSetup: '/setup',
  Ecosystem: '/wopi/ecosystem',
  RootContainerPointer: '/wopi/ecosystem/root_container_pointer',
  Files: '/wopi/files',
  Containers: '/wopi/containers',
  /** `/share/<share token>` (the page a share URL opens) and `/share/<share token>/content`. */
  Share: '/share',
} as const;
