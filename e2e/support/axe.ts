// Accessibility checks with axe-core: one call per view or dialog. A view fails on any serious or critical violation;
// every violation (all impacts) is written to test-results/a11y/<view>.json, and test-results/a11y/summary.md is
// rebuilt from those files after each check, so the summary always lists every view checked so far.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';

export const A11Y_DIR = join(import.meta.dirname, '../../test-results/a11y');

/** WCAG 2.0–2.2 A and AA, plus axe's best practices (landmarks, headings, regions) reported but only failing when serious. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const FAILING: ReadonlySet<string> = new Set(['serious', 'critical']);
const IMPACTS = ['critical', 'serious', 'moderate', 'minor'] as const;

export interface ViewViolation {
  rule: string;
  impact: string;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: string; summary: string }>;
}
export interface ViewReport {
  view: string;
  url: string;
  counts: Record<(typeof IMPACTS)[number], number>;
  passes: number;
  violations: ViewViolation[];
}

/**
 * Runs axe on the page as it is now (or on `include` only) and records the result under `view`. Fails the test when
 * any violation is serious or critical, naming the rules and elements so the fix is at hand.
 */
export async function checkAccessibility(page: Page, testInfo: TestInfo, view: string, opts: { include?: string } = {}): Promise<ViewReport> {
  let builder = new AxeBuilder({ page }).withTags(TAGS);
  if (opts.include) builder = builder.include(opts.include);
  const result = await builder.analyze();
  const violations: ViewViolation[] = result.violations.map((v) => ({
    rule: v.id,
    impact: v.impact ?? 'minor',
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim() })),
  }));
  const counts = Object.fromEntries(IMPACTS.map((i) => [i, violations.filter((v) => v.impact === i).length])) as ViewReport['counts'];
  const report: ViewReport = { view, url: page.url().replace(/token=[^&]+/, 'token=…'), counts, passes: result.passes.length, violations };
  mkdirSync(A11Y_DIR, { recursive: true });
  writeFileSync(join(A11Y_DIR, `${view}.json`), JSON.stringify(report, null, 2));
  writeSummary();
  await testInfo.attach(`axe-${view}`, { body: JSON.stringify(report, null, 2), contentType: 'application/json' });

  const failing = violations.filter((v) => FAILING.has(v.impact));
  const explain = failing.map((v) => `${v.impact} ${v.rule}: ${v.help}\n${v.nodes.map((n) => `  - ${n.target}: ${n.summary}`).join('\n')}`).join('\n');
  // Soft: the test goes on to the next view, so one run lists every view that fails (the test still fails).
  expect.soft(failing, `serious or critical accessibility violations in ${view}:\n${explain}`).toEqual([]);
  return report;
}

/** test-results/a11y/summary.md: per view, the counts by impact, then each remaining rule with the elements it names. */
function writeSummary(): void {
  const reports = readdirSync(A11Y_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(A11Y_DIR, f), 'utf8')) as ViewReport);
  const lines = ['# Accessibility (axe-core) per view', '', '| view | critical | serious | moderate | minor | rules passed |', '|---|---|---|---|---|---|'];
  for (const r of reports) lines.push(`| ${r.view} | ${r.counts.critical} | ${r.counts.serious} | ${r.counts.moderate} | ${r.counts.minor} | ${r.passes} |`);
  for (const r of reports.filter((x) => x.violations.length > 0)) {
    lines.push('', `## ${r.view}`);
    for (const v of r.violations) lines.push(`- **${v.rule}** (${v.impact}, ${v.nodes.length} element${v.nodes.length === 1 ? '' : 's'}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => `\`${n.target}\``).join(', ')}`);
  }
  writeFileSync(join(A11Y_DIR, 'summary.md'), `${lines.join('\n')}\n`);
}
