import type { Request, Response } from 'express';
import type { Classified } from '../protocol/classify.js';
import type { Authentication } from '../tokens/authenticate.js';
import type { TokenKind } from '../tokens/token-service.js';
import type { BearerForm } from '../protocol/authorization.js';

/** What the pipeline learns about one request, shared by its steps through `res.locals`. */
export interface Call extends Classified {
  startedAt: number;
  startedHr: number;
  /** The result of checking the request's credential, if it carried one. */
  auth: Authentication<TokenKind> | null;
  authForm: BearerForm | null;
  userId: string | null;
  faultId: string | null;
  /** Short explanations shown with the log entry (why a 401, which Bearer form arrived, …). */
  notes: string[];
  requestBody: Buffer | null;
  responseChunks: Buffer[];
  responseBytes: number;
}

export function callOf(res: Response): Call {
  return res.locals['call'] as Call;
}

export type Handler = (req: Request, res: Response, call: Call) => Promise<void> | void;
