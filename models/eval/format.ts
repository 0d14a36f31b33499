// An evaluation as Markdown (the table the app shows), JSON (everything) and CSV (one row per page and task).
import type { EvalReport } from './evaluate';
import { METRICS, TASK_METRICS } from './metrics';
import { BOOTSTRAP } from './stats';

const fix = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined ? '–' : v.toFixed(digits));

export function toMarkdown(r: EvalReport): string {
  const out: string[] = [`# Evaluation against ${r.truth}`, ''];
  if (!r.tasks.length) out.push('No result has a truth to be scored against: review (accept or correct) some results first, or import truth files.', '');
  for (const t of r.tasks) {
    out.push(`## ${t.task}`, '');
    const ids = TASK_METRICS[t.task]!;
    out.push(`| model | pages | ${ids.map((id) => `${METRICS[id]!.label}${METRICS[id]!.indicative ? ' (indicative)' : ''}`).join(' | ')} | ρ(confidence, quality) | median ms/page |`);
    out.push(`|---|---:|${ids.map(() => '---').join('|')}|---:|---:|`);
    for (const m of t.models) {
      const cells = ids.map((id) => {
        const s = m.metrics.find((x) => x.metric === id);
        if (!s || s.mean === null) return '–';
        const ci = s.ci ? ` [${fix(s.ci[0])}, ${fix(s.ci[1])}]` : '';
        return METRICS[id]!.corpus ? `${fix(s.mean)}${ci}` : `${fix(s.mean)}${ci}, median ${fix(s.median)}`;
      });
      out.push(`| ${escapeCell(m.modelName)} | ${m.pages} | ${cells.join(' | ')} | ${fix(m.confidenceRho, 2)}${m.confidencePairs ? ` (n=${m.confidencePairs})` : ''} | ${fix(m.medianMs, 0)} |`);
    }
    out.push('');
  }
  out.push(`Means with a ${BOOTSTRAP.level * 100} % bootstrap interval over pages (${BOOTSTRAP.resamples} resamples, seed ${BOOTSTRAP.seed}; AP: 200), then the median. Text: Unicode NFC, white space collapsed.`);
  if (r.notes.length) out.push('', ...r.notes.map((n) => `- ${n}`));
  return `${out.join('\n')}\n`;
}

const escapeCell = (s: string): string => s.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');

export function toJson(r: EvalReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

/** RFC 4180 field; text that a spreadsheet would run as a formula is prefixed with ' (as the project's CSV export does). */
function csvField(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per scored page: document, page (1-based), task, model, run, truth, then every metric as a column. */
export function toCsv(r: EvalReport): string {
  const metrics = [...new Set(Object.values(TASK_METRICS).flat())].filter((id) => !METRICS[id]!.corpus);
  const head = ['document', 'page', 'task', 'model_id', 'model', 'run_id', 'truth', ...metrics, 'confidence', 'ms', 'notes'];
  const rows = r.pages.map((p) => [
    p.documentPath, p.page + 1, p.task, p.modelId, p.modelName, p.runId ?? '', p.truthRunId !== null ? `run ${p.truthRunId}` : (p.truthFile ?? ''),
    ...metrics.map((id) => p.scores[id] ?? ''), p.confidence ?? '', p.totalMs ?? '', p.notes.join('; '),
  ]);
  return `${[head, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
