import type { Config, ConfigIssue, FaultRule, FaultRuleInput } from '../state/config-schema.js';
import type { LogEntry, LogSummary } from '../log/entry.js';
import type { ReceivedActivity } from '../log/received-activities.js';
import type { IssuedTokenInfo } from '../tokens/issued-tokens.js';
import type { KnownBugKey } from '../analysis/known-bugs.js';
import type { StreamEventName } from '../protocol/admin-stream.js';
import type { DeviceEndpoint, EngineStatus } from './status.js';
import type { ProxyStatus } from '../proxy/reverse-proxy.js';
import type { ForwardProxyStatus } from '../proxy/forward-status.js';
import type { ProxySection } from '../state/proxy-section.js';
import type { CheckRequest, CheckRunView } from './check-request.js';
import type { ExpirableKind } from '../tokens/expire-now.js';
import type { AnotherEditorAction, AnotherEditorResult } from '../storage/another-editor.js';
import type { CheckReport, Evidence, PhaseId, PhaseResult, RuleResult, RuleStatus } from '../check/report.js';
import type { ScenarioApplied, ScenarioList, ScenarioRemoved, ScenarioView } from '../scenarios/scenario-book.js';
import type { Scenario, ScenarioAction, ScenarioInput } from '../scenarios/schema.js';

/** The Files screen's tree (GET /api/files), as files-routes.ts builds it. */
export interface FileNode {
  kind: 'file';
  id: string;
  name: string;
  size: number;
  version: string;
  lastModifiedTime: string;
  /** The lock that holds now; an expired lock is reported as none. */
  lock: { id: string; expiresAt: string } | null;
}

export interface ContainerNode {
  kind: 'container';
  id: string;
  name: string;
  createdAt: string;
  containers: ContainerNode[];
  files: FileNode[];
}

export interface UserTree {
  userId: string;
  /** False for a user since removed from the config: the files stay in the data dir. */
  configured: boolean;
  root: ContainerNode;
}

/** Data of the `files` stream event: whose trees changed since the last one. */
export interface FilesEvent {
  userIds: string[];
}

/*
 * The admin API's contract (docs/admin-api.md): what each endpoint answers and what each stream
 * event carries, declared once. Types only: the engine's routes check their answers against them
 * (`satisfies`), the UI imports them with `import type`, and nothing here reaches the bundle.
 */

export type {
  Config,
  ConfigIssue,
  FaultRule,
  FaultRuleInput,
  LogEntry,
  LogSummary,
  IssuedTokenInfo,
  EngineStatus,
  DeviceEndpoint,
  ProxyStatus,
  ForwardProxyStatus,
  ProxySection,
  CheckRequest,
  CheckRunView,
  CheckReport,
  Evidence,
  PhaseId,
  PhaseResult,
  RuleResult,
  RuleStatus,
  ReceivedActivity,
  KnownBugKey,
};

/** Every refusal: `[{path, message}]`, JSON paths into the document sent (`$` for the whole). */
export interface ErrorBody {
  errors: ConfigIssue[];
}

/** `PUT /api/config` and `POST /api/reset`: the config as stored and its warnings. */
export interface ConfigSaved {
  config: Config;
  warnings: ConfigIssue[];
}

/**
 * `GET /api/proxy` and `PUT /api/proxy`: the config's proxy section as stored, and what runs now
 * (each part absent while that mode does not run).
 */
export interface ProxyView {
  settings: ProxySection;
  reverse?: ProxyStatus;
  forward?: ForwardProxyStatus;
}

/** A fault rule as the admin API lists it: the stored rule plus its sentence (analysis/explain-fault.ts). */
export type ExplainedFault = FaultRule & { explanation: string };

/** `GET /api/faults` */
export interface FaultList {
  faults: ExplainedFault[];
}

/** `POST /api/faults` (201): the stored rule, its sentence and the warnings the addition raised. */
export type FaultAdded = ExplainedFault & { warnings: ConfigIssue[] };

/** `DELETE /api/faults` */
export interface FaultsCleared {
  removed: number;
}

/** `POST /api/users/:id/revoke` */
export interface UserRevoked {
  userId: string;
  revoked: true;
}

/** `POST /api/users/:id/expire`: the kinds expired and the moment; tokens of those kinds issued up to it are expired. */
export interface UserTokensExpired {
  userId: string;
  kinds: ExpirableKind[];
  expiredAt: string;
}

/** `POST /api/files/:fileId/another-editor` answers an AnotherEditorResult. */
export type { ExpirableKind, AnotherEditorAction, AnotherEditorResult };

/**
 * Scenarios: `GET /api/scenarios` answers a ScenarioList, `GET` and `PUT /api/scenarios/:id` a
 * ScenarioView (PUT takes a ScenarioInput), `POST …/apply` a ScenarioApplied, `POST …/remove` a
 * ScenarioRemoved.
 */
export type { Scenario, ScenarioAction, ScenarioInput, ScenarioView, ScenarioList, ScenarioApplied, ScenarioRemoved };

/** `GET /api/users/:id/tokens` */
export interface UserTokens {
  tokens: IssuedTokenInfo[];
}

/** `GET /api/challenge`: the header a 401 carries, its parameters in order, the switches that bent it. */
export interface ChallengeView {
  header: string;
  parameters: Record<string, string>;
  knownBugs: KnownBugKey[];
}

/** `GET /api/log?after=&limit=&view=`: whole entries, or with `view=summary` what the live stream sends. */
export interface LogPage<E extends LogEntry | LogSummary = LogEntry> {
  entries: E[];
  lastSeq: number;
  capacity: number;
}

/** `GET /api/files` */
export interface FileTrees {
  users: UserTree[];
}

/** `GET /api/files/:id/activities` */
export interface FileActivities {
  fileId: string;
  activities: ReceivedActivity[];
}

/** The data of each admin stream event (`GET /api/log/stream`), by event name (protocol/admin-stream.ts). */
export interface StreamPayloads {
  /** A batch of new log entries, as summaries (`GET /api/log/:seq` has the whole entry); the SSE id is the last one's seq. */
  log: LogSummary[];
  'log-cleared': { lastSeq: number };
  /** The whole fault list after any change. */
  faults: FaultRule[];
  config: ConfigSaved;
  revoked: { userId: string };
  tokens: { userId: string };
  files: FilesEvent;
  check: CheckRunView;
  scenarios: ScenarioList;
}

/** Compiles only while every event name has a payload and nothing else does. */
export type StreamPayloadsCoverEveryEvent = Assert<SameKeys<keyof StreamPayloads, StreamEventName>>;
type SameKeys<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : false;
type Assert<T extends true> = T;
