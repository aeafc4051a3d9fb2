import type { Request, Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { explainRule, fireRule } from '../faults/rules.js';
import type { FaultRule } from '../state/config-schema.js';
import type { Call } from './call.js';
import type { HostContext } from './context.js';
import { writeError } from './map-errors.js';
import { committedThenFailedNote, holdBackAnswer } from '../faults/commit-then-fail.js';
import { patchJsonBody, patchNotAppliedNote, patchedNote, type JsonPatchOperation } from '../faults/json-patch.js';
import { bodyActionNote, contentTypeOf, planBodyAction, sendPlan, sendWhole } from '../faults/body-actions.js';

/**
 * Applies the first fault rule that matches the request: wait, then drop the connection or
 * answer the forced status, bending that answer's body if the rule says how. Returns true when the
 * request has been dealt with; a delay-only or body-only rule returns false after its wait, so the
 * request goes on to its handler (whose answer a body action then bends). Without a matching rule it
 * answers at once, not through a promise: that is every request on a host without faults.
 */
export function applyFaults(req: Request, res: Response, call: Call, context: HostContext): boolean | Promise<boolean> {
  if (context.store.faults.length === 0) return false;
  const rule = fireRule(context.store, { operation: call.operation, method: req.method, userId: call.userId }, call.notes);
  if (!rule) return false;
  return applyRule(rule, req, res, call, context);
}

async function applyRule(rule: FaultRule, req: Request, res: Response, call: Call, context: HostContext): Promise<boolean> {
  call.faultId = rule.id;
  const because = `fault rule ${rule.id}: ${explainRule(rule)}`;
  if (rule.delayMs) {
    const abort = new AbortController();
    const onClose = () => abort.abort();
    res.once('close', onClose);
    try {
      await sleep(rule.delayMs, undefined, { signal: abort.signal });
    } catch {
      return true; // the client gave up while we waited
    } finally {
      res.off('close', onClose);
    }
  }
  if (rule.phase === 'mutate') {
    mutateAnswer(rule, rule.patch!, res, call);
    return false;
  }
  if (rule.body) bendBody(rule, rule.body, res, call);
  if (rule.phase === 'after') {
    commitThenFail(rule, req, res, call, context);
    return false;
  }
  if (rule.dropConnection) {
    call.notes.push(because);
    req.socket?.destroy();
    return true;
  }
  if (rule.status === undefined) {
    if (!rule.body) call.notes.push(because);
    return false;
  }
  answerForced(rule, rule.status, because, req, res, call, context);
  return true;
}

function answerForced(
  rule: FaultRule,
  status: number,
  because: string,
  req: Request,
  res: Response,
  call: Call,
  context: HostContext,
): void {
  if (rule.retryAfter !== undefined) res.setHeader('Retry-After', String(rule.retryAfter));
  if (status < 400) {
    call.notes.push(because);
    res.status(status).end();
    return;
  }
  writeError(req, res, call, context, status, `forced by ${because}`);
}

/**
 * Phase "after": the handler runs and commits; what it answered (or the error it threw, mapped
 * by respondWithError) is held back and replaced, so a client sees a failure for a change that
 * was made. The log shows the replacement, with a note naming the answer the client never got.
 */
function commitThenFail(rule: FaultRule, req: Request, res: Response, call: Call, context: HostContext): void {
  holdBackAnswer(res, (held) => {
    call.sentHeaders = null;
    const because = committedThenFailedNote(rule, call.operation, held.status);
    if (rule.dropConnection) {
      call.notes.push(because);
      req.socket?.destroy();
      return;
    }
    answerForced(rule, rule.status!, because, req, res, call, context);
  });
}

/**
 * A body action: the handler (or a forced status) answers as usual, its answer is held back
 * whole, then sent bent. The note says what went out; the log's bytes are those written here.
 */
function bendBody(rule: FaultRule, action: NonNullable<FaultRule['body']>, res: Response, call: Call): void {
  holdBackAnswer(
    res,
    (held) => {
      // The handler's record of its headers describes the held answer, not the bent one.
      call.sentHeaders = null;
      call.answerBent = true;
      const plan = planBodyAction(action, { status: held.status, headers: held.headers, body: held.body ?? Buffer.alloc(0) });
      call.notes.push(bodyActionNote(rule.id, plan));
      sendPlan(res, plan, () => call.notes.push('the client closed the connection before the bent answer was complete'));
    },
    { keepBody: true },
  );
}

/**
 * Phase "mutate": the handler answers as usual; its answer is held back whole and sent with the
 * rule's patch applied to the JSON, under the same status and headers (Content-Length made to fit).
 */
function mutateAnswer(rule: FaultRule, patch: readonly JsonPatchOperation[], res: Response, call: Call): void {
  holdBackAnswer(
    res,
    (held) => {
      call.sentHeaders = null;
      const body = held.body ?? Buffer.alloc(0);
      const outcome = patchJsonBody(body, contentTypeOf(held.headers), patch);
      call.notes.push(outcome.applied ? patchedNote(rule.id, patch) : patchNotAppliedNote(rule.id, outcome.reason));
      sendWhole(res, { status: held.status, headers: held.headers, body: outcome.applied ? outcome.bytes : body });
    },
    { keepBody: true },
  );
}
