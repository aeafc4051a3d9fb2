import { engineVersion } from '../version.js';
import { toHar, type Har } from '../log/har.js';
import { ruleAreas, rules, type RuleArea } from '../analysis/rulebook.js';
import { hostRuleIds, summarize } from './ledger.js';
import type { CheckOptions } from './options.js';
import { checkReportVersion, type CheckReport, type PhaseResult } from './report.js';
import { CheckRun, HostUnreachable } from './run.js';
import { tlsPhase } from './phases/tls.js';
import { challengePhase } from './phases/challenge.js';
import { oauthPhase } from './phases/oauth.js';
import { profilePhase } from './phases/profile.js';
import { ecosystemPhase } from './phases/ecosystem.js';
import { accessTokenPhase } from './phases/access-token.js';
import { trustedDomainsPhase } from './phases/trusted-domains.js';
import { writePhase } from './phases/write.js';

export const phaseTitles = Object.fromEntries(ruleAreas.map((a) => [a.id, a.title])) as Record<RuleArea, string>;
const phaseOrder = ruleAreas.map((a) => a.id);

export interface CheckOutcome {
  report: CheckReport;
  /** The checker's own traffic, as HAR 1.2 (tokens as sent: keep the file private). */
  har: Har;
}

/**
 * Plays Office mobile against a bootstrapper and reports every rule of the rulebook it put to
 * the test. Phases run in order; one that cannot run says why, and its rules are reported as
 * skipped with that reason, never as passed.
 */
export async function checkHost(bootstrapperUrl: string, options: CheckOptions): Promise<CheckOutcome> {
  const startedAt = new Date();
  const run = new CheckRun(bootstrapperUrl, options);
  const progress = options.onProgress ?? (() => {});
  const reasons = new Map<RuleArea, string>();
  const done = new Set<RuleArea>();
  const finish = (area: RuleArea) => {
    done.add(area);
    progress({ type: 'phase-done', phase: run.ledger.phase(area, phaseTitles[area], reasons.get(area)) });
  };
  const phase = async (area: RuleArea | RuleArea[], body: () => Promise<void> | void, skipBecause?: string) => {
    const areas = Array.isArray(area) ? area : [area];
    for (const a of areas) progress({ type: 'phase', phase: a, title: phaseTitles[a] });
    if (skipBecause !== undefined) {
      for (const a of areas) {
        reasons.set(a, skipBecause);
        run.ledger.skip(areaRules(a), skipBecause);
      }
    } else await body();
    for (const a of areas) finish(a);
  };

  let error: string | undefined;
  try {
    let reachable = false;
    await phase('tls', async () => {
      reachable = await tlsPhase(run);
    });
    const unreachable = reachable ? undefined : 'TLS failed (see the TLS phase); pass --ca FILE or, for a look anyway, --insecure';
    await phase('challenge', () => challengePhase(run), unreachable);
    await phase('oauth', () => oauthPhase(run), unreachable);
    const noToken =
      unreachable ?? (run.found.accessToken ? undefined : `no access token: ${run.found.noAccessToken ?? 'none was obtained'}`);
    await phase('profile', () => profilePhase(run), noToken);
    const noEcosystem = noToken ?? (run.found.ecosystemUrl ? undefined : 'Bootstrap gave no EcosystemUrl');
    await phase(['ecosystem', 'files'], () => ecosystemPhase(run), noEcosystem);
    await phase('access-token', () => accessTokenPhase(run), noToken);
    await phase('trusted-domains', () => trustedDomainsPhase(run));
    await phase(
      'write',
      () => writePhase(run),
      !options.write
        ? 'write tests are opt-in: pass --write'
        : (noEcosystem ?? (run.found.rootContainerUrl ? undefined : 'no root container to write in')),
    );
    // Last, because a correct host may revoke what it sees here (a replayed code, an old refresh token).
    for (const step of run.found.deferred) await step();
  } catch (thrown) {
    if (options.signal?.aborted) error = 'the check was cancelled';
    else if (thrown instanceof HostUnreachable) error = thrown.message;
    else error = `the checker broke: ${(thrown as Error).stack ?? String(thrown)}`;
  } finally {
    run.client.close();
  }
  for (const area of phaseOrder) if (!done.has(area)) run.ledger.skip(areaRules(area), error ?? 'not reached');

  const phases: PhaseResult[] = phaseOrder.map((area) =>
    run.ledger.phase(area, phaseTitles[area], reasons.get(area) ?? (done.has(area) ? undefined : error)),
  );
  const summary = summarize(phases);
  if (error === undefined && !run.ledger.anyEvaluated) error = 'no rule ran';
  const report: CheckReport = {
    version: checkReportVersion,
    tool: { name: 'wopi-mock-host check', version: engineVersion },
    target: run.redactor.redact(bootstrapperUrl),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    banners: options.insecure
      ? ['TLS verification was OFF (--insecure): certificate problems a phone would refuse are not failures in this report.']
      : [],
    outcome: error !== undefined ? 'error' : summary.failed > 0 ? 'failed' : 'passed',
    ...(error !== undefined ? { error: run.redactor.redact(error) } : {}),
    summary,
    phases,
  };
  const origin = new URL(bootstrapperUrl).origin;
  return { report, har: toHar(run.client.exchanges, { creator: { name: 'wopi-mock-host check', version: engineVersion }, origin }) };
}

function areaRules(area: RuleArea) {
  return hostRuleIds.filter((rule) => rules[rule].area === area);
}
