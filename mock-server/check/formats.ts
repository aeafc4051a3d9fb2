import type { CheckReport, Evidence, RuleResult } from './report.js';

/*
 * The report as text (for people, colour on a terminal), JUnit XML (a testcase per rule, for CI
 * dashboards) and TAP 14. JSON is the report object itself; docs/check-report.md describes all four.
 */

export type ReportFormat = 'text' | 'json' | 'junit' | 'tap';
export const reportFormats: readonly ReportFormat[] = ['text', 'json', 'junit', 'tap'];

const marks: Record<RuleResult['status'], string> = { passed: '✓', failed: '✗', warning: '!', finding: 'i', skipped: '-' };
const colours: Record<RuleResult['status'], string> = { passed: '32', failed: '31', warning: '33', finding: '36', skipped: '90' };

function evidenceLines(evidence: Evidence): string[] {
  const lines = [evidence.message];
  if (evidence.request) lines.push(`${evidence.request}${evidence.status !== undefined ? ` → ${evidence.status}` : ''}`);
  if (evidence.excerpt) lines.push(...evidence.excerpt.split('\n').map((line) => `| ${line}`));
  return lines;
}

export function formatText(report: CheckReport, options: { colour?: boolean } = {}): string {
  const paint = (code: string, text: string) => (options.colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const out: string[] = [`WOPI host check of ${report.target}`];
  for (const banner of report.banners) out.push(paint('1;33', `WARNING: ${banner}`));
  if (report.error) out.push(paint('1;31', `ERROR: ${report.error.split('\n')[0]}`));
  for (const phase of report.phases) {
    out.push('', paint('1', `${phase.title} — ${phase.status}${phase.skipReason ? ` (${phase.skipReason})` : ''}`));
    if (phase.status === 'skipped') continue;
    for (const result of phase.rules) {
      const head = `  ${paint(colours[result.status], marks[result.status])} ${result.rule}: ${result.title}`;
      if (result.status === 'passed') out.push(head);
      else if (result.status === 'skipped') out.push(paint('90', `${head} — skipped: ${result.skipReason ?? ''}`));
      else {
        out.push(`${head}${result.status === 'failed' ? '' : ` (${result.status})`}`);
        for (const evidence of result.evidence) out.push(...evidenceLines(evidence).map((line) => `      ${line}`));
        if (result.sources[0]) out.push(paint('90', `      see ${result.sources.map((s) => s.url).join('\n          ')}`));
      }
    }
  }
  const s = report.summary;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  out.push(
    '',
    `${paint(report.outcome === 'passed' ? '1;32' : '1;31', report.outcome.toUpperCase())}: ${s.passed} passed, ${s.failed} failed, ${plural(s.warnings, 'warning')}, ${plural(s.findings, 'finding')}, ${s.skipped} skipped in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return out.join('\n') + '\n';
}

// XML 1.0 cannot carry most control characters at all, escaped or not.
// eslint-disable-next-line no-control-regex -- matching them is the point: they are dropped
const xmlForbidden = /[\x00-\x08\x0b\x0c\x0e-\x1f]/g;

const xmlEscape = (text: string) =>
  text.replace(xmlForbidden, '').replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);

export function formatJunit(report: CheckReport): string {
  const all = report.phases.flatMap((p) => p.rules);
  const count = (status: RuleResult['status']) => all.filter((r) => r.status === status).length;
  const seconds = (report.durationMs / 1000).toFixed(3);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="wopi-host-check" tests="${all.length}" failures="${count('failed')}" errors="${report.outcome === 'error' ? 1 : 0}" skipped="${count('skipped')}" time="${seconds}">`,
  ];
  for (const phase of report.phases) {
    const failures = phase.rules.filter((r) => r.status === 'failed').length;
    const skipped = phase.rules.filter((r) => r.status === 'skipped').length;
    lines.push(
      `  <testsuite name="${xmlEscape(phase.title)}" id="${phase.id}" tests="${phase.rules.length}" failures="${failures}" errors="0" skipped="${skipped}" timestamp="${report.startedAt.slice(0, 19)}">`,
    );
    for (const result of phase.rules) {
      const name = `${result.rule}: ${result.title}`;
      const open = `    <testcase classname="wopi-host-check.${phase.id}" name="${xmlEscape(name)}"`;
      const evidence = result.evidence.map((e) => evidenceLines(e).join('\n')).join('\n\n');
      const properties = `      <properties><property name="severity" value="${result.severity}"/>${result.sources.map((s) => `<property name="source" value="${xmlEscape(s.url)}"/>`).join('')}</properties>`;
      if (result.status === 'passed') lines.push(`${open}>`, properties, '    </testcase>');
      else if (result.status === 'skipped')
        lines.push(`${open}>`, properties, `      <skipped message="${xmlEscape(result.skipReason ?? '')}"/>`, '    </testcase>');
      else if (result.status === 'failed')
        lines.push(
          `${open}>`,
          properties,
          `      <failure message="${xmlEscape(result.evidence[0]?.message ?? result.title)}" type="${result.rule}">${xmlEscape(evidence)}</failure>`,
          '    </testcase>',
        );
      else
        lines.push(
          `${open}>`,
          properties,
          `      <system-out>${xmlEscape(`${result.status}: ${evidence}`)}</system-out>`,
          '    </testcase>',
        );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

/** TAP 14: one test point per rule; warnings and findings pass with their evidence in the YAML block. */
export function formatTap(report: CheckReport): string {
  const all = report.phases.flatMap((p) => p.rules.map((r) => ({ phase: p.title, result: r })));
  const yamlString = (text: string) => JSON.stringify(text);
  const lines = ['TAP version 14', `1..${all.length}`];
  for (const banner of report.banners) lines.push(`# WARNING: ${banner}`);
  if (report.error) lines.push(`# ERROR: ${report.error.split('\n')[0]}`);
  all.forEach(({ phase, result }, i) => {
    const description = `${result.rule}: ${result.title}`.replace(/#/g, '\\#');
    if (result.status === 'skipped') return lines.push(`ok ${i + 1} - ${description} # SKIP ${result.skipReason ?? ''}`);
    lines.push(`${result.status === 'failed' ? 'not ok' : 'ok'} ${i + 1} - ${description}`);
    if (result.status === 'passed') return;
    lines.push('  ---', `  phase: ${yamlString(phase)}`, `  severity: ${result.severity}`, `  status: ${result.status}`, '  evidence:');
    for (const e of result.evidence) {
      lines.push(`    - message: ${yamlString(e.message)}`);
      if (e.request) lines.push(`      request: ${yamlString(e.request)}`);
      if (e.status !== undefined) lines.push(`      status: ${e.status}`);
      if (e.excerpt) lines.push(`      excerpt: ${yamlString(e.excerpt)}`);
    }
    lines.push(`  source: ${yamlString(result.sources[0]?.url ?? '')}`, '  ...');
  });
  return lines.join('\n') + '\n';
}

export function formatReport(report: CheckReport, format: ReportFormat, options: { colour?: boolean } = {}): string {
  switch (format) {
    case 'json':
      return JSON.stringify(report, null, 2) + '\n';
    case 'junit':
      return formatJunit(report);
    case 'tap':
      return formatTap(report);
    default:
      return formatText(report, options);
  }
}
