/*
 * `wopi-mock-host/protocol`: the pure WOPI mobile protocol rules the mock is built from, for a
 * host of your own or its tests. No Node, Express or zod imports.
 */
export {
  challengeFor,
  BearerError,
  formatBootstrapChallenge,
  parseChallenge,
  encodeUrlSchemes,
  decodeUrlSchemes,
  challengeProblems,
  urlSchemePlatforms,
  type BootstrapChallenge,
  type BuiltChallenge,
  type ChallengeOptions,
  type ChallengeSettings,
  type ChallengeSwitch,
  type ChallengeSwitches,
  type ChallengeStyle,
  type ParsedChallenge,
  type UrlSchemes,
  type UrlSchemePlatform,
} from './challenge.js';
export {
  parseBearerAuthorization,
  parseBasicAuthorization,
  type AuthorizationParse,
  type BasicCredentials,
  type BearerForm,
} from './authorization.js';
export { resolveWopiSrc, isPlausibleResourceId, type WopiSrcContext, type WopiSrcResolution, type ResourceKind } from './wopi-src.js';
export { classifyRequest, type Classified } from './classify.js';
export { Operation, operationNames, type OperationName } from './operations.js';
export { WopiHeader, EcosystemOperation, Route } from './headers.js';
