import type { OperationName } from '../protocol/operations.js';

// HAR 1.2 object model: http://www.softwareishard.com/blog/har-12-spec/
// Fields marked optional are optional in the spec; everything else is required. Types only:
// the conversion from log entries is har.ts.

export interface HarCreator {
  name: string;
  version: string;
  comment?: string;
}

export type HarBrowser = HarCreator;

export interface HarPageTimings {
  onContentLoad?: number;
  onLoad?: number;
  comment?: string;
}

export interface HarPage {
  startedDateTime: string;
  id: string;
  title: string;
  pageTimings: HarPageTimings;
  comment?: string;
}

/** Shape shared by headers and query-string parameters. */
export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}

export type HarHeader = HarNameValue;
export type HarQueryParam = HarNameValue;

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  /** ISO 8601. */
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
  comment?: string;
}

export interface HarParam {
  name: string;
  value?: string;
  fileName?: string;
  contentType?: string;
  comment?: string;
}

export interface HarPostData {
  mimeType: string;
  params?: HarParam[];
  text?: string;
  comment?: string;
  /**
   * Extension: HAR 1.2 gives postData no `encoding`, so a binary request body would otherwise be
   * indistinguishable from text that happens to look like base64.
   */
  _encoding?: 'base64';
}

export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: string;
  comment?: string;
}

export interface HarCacheEntry {
  expires?: string;
  lastAccess: string;
  eTag: string;
  hitCount: number;
  comment?: string;
}

export interface HarCache {
  beforeRequest?: HarCacheEntry | null;
  afterRequest?: HarCacheEntry | null;
  comment?: string;
}

export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarHeader[];
  queryString: HarQueryParam[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarHeader[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: HarCache;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
}

/** A HAR entry with this host's `_`-prefixed extension fields, which `toHar` always sets. */
export interface MockHarEntry extends HarEntry {
  _operation: OperationName;
  _userId: string | null;
  _faultId: string | null;
  /** Keys of the known-bug switches that bent the answer on purpose. */
  _knownBugs: readonly string[];
  _seq: number;
  _aborted: boolean;
  _notes: string[];
  /** `proxy` on exchanges the reverse proxy forwarded (absent on mocked ones). */
  _source?: 'mock' | 'proxy';
  /** The upstream origin the exchange was forwarded to. */
  _upstream?: string;
  /** Upstream time to first byte, in ms. */
  _upstreamTtfbMs?: number;
}

export interface HarLog<E extends HarEntry = MockHarEntry> {
  version: string;
  creator: HarCreator;
  browser?: HarBrowser;
  pages?: HarPage[];
  entries: E[];
  comment?: string;
}

export interface Har<E extends HarEntry = MockHarEntry> {
  log: HarLog<E>;
}
