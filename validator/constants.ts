/**
 * The wire names the WOPI validator uses, declared once. They mirror wopi-validator-core's
 * `src/WopiValidator.Core/Constants.cs`, which this runner ports.
 */

export const Header = {
  Authorization: 'Authorization',
  Override: 'X-WOPI-Override',
  Lock: 'X-WOPI-Lock',
  OldLock: 'X-WOPI-OldLock',
  SuggestedTarget: 'X-WOPI-SuggestedTarget',
  RelativeTarget: 'X-WOPI-RelativeTarget',
  RequestedName: 'X-WOPI-RequestedName',
  FileExtensionFilterList: 'X-WOPI-FileExtensionFilterList',
  Size: 'X-WOPI-Size',
  OverwriteRelative: 'X-WOPI-OverwriteRelativeTarget',
  ItemVersion: 'X-WOPI-ItemVersion',
  UrlType: 'X-WOPI-UrlType',
  LockUserVisible: 'X-WOPI-LockUserVisible',
  EcosystemOperation: 'X-WOPI-EcosystemOperation',
  WopiSrc: 'X-WOPI-WopiSrc',
  /** Not a WOPI header: the validator carries transport errors in it (its ExceptionHelper). */
  ValidatorError: 'X-WOPI-ValidatorError',
} as const;

export const Override = {
  Lock: 'LOCK',
  Unlock: 'UNLOCK',
  RefreshLock: 'REFRESH_LOCK',
  GetLock: 'GET_LOCK',
  Put: 'PUT',
  PutRelative: 'PUT_RELATIVE',
  Delete: 'DELETE',
  CreateChildContainer: 'CREATE_CHILD_CONTAINER',
  CreateChildFile: 'CREATE_CHILD_FILE',
  DeleteContainer: 'DELETE_CONTAINER',
  RenameContainer: 'RENAME_CONTAINER',
  RenameFile: 'RENAME_FILE',
  GetShareUrl: 'GET_SHARE_URL',
  AddActivities: 'ADD_ACTIVITIES',
  PutUserInfo: 'PUT_USER_INFO',
} as const;

export const Category = {
  WopiCore: 'WopiCore',
  OfficeOnline: 'OfficeOnline',
  OfficeNativeClient: 'OfficeNativeClient',
  WopiCoauth: 'WopiCoauth',
} as const;
export type Category = (typeof Category)[keyof typeof Category];
export const categories: readonly Category[] = Object.values(Category);

/** The categories this runner executes; OfficeOnline needs proof keys and WopiCoauth the coauth/chunking stack. */
export const supportedCategories: readonly Category[] = [Category.WopiCore, Category.OfficeNativeClient];

/** Sent on every request when OfficeNativeClient tests are in the run (validator `Program.GetTestCaseExecutor`). */
export const officeNativeClientUserAgent = 'Microsoft Office WOPI Validator/1.0';

/** `$State:Name` refers to a value saved by an earlier request of the same test case. */
export const stateToken = '$State:';
export const StateKey = { OriginalAccessToken: 'OriginalAccessToken', OriginalWopiSrc: 'OriginalWopiSrc' } as const;

/** The validator's ExceptionHelper reports a request that got no HTTP response as this status (HttpStatusCode.Unused). */
export const noResponseStatus = 306;
