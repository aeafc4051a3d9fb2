import type { Request, Response } from 'express';
import type { Classified } from '../protocol/classify.js';
import type { Authentication } from '../tokens/authenticate.js';
import type { TokenKind } from '../tokens/token-service.js';
import type { BearerForm } from '../protocol/authorization.js';
import { isKnownBugOn, knownBugNote, type KnownBugKey } from '../analysis/known-bugs.js';
import type { Config } from '../state/config-schema.js';

/** Shared by every call no switch bent, so the hot path allocates nothing for it. */
const noKnownBugs: readonly KnownBugKey[] = Object.freeze([]);

/**
 * What the pipeline learns about one request, shared by its steps through `res.locals`. A class,
 * so every request's record has the same shape (it is built on the hottest path there is).
 */
export class Call implements Classified {
  readonly operation: Classified['operation'];
  readonly resource: Classified['resource'];
  readonly startedHr = performance.now();
  /** The result of checking the request's credential, if it carried one. */
  auth: Authentication<TokenKind> | null = null;
  authForm: BearerForm | null = null;
  userId: string | null = null;
  /** Read when the request arrives: by the time a response closes, the socket may be detached. */
  remoteAddress = '';
  faultId: string | null = null;
  /** Short explanations shown with the log entry (why a 401, which Bearer form arrived, …). */
  notes: string[] = [];
  /** The known-bug switches that bent this answer, in the order they did. */
  knownBugs: readonly KnownBugKey[] = noKnownBugs;
  requestBody: Buffer | null = null;
  responseChunks: Buffer[] = [];
  responseBytes = 0;

  constructor(
    classified: Classified,
    readonly startedAt: number,
  ) {
    this.operation = classified.operation;
    this.resource = classified.resource;
  }

  /** Records that a known-bug switch bent this answer, so the log can say so and cite the rule. */
  markKnownBug(key: KnownBugKey): void {
    if (this.knownBugs.includes(key)) return;
    this.knownBugs = [...this.knownBugs, key];
    this.notes.push(knownBugNote(key));
  }

  /** Whether the switch is on; if it is, the answer is about to be bent by it and is marked. */
  bends(config: Config, key: KnownBugKey): boolean {
    if (!isKnownBugOn(config, key)) return false;
    this.markKnownBug(key);
    return true;
  }
}

export type Handler = (req: Request, res: Response, call: Call) => Promise<void> | void;
