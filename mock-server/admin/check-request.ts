import { z } from 'zod';
import type { CheckReport, PhaseId, PhaseResult } from '../check/report.js';

/*
 * What the admin API takes and gives for host checks, apart from the runs themselves
 * (check-runs.ts): the request body and the view of a run. Nothing here reaches the checker, so
 * the desktop UI type-checks against these types without pulling in the checker's modules.
 */

/** What the screen shows of one run; sent on the admin stream as it changes. */
export interface CheckRunView {
  id: string;
  target: string;
  /** `self`: this mock checked itself. */
  self: boolean;
  state: 'running' | 'done' | 'cancelled';
  startedAt: string;
  /** The phase under way, while running. */
  currentPhase: PhaseId | null;
  /** Phases finished so far, in order. */
  phases: PhaseResult[];
  /** A sign-in waiting for the person: open `url`; for paste, send the redirected URL back. */
  signIn: { url: string; message: string; mode: 'loopback' | 'paste' } | null;
  report: CheckReport | null;
}

const clientSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUri: z.string().url().optional(),
  auth: z.enum(['post', 'basic']).default('post'),
});

/** The body of POST /api/checks. Secrets in it are used for the run only, never stored or echoed. */
export const checkRequestSchema = z.discriminatedUnion('target', [
  z.object({
    target: z.literal('self'),
    /** The mock user the sign-in form picks; the first user when absent. */
    user: z.string().min(1).optional(),
    gentle: z.boolean().default(false),
    write: z.boolean().default(false),
  }),
  z.object({
    target: z.literal('url'),
    url: z
      .string()
      .url()
      .refine((u) => /^https?:/i.test(u), 'must be an http(s) URL'),
    signIn: z.enum(['given', 'form', 'paste', 'loopback']),
    client: clientSchema.optional(),
    accessToken: z.string().min(1).optional(),
    refreshToken: z.string().min(1).optional(),
    secondAccessToken: z.string().min(1).optional(),
    formFields: z.record(z.string(), z.string()).default({}),
    caPem: z.string().min(1).optional(),
    insecure: z.boolean().default(false),
    gentle: z.boolean().default(false),
    trustedDomains: z.array(z.string().regex(/^\*?\.?[a-z0-9.-]+$/i, 'must be a domain name like contoso.com')).default([]),
  }),
]);
export type CheckRequest = z.input<typeof checkRequestSchema>;
