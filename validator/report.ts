import { bodyText, statusText } from './http.js';
import type { RequestRecord } from './executor.js';
import { summarize, type TestResult } from './runner.js';

/** Console and JSON output of a run. Pure: every function returns text. */

const bodyPreviewLimit = 2000;

/** One line per test as it finishes; failures add the validator's per-request detail. */
export function formatResult(result: TestResult, verbose: boolean): string {
  if (result.status === 'passed') return `  Pass: ${result.name}`;
  if (result.status === 'skipped') return `  Skip: ${result.name} (skip list: ${result.message})`;
  const lines = [`  Fail: ${result.name}: ${failureHeadline(result)}`];
  for (const record of result.requests) {
    lines.push(
      `      ${record.cleanup ? 'cleanup ' : ''}${record.operation}, response code: ${record.response ? `${record.response.status} ${statusText(record.response.status)}` : 'not sent'}`,
    );
    for (const error of record.errors) lines.push(`        ${error.replaceAll('\n', ' ')}`);
    if (verbose) lines.push(...exchange(record).map((l) => `          ${l}`));
  }
  return lines.join('\n');
}

function failureHeadline(result: TestResult): string {
  if (result.prerequisite)
    return `prerequisite ${result.prerequisite} failed (the validator reports the test as Skipped and the run as failed)`;
  return result.message ?? 'failed';
}

/** The request and response of one record, tokens shortened. */
export function exchange(record: RequestRecord): string[] {
  const lines: string[] = [];
  if (record.request) {
    lines.push(`> ${record.request.method} ${shortenTokens(record.request.url)}`);
    for (const [name, value] of record.request.headers) lines.push(`> ${name}: ${shortenTokens(value)}`);
    if (record.request.body) lines.push(`> (${record.request.body.length} bytes) ${preview(record.request.body)}`);
  }
  if (record.response) {
    lines.push(`< ${record.response.status} ${statusText(record.response.status)}`);
    for (const [name, value] of record.response.headers) lines.push(`< ${name}: ${shortenTokens(value)}`);
    if (record.response.body.length > 0) {
      lines.push(
        record.response.isTextResponse
          ? `< ${shortenTokens(bodyText(record.response).slice(0, bodyPreviewLimit))}`
          : `< (${record.response.body.length} bytes)`,
      );
    }
  }
  return lines;
}

function preview(body: Buffer): string {
  const text = body.toString('utf8');
  // eslint-disable-next-line no-control-regex -- control characters other than whitespace mark a binary body
  return /[\x00-\x08\x0e-\x1f]/.test(text) ? '' : text.slice(0, bodyPreviewLimit);
}

/** Tokens are long and secret-ish: keep their first and last six characters. */
export function shortenTokens(text: string): string {
  const shorten = (_: string, prefix: string, token: string) =>
    token.length <= 16 ? prefix + token : `${prefix}${token.slice(0, 6)}…${token.slice(-6)}`;
  return text.replace(/(access_token=)([^&#\s"]+)/gi, shorten).replace(/(Bearer )(\S+)/g, shorten);
}

/** The line that starts a group's results; names the host configuration when the runner chose one. */
export function formatGroupHeading(group: string, host: string | undefined): string {
  return host === undefined ? group : `${group}  (host: ${host})`;
}

/**
 * The per-group table and the final `N passed, N failed, N skipped` line. Against our own mock the
 * table also says which host configuration each group ran under.
 */
export function formatSummary(results: TestResult[]): string {
  const { groups, total } = summarize(results);
  const width = Math.max('group'.length, 'total'.length, ...groups.map((g) => g.group.length));
  const withHost = groups.some((g) => g.host !== undefined);
  const row = (name: string, passed: number | string, failed: number | string, skipped: number | string, host = '') =>
    `${name.padEnd(width)}  ${String(passed).padStart(6)}  ${String(failed).padStart(6)}  ${String(skipped).padStart(7)}${withHost && host !== '' ? `  ${host}` : ''}`;
  return [
    row('group', 'passed', 'failed', 'skipped', 'host'),
    ...groups.map((g) => row(g.group, g.passed, g.failed, g.skipped, g.host)),
    row('total', total.passed, total.failed, total.skipped),
    '',
    `${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`,
  ].join('\n');
}

/** `--json`: the whole run as one document. */
export function toJson(results: TestResult[], verbose: boolean): unknown {
  const { groups, total } = summarize(results);
  return {
    summary: total,
    groups,
    tests: results.map((r) => ({
      group: r.group,
      name: r.name,
      category: r.category,
      status: r.status,
      ...(r.message !== undefined ? { message: r.message } : {}),
      ...(r.prerequisite !== undefined ? { prerequisite: r.prerequisite } : {}),
      ...(r.host !== undefined ? { host: r.host } : {}),
      errors: r.errors,
      requests: r.requests.map((q) => ({
        operation: q.operation,
        cleanup: q.cleanup,
        method: q.request?.method ?? null,
        url: q.request ? shortenTokens(q.request.url) : null,
        status: q.response?.status ?? null,
        errors: q.errors,
        ...(verbose && r.status === 'failed' ? { exchange: exchange(q) } : {}),
      })),
    })),
  };
}
