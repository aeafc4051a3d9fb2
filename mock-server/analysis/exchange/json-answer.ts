import type { OperationName } from '../../protocol/operations.js';
import type { LogEntry } from '../../log/entry.js';
import type { RuleId } from '../rulebook.js';
import { headerValue, jsonBody } from '../token-insight.js';
import type { ExchangeCheck, Json, Report } from './check.js';

/** What one operation's 200 JSON answer must hold, beyond being JSON. */
export interface JsonAnswerRules {
  rules: readonly RuleId[];
  check(body: Json, entry: LogEntry, report: Report): void;
  /** The content-type and not-JSON rules to report under (the token endpoint has its own). */
  contentTypeRule?: RuleId;
}

/**
 * Builds the check for the JSON bodies of 200 answers from a table of operations: the content
 * type and the parse are checked once here, the properties by each operation's rules.
 */
export function jsonAnswers(name: string, table: ReadonlyMap<OperationName, JsonAnswerRules>): ExchangeCheck {
  return {
    name,
    rulesFor: (entry) => {
      const rules = entry.status === 200 ? table.get(entry.operation) : undefined;
      return rules ? [rules.contentTypeRule ?? 'json-content-type', 'not-json', ...rules.rules] : [];
    },
    check(entry, report) {
      const rules = table.get(entry.operation);
      if (!rules || entry.status !== 200) return;
      const contentType = headerValue(entry.responseHeaders, 'content-type') ?? '';
      if (!/^application\/json\b/i.test(contentType.trim())) {
        report(
          rules.contentTypeRule ?? 'json-content-type',
          `${entry.operation} answered 200 with Content-Type "${contentType}"; the response must be application/json.`,
        );
      }
      if (entry.responseBody?.truncated) return;
      const body = jsonBody(entry);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        return report(
          'not-json',
          `${entry.operation} answered 200 but the body is not a JSON object${entry.responseBody ? '' : ' (it is empty)'}.`,
        );
      }
      rules.check(body as Json, entry, report);
    },
  };
}
