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
