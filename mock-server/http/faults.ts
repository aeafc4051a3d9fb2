import type { NextFunction, Request, Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { pickRule, explainRule } from '../faults/rules.js';
import { callOf } from './call.js';
import type { HostContext } from './context.js';
import { writeError } from './map-errors.js';

/**
 * Applies the first fault rule that matches the request: wait, then drop the connection or
 * answer the forced status; a delay-only rule lets the request go on to its handler.
 */
export function applyFaults(context: HostContext) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const faults = context.store.config.faults;
    if (faults.length === 0) return next();
    const call = callOf(res);
    const rule = pickRule(faults, { operation: call.operation, method: req.method, userId: call.userId });
    if (!rule) return next();
    call.faultId = rule.id;
    const because = `fault rule ${rule.id}: ${explainRule(rule)}`;
    context.store.consumeFault(rule.id);
    if (rule.delayMs) {
      const abort = new AbortController();
      const onClose = () => abort.abort();
      res.once('close', onClose);
      try {
        await sleep(rule.delayMs, undefined, { signal: abort.signal });
      } catch {
        return; // the client gave up while we waited
      } finally {
        res.off('close', onClose);
      }
    }
    if (rule.dropConnection) {
      call.notes.push(because);
      req.socket.destroy();
      return;
    }
    if (rule.status === undefined) {
      call.notes.push(because);
      return next();
    }
    if (rule.status < 400) {
      call.notes.push(because);
      res.status(rule.status).end();
      return;
    }
    writeError(req, res, call, context, rule.status, `forced by ${because}`);
  };
}
