/*
 * The package's library entry: `import { startMockHost, checkHost } from 'wopi-mock-host'`.
 * The pure protocol helpers are on the `wopi-mock-host/protocol` subpath. Nothing here pulls in
 * Electron or the UI.
 */
export {
  startMockHost,
  mergeConfig,
  MockHostConfigError,
  MockHostScenarioError,
  SpecWarningsError,
  type MockHost,
  type MockHostOptions,
  type MockHostUrls,
  type LogFilter,
  type ObservedRequest,
  type FaultHandle,
  type DeepPartial,
} from './library/mock-host.js';
export { createVirtualClock, type VirtualClock } from './library/virtual-clock.js';
export { expirableKinds, type ExpirableKind } from './tokens/expire-now.js';
export { anotherEditorActions, type AnotherEditorAction, type AnotherEditorResult } from './storage/another-editor.js';
export type { ScenarioView, ScenarioApplied, ScenarioRemoved } from './scenarios/scenario-book.js';
export type { Scenario, ScenarioAction, ScenarioInput } from './scenarios/schema.js';
export type { TrustingFetch } from './library/trusting-fetch.js';
export { checkHost, type CheckOutcome } from './check/check-host.js';
export type { CheckOptions, ClientCredentials, SignInMode } from './check/options.js';
export type { CheckReport, CheckSummary, PhaseResult, RuleResult, RuleStatus, Evidence, CheckProgress } from './check/report.js';
export { formatReport, type ReportFormat } from './check/formats.js';
export { rules, ruleIds, type RuleId, type RuleDefinition, type Severity, type Finding } from './analysis/rulebook.js';
export { knownBugs, type KnownBug, type KnownBugKey } from './analysis/known-bugs.js';
export type { Config, FaultRule, FaultRuleInput, MockUser } from './state/config-schema.js';
export type { LogEntry, LogSummary, ExchangeFacts, HeaderLine, CapturedBody } from './log/entry.js';
export type { OperationName } from './protocol/operations.js';
export { engineVersion as version } from './version.js';
