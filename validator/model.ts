import type { Category } from './constants.js';

/**
 * The test definitions of a `TestCases.xml`, as the validator's factories read them
 * (`ConfigParser`, `TestCaseFactory`, `RequestFactory`, `ValidatorFactory`, `StateFactory`, `MutatorFactory`).
 */

export interface TestSuite {
  resources: ResourceDefinition[];
  prereqCases: TestCaseDefinition[];
  groups: TestGroupDefinition[];
}

/** `<File Id= Name= FilePath=>`: its content is synthetic (see resources.ts), as in the validator. */
export interface ResourceDefinition {
  id: string;
  name: string;
  filePath: string;
}

export interface TestGroupDefinition {
  name: string;
  /** `HasDelay="true"`: groups whose tests wait on purpose (all WopiCoauth today). */
  hasDelay: boolean;
  prereqNames: string[];
  testCases: TestCaseDefinition[];
}

export interface TestCaseDefinition {
  name: string;
  category: Category;
  description: string;
  failMessage: string | undefined;
  requests: RequestDefinition[];
  /** Run after the requests whatever happened; their results are never validated. */
  cleanupRequests: RequestDefinition[];
}

export interface RequestDefinition {
  /** The element name: the operation (`CheckFileInfo`, `Lock`, …). */
  operation: string;
  /** Every attribute of the element, as written (entities decoded). */
  attributes: Record<string, string>;
  /** `null` when the element has no `<Validators>`: the validator then checks for a 200 only. */
  validators: ValidatorDefinition[] | null;
  stateSavers: StateDefinition[];
  mutators: MutatorDefinition[];
  /** The text of `<RequestBody>` when not empty. */
  requestBody: string | undefined;
}

export interface StateDefinition {
  name: string;
  /** A JSON path into the body, or a header name when `sourceType` is `Header`. */
  source: string;
  sourceType: 'JsonBody' | 'Header';
}

export type MutatorDefinition =
  /** Replaces the token with `mutation`, or with a random GUID when absent. */
  | { kind: 'AccessToken'; mutation: string | undefined }
  /** Only acts when proof keys are configured, which this runner never does (OfficeOnline is out of scope). */
  | { kind: 'ProofKey' }
  | { kind: 'Unsupported'; element: string };

export type ValidatorDefinition =
  | { kind: 'ResponseCode'; expectedCode: number }
  | {
      kind: 'ResponseHeader';
      header: string;
      expectedValue: string | undefined;
      expectedStateKey: string | undefined;
      comparator: string;
      isRequired: boolean;
      shouldMatch: boolean;
    }
  | { kind: 'JsonResponseContent'; shouldExist: boolean; properties: PropertyDefinition[] }
  | { kind: 'JsonSchema'; schema: string }
  | { kind: 'LockMismatch'; expectedLock: string | undefined }
  | { kind: 'ResponseContent'; expectedResourceId: string | undefined; expectedBodyContent: string | undefined }
  | { kind: 'And'; validators: ValidatorDefinition[] }
  | { kind: 'Or'; validators: ValidatorDefinition[] }
  /** Elements this runner does not implement (FramesValidator: incremental file transfer, WopiCoauth only). */
  | { kind: 'Unsupported'; element: string };

export const propertyKinds = [
  'BooleanProperty',
  'IntegerProperty',
  'LongProperty',
  'StringProperty',
  'StringRegexProperty',
  'AbsoluteUrlProperty',
  'ArrayProperty',
  'ArrayLengthProperty',
  'ResponseBodyProperty',
] as const;
export type PropertyKind = (typeof propertyKinds)[number];

/** One property check inside `<JsonResponseContentValidator>`. */
export interface PropertyDefinition {
  kind: PropertyKind;
  /** A Json.NET `SelectToken` path (`Url`, `ChildFiles[0].Size`, `AncestorsWithRootFirst[-1:].Url`). */
  name: string;
  isRequired: boolean;
  /** The raw `ExpectedValue` (`ContainsValue` for ArrayProperty); its type depends on the kind. */
  expectedValue: string | undefined;
  expectedStateKey: string | undefined;
  endsWith: string | undefined;
  shouldMatch: boolean;
  mustIncludeAccessToken: boolean;
  ignoreCase: boolean;
}
