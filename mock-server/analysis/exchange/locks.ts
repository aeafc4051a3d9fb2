import { WopiHeader } from '../../protocol/headers.js';
import { Operation, type OperationName } from '../../protocol/operations.js';
import type { RuleId } from '../rulebook.js';
import { headerValue } from '../token-insight.js';
import type { ExchangeCheck } from './check.js';

const lockConflictOperations: ReadonlySet<OperationName> = new Set([
  Operation.Lock,
  Operation.Unlock,
  Operation.RefreshLock,
  Operation.UnlockAndRelock,
  Operation.PutFile,
]);
const itemVersionOperations: ReadonlySet<OperationName> = new Set([Operation.Lock, Operation.Unlock, Operation.PutFile]);

/** X-WOPI-Lock and X-WOPI-ItemVersion where Office mobile relies on them. */
export const lockHeaders: ExchangeCheck = {
  name: 'lock headers',
  rulesFor(entry) {
    const rules: RuleId[] = [];
    if (entry.status === 200 && itemVersionOperations.has(entry.operation)) rules.push('item-version-missing');
    if (
      (entry.status === 200 && entry.operation === Operation.GetLock) ||
      ((entry.status === 409 || entry.status === 200) && lockConflictOperations.has(entry.operation))
    ) {
      rules.push(entry.status === 200 && entry.operation !== Operation.GetLock ? 'lock-header-on-success' : 'lock-header-missing');
    }
    return rules;
  },
  check(entry, report) {
    const lock = headerValue(entry.responseHeaders, WopiHeader.Lock);
    if (
      entry.status === 200 &&
      itemVersionOperations.has(entry.operation) &&
      headerValue(entry.responseHeaders, WopiHeader.ItemVersion) === undefined
    ) {
      report(
        'item-version-missing',
        `${entry.operation} answered 200 without X-WOPI-ItemVersion; Office mobile requires it on PutFile, Lock and Unlock.`,
      );
    }
    if (entry.status === 200 && entry.operation === Operation.GetLock && lock === undefined) {
      report('lock-header-missing', 'GetLock answered 200 without X-WOPI-Lock; it must always be sent (empty when the file is unlocked).');
    }
    if (entry.status === 409 && lockConflictOperations.has(entry.operation) && lock === undefined) {
      report(
        'lock-header-missing',
        `${entry.operation} answered 409 without X-WOPI-Lock; a lock conflict must name the current lock ("" when unlocked).`,
      );
    }
    if (entry.status === 200 && lockConflictOperations.has(entry.operation) && lock !== undefined) {
      report(
        'lock-header-on-success',
        `${entry.operation} answered 200 with X-WOPI-Lock; the header should only be sent on 200 by GetLock.`,
      );
    }
  },
};
