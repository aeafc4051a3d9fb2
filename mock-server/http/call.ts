import type { OutgoingHttpHeaders } from 'node:http';
import type { Request, Response } from 'express';
import type { Classified } from '../protocol/classify.js';
import type { Authentication } from '../tokens/authenticate.js';
import type { TokenKind } from '../tokens/token-service.js';
import type { BearerForm } from '../protocol/authorization.js';
import { isKnownBugOn, knownBugNote, type KnownBugKey } from '../analysis/known-bugs.js';
import type { Config } from '../state/config-schema.js';

/** Shared by every call no switch bent, so the hot path allocates nothing for it. */
const noKnownBugs: readonly KnownBugKey[] = Object.freeze([]);

/** A presented token and what `authenticate` made of it, typed by the kind it was checked as. */
type CheckedAs<K extends TokenKind> = { [P in K]: { readonly tokenKind: P; readonly result: Authentication<P> } }[K];

/**
 * The credential a request carried, in the form its operation takes (http/families.ts), read once
 * by the pipeline (identifyCaller) before faults and handlers look at it.
 */
export type Credential =
  | { readonly kind: 'none' }
  /** An Authorization header the bootstrapper cannot read (sent twice, not Bearer). */
  | { readonly kind: 'malformed'; readonly reason: string }
  /** `Authorization: Bearer`: the bootstrapper's OAuth access token, or a WOPI token sent as a header. */
  | ({ readonly kind: 'bearer'; readonly form: BearerForm; readonly token: string } & CheckedAs<'access' | 'wopi'>)
  /** `?access_token=` on a WOPI request. */
  | ({ readonly kind: 'query' } & CheckedAs<'wopi'>)
  /** The token request's `code` or `refresh_token`, per its grant_type. */
  | ({ readonly kind: 'form' } & CheckedAs<'code' | 'refresh'>);

/** Shared by every call without a credential: the bootstrapper's first 401 is the hottest path. */
const noCredential: Credential = Object.freeze({ kind: 'none' });

/**
 * What the pipeline learns about one request, shared by its steps through `res.locals`. A class,
 * so every request's record has the same shape (it is built on the hottest path there is).
 */
export class Call implements Classified {
  readonly operation: Classified['operation'];
  readonly resource: Classified['resource'];
  readonly startedHr = performance.now();
  /** The credential the request carried and, when it presented a token, what checking it gave. */
  credential: Credential = noCredential;
  userId: string | null = null;
  /** Read when the request arrives: by the time a response closes, the socket may be detached. */
  remoteAddress = '';
  faultId: string | null = null;
  /** Short explanations shown with the log entry (why a 401, which fault rule fired, …). */
  notes: string[] = [];
  /** The known-bug switches that bent this answer, in the order they did. */
  knownBugs: readonly KnownBugKey[] = noKnownBugs;
  requestBody: Buffer | null = null;
  /** The captured start of the response body (record.ts); null until a byte is written. */
  responseChunks: Buffer[] | null = null;
  responseBytes = 0;
  /**
   * The response headers, when an answer was written with `writeHead(status, headers)` alone:
   * Node then keeps none for `res.getHeaders()`, so the log reads them here.
   */
  sentHeaders: Readonly<OutgoingHttpHeaders> | null = null;
  /**
   * Set when a fault rule's body action sends the answer: it may cut the connection on purpose,
   * and it notes itself how the exchange ended, so the handler's stream error is not the client's doing.
   */
  answerBent = false;

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
