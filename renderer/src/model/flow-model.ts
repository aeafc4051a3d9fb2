import type { LogSummary } from '../../../mock-server/log/entry.ts';
import { statusClassOf, type StatusClass } from './log-filter.js';
import type { LogStore } from './log-store.ts';

/** The host's three doors, each a column of the sequence diagram. */
export const flowTargets = [
  { key: 'bootstrapper', label: 'Bootstrapper', path: '/wopibootstrapper' },
  { key: 'oauth', label: 'OAuth', path: '/oauth/…' },
  { key: 'wopi', label: 'WOPI', path: '/wopi/…' },
] as const;
export type FlowTarget = (typeof flowTargets)[number]['key'];

/** Where in the sign-in story a step belongs; the diagram colours by it. */
export type FlowPhase = 'sign-in' | 'bootstrap' | 'files';

/** One client: a remote address with one user agent. */
export interface FlowLane {
  key: string;
  /** The client in words: "Word 1.22", "Office Identity Service", "Chrome 140"… */
  label: string;
  remoteAddress: string;
  userAgent: string;
  /** Users this client acted as, in the order they appeared. */
  users: string[];
}

export interface FlowStep {
  seq: number;
  /** Position since the diagram started; steps keep it when older ones are dropped, so they need no re-layout. */
  ordinal: number;
  /** Arrived with many others at once (a burst): shown without an arrival animation. */
  burst: boolean;
  lane: string;
  target: FlowTarget;
  phase: FlowPhase;
  /** Short, projector-sized: "Bootstrap", "Sign-in page", "Code → tokens". */
  title: string;
  /** What came back: "401 · Bearer challenge", "200 · alice" (a fired fault is `faultId`). */
  result: string;
  status: number;
  statusClass: StatusClass;
  faultId: string | null;
  time: string;
}

export function flowTargetOf(url: string): FlowTarget | null {
  const path = url.split('?')[0] ?? '';
  if (path === '/wopibootstrapper' || path === '/wopibootstrapper/') return 'bootstrapper';
  if (path.startsWith('/oauth/')) return 'oauth';
  if (path.startsWith('/wopi/')) return 'wopi';
  return null;
}

/** A user agent in the words a room full of people recognises. */
export function describeClient(userAgent: string): string {
  const ua = userAgent.trim();
  if (ua === '') return 'Client without User-Agent';
  const rules: Array<[RegExp, (m: RegExpExecArray) => string]> = [
    [/Microsoft Office Identity Service/i, () => 'Office Identity Service'],
    [/Microsoft Office WOPI Validator/i, () => 'WOPI validator'],
    [/^(Word|Excel|PowerPoint|OneNote|Microsoft Office)\/(\d+(?:\.\d+)?)/i, (m) => `${m[1]} ${m[2]}`],
    [/WOPIAuth\/?([\d.]*)/i, (m) => `WOPIAuth${m[1] ? ' ' + m[1] : ''}`],
    [/Edg\/(\d+)/, (m) => `Edge ${m[1]}`],
    [/HeadlessChrome\/(\d+)/, (m) => `Chrome ${m[1]} (headless)`],
    [/Chrome\/(\d+)/, (m) => `Chrome ${m[1]}`],
    [/Firefox\/(\d+)/, (m) => `Firefox ${m[1]}`],
    [/Version\/(\d+(?:\.\d+)?).*Safari/, (m) => `Safari ${m[1]}`],
    [/^curl\/([\d.]+)/i, (m) => `curl ${m[1]}`],
    [/^(node|undici)\b/i, () => 'Node.js'],
  ];
  for (const [pattern, name] of rules) {
    const match = pattern.exec(ua);
    if (match) return name(match);
  }
  return ua.split(/[\s/(]/)[0] || ua;
}

/** The step an entry shows as: what was asked, what came back, in the story's words. */
export function describeStep(entry: LogSummary): Pick<FlowStep, 'title' | 'result' | 'phase'> {
  const status = entry.status === 0 ? 'no answer' : String(entry.status);
  const user = entry.userId !== null ? ` · ${entry.userId}` : '';
  // What the engine read from the headers and bodies the summary leaves out (mock-server/log/summary.ts).
  const facts = entry.facts ?? {};
  switch (entry.operation) {
    case 'Bootstrap':
      if (entry.status === 401) {
        return {
          phase: 'sign-in',
          title: entry.sentAuthorization ? 'Bootstrap (token refused)' : 'Bootstrap (no token)',
          result: '401 · Bearer challenge',
        };
      }
      return { phase: 'bootstrap', title: entry.status === 200 ? 'Bootstrap (signed in)' : 'Bootstrap', result: `${status}${user}` };
    case 'Authorize':
      if (entry.method === 'GET') return { phase: 'sign-in', title: 'Sign-in page', result: status };
      if (entry.status === 302) {
        const error = facts.redirectError;
        return { phase: 'sign-in', title: 'Sign in', result: error ? `302 · ${error}` : `302 · code${user}` };
      }
      return { phase: 'sign-in', title: 'Sign in', result: status };
    case 'Token': {
      const title = facts.grantType === 'refresh_token' ? 'Refresh → tokens' : 'Code → tokens';
      const who = facts.issuedUserId ? ` · ${facts.issuedUserId}` : user;
      return { phase: 'sign-in', title, result: `${status}${who}` };
    }
    case 'GetNewAccessToken': {
      const scope = facts.issuedScope ? ` · WOPI token for ${facts.issuedScope}` : user;
      return { phase: 'bootstrap', title: 'GetNewAccessToken', result: `${status}${scope}` };
    }
    case 'GetRootContainer(bootstrapper)':
      return { phase: 'bootstrap', title: 'GetRootContainer', result: `${status}${user}` };
    default:
      return { phase: flowTargetOf(entry.url) === 'wopi' ? 'files' : 'bootstrap', title: entry.operation, result: status };
  }
}

/**
 * The sign-in and token flow as a sequence of steps on client lanes, built from the log store
 * incrementally (each sync reads only what arrived) and capped to the newest `maxSteps`.
 * Clearing the diagram leaves the log alone: it only moves where the diagram starts.
 */
export class FlowModel {
  steps: FlowStep[] = [];
  lanes: FlowLane[] = [];
  version = 0;
  private laneByKey = new Map<string, FlowLane>();
  private scannedSeq = 0;
  private nextOrdinal = 0;
  private epoch = -1;

  /** At most this many new steps in one batch are animated. */
  static readonly animatedBatch = 6;

  constructor(readonly maxSteps = 250) {}

  /** The ordinal of the oldest step shown; the diagram is drawn from there. */
  get firstOrdinal(): number {
    return this.steps[0]?.ordinal ?? this.nextOrdinal;
  }

  sync(store: LogStore): void {
    if (this.epoch !== store.epoch) {
      this.epoch = store.epoch;
      // The log was cleared: so is the diagram, which goes on with what arrives next.
      this.reset(this.scannedSeq);
    }
    if (store.lastSeq <= this.scannedSeq) return;
    const added: FlowStep[] = [];
    for (let i = store.indexAfter(this.scannedSeq); i < store.size; i++) {
      const step = this.stepOf(store.at(i)!);
      if (step) added.push(step);
    }
    this.scannedSeq = store.lastSeq;
    if (added.length === 0) return;
    // An animation per step is for following a flow by eye; a burst would only turn into a blur.
    if (added.length > FlowModel.animatedBatch) for (const step of added) step.burst = true;
    this.steps = this.steps.concat(added);
    if (this.steps.length > this.maxSteps) this.steps = this.steps.slice(this.steps.length - this.maxSteps);
    this.rebuildLanes();
    this.version++;
  }

  /** Starts the diagram afresh from the next request on. */
  clear(store: LogStore): void {
    this.reset(store.lastSeq);
    this.version++;
  }

  private reset(afterSeq: number): void {
    this.steps = [];
    this.lanes = [];
    this.laneByKey.clear();
    this.scannedSeq = afterSeq;
  }

  private stepOf(entry: LogSummary): FlowStep | null {
    const target = flowTargetOf(entry.url);
    if (target === null || entry.operation === 'Unknown') return null;
    const known = this.laneFor(entry.remoteAddress, entry.userAgent);
    const lane = known.key;
    if (entry.userId !== null && !known.users.includes(entry.userId)) known.users = [...known.users, entry.userId];
    return {
      seq: entry.seq,
      ordinal: this.nextOrdinal++,
      burst: false,
      lane,
      target,
      ...describeStep(entry),
      status: entry.status,
      statusClass: statusClassOf(entry.status),
      faultId: entry.faultId,
      time: entry.time,
    };
  }

  /**
   * The lane of a remote address and user agent. An entry whose address was not recorded (the
   * client had already closed the connection) joins the lane of the same user agent, and a lane
   * that started without an address takes the first one seen.
   */
  private laneFor(remoteAddress: string, userAgent: string): FlowLane {
    const key = `${remoteAddress}\n${userAgent}`;
    let lane = this.laneByKey.get(key);
    if (lane) return lane;
    if (remoteAddress === '') {
      lane = [...this.laneByKey.values()].find((l) => l.userAgent === userAgent);
    } else {
      lane = this.laneByKey.get(`\n${userAgent}`);
      if (lane && lane.remoteAddress === '') lane.remoteAddress = remoteAddress;
      else lane = undefined;
    }
    lane ??= { key, label: describeClient(userAgent), remoteAddress, userAgent, users: [] };
    this.laneByKey.set(key, lane);
    return lane;
  }

  /** Lanes of the steps still shown, in order of first appearance. */
  private rebuildLanes(): void {
    const order: FlowLane[] = [];
    const seen = new Set<string>();
    for (const step of this.steps) {
      if (seen.has(step.lane)) continue;
      seen.add(step.lane);
      order.push(this.laneByKey.get(step.lane)!);
    }
    this.lanes = order;
  }
}
