import type { LogEntry } from '../mock-server/log/entry.js';

/** A complete log entry for formatter tests; each test overrides only what it is about. */
export function logEntry(overrides: Partial<LogEntry>): LogEntry {
  return {
    seq: 1,
    time: '2025-03-01T10:00:00.000Z',
    operation: 'Unknown',
    method: 'GET',
    url: '/',
    httpVersion: '1.1',
    status: 200,
    durationMs: 1,
    userId: null,
    remoteAddress: '192.168.1.20',
    requestHeaders: [],
    responseHeaders: [],
    requestBody: null,
    responseBody: null,
    faultId: null,
    knownBugs: [],
    aborted: false,
    notes: [],
    ...overrides,
  };
}
