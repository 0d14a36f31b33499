// The Evaluate view's charts, drawn by Observable Plot as SVG (crisp in screenshots and exports): models compared on a
// task's headline metric with their 95 % intervals, quality against confidence per page, quality against time per
// model. Each chart also returns a one-paragraph text description, which the view gives screen readers and keyboard
// users (the figure is focusable and labelled with it).
import * as Plot from '@observablehq/plot';
import type { EvalMetricInfo, EvalPage, EvaluateResult } from '../../../preload/contract';

type TaskReport = EvaluateResult['tasks'][number];
export interface Chart { figure: () => SVGSVGElement | HTMLElement; description: string }

const fmt = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? 'none' : v.toFixed(d));
/** A score's or rate's axis from 0 to at least 1, so one page or a tie still reads as a position on the scale. */
const valueAxis = (info: EvalMetricInfo, values: number[]) => (info.unit === 'count' ? { zero: true } : { domain: [0, Math.max(1, ...values)] });
const PALETTE = ['#3b6ea5', '#d9822b', '#3a9a5b', '#b5485d', '#7a5ea8', '#8a6d3b'];

export function modelsChart(task: TaskReport, info: EvalMetricInfo): Chart {
  const rows = task.models.map((m) => {
    const s = m.metrics.find((x) => x.metric === task.headline);
    return { model: m.modelName, mean: s?.mean ?? null, lo: s?.ci?.[0] ?? null, hi: s?.ci?.[1] ?? null };
  }).filter((r) => r.mean !== null);
  const description = `${info.label} by model for ${task.task} (${info.better} is better): ${rows.map((r) => `${r.model} ${fmt(r.mean)}${r.lo !== null ? ` (95 % interval ${fmt(r.lo)} to ${fmt(r.hi)})` : ''}`).join('; ')}.`;
  return {
    description,
    figure: () => Plot.plot({
      // The axis label sits under the tick labels, not on them (a tall bottom margin, the label pushed down).
      width: 560, height: 68 + rows.length * 44, marginLeft: 170, marginRight: 60, marginBottom: 48,
      style: { fontSize: '13px', background: 'transparent' },
      x: { label: `${info.label} (${info.better} is better) →`, labelOffset: 40, domain: [0, Math.max(1, ...rows.map((r) => r.hi ?? r.mean ?? 0))], grid: true },
      y: { label: null },
      color: { range: PALETTE },
      marks: [
        Plot.barX(rows, { y: 'model', x: 'mean', fill: 'model', ariaLabel: 'model means', title: (r: (typeof rows)[number]) => `${r.model}: ${fmt(r.mean)}` }),
        Plot.ruleY(rows.filter((r) => r.lo !== null), { y: 'model', x1: 'lo', x2: 'hi', stroke: 'currentColor', strokeWidth: 2, ariaLabel: '95 % intervals' }),
        Plot.text(rows, { y: 'model', x: 'mean', text: (r: (typeof rows)[number]) => fmt(r.mean), dx: 6, dy: -12, textAnchor: 'start', fill: 'currentColor' }),
        Plot.ruleX([0]),
      ],
    }),
  };
}

export function confidenceChart(task: string, info: EvalMetricInfo, pages: readonly EvalPage[], rho: (model: string) => number | null): Chart {
  const rows = pages.filter((p) => p.task === task && p.confidence !== null && typeof p.scores[info.id] === 'number').map((p) => ({ model: p.modelName, confidence: p.confidence!, value: p.scores[info.id]! }));
  const models = [...new Set(rows.map((r) => r.model))];
  const description = `${info.label} against the model's confidence, one dot per page (${rows.length} pages). Spearman's rank correlation between confidence and quality: ${models.map((m) => `${m} ${fmt(rho(m), 2)}`).join('; ') || 'no page has a confidence'}.`;
  return {
    description,
    figure: () => Plot.plot({
      width: 420, height: 260, marginLeft: 50,
      style: { fontSize: '12px', background: 'transparent' },
      x: { label: 'confidence →', domain: [0, 1], grid: true },
      y: { label: `↑ ${info.label}`, grid: true, ...valueAxis(info, rows.map((r) => r.value)) },
      color: { legend: true, range: PALETTE },
      marks: [Plot.dot(rows, { x: 'confidence', y: 'value', stroke: 'model', r: 4, title: (r: (typeof rows)[number]) => `${r.model}: confidence ${fmt(r.confidence, 2)}, ${info.label} ${fmt(r.value)}` })],
    }),
  };
}

export function speedChart(task: TaskReport, info: EvalMetricInfo): Chart {
  const rows = task.models.map((m) => ({ model: m.modelName, ms: m.medianMs, mean: m.metrics.find((x) => x.metric === task.headline)?.mean ?? null }))
    .filter((r): r is { model: string; ms: number; mean: number } => r.ms !== null && r.mean !== null);
  const description = `${info.label} against median time per page for ${task.task}: ${rows.map((r) => `${r.model} ${fmt(r.mean)} at ${Math.round(r.ms)} ms`).join('; ') || 'no stored timings'}.`;
  return {
    description,
    figure: () => Plot.plot({
      width: 460, height: 260, marginLeft: 50, marginRight: 120,
      style: { fontSize: '12px', background: 'transparent' },
      x: { label: 'median ms per page →', grid: true, domain: [0, Math.max(1, ...rows.map((r) => r.ms)) * 1.15] },
      y: { label: `↑ ${info.label}`, grid: true, ...valueAxis(info, rows.map((r) => r.mean)) },
      color: { range: PALETTE },
      marks: [Plot.dot(rows, { x: 'ms', y: 'mean', fill: 'model', r: 6 }), Plot.text(rows, { x: 'ms', y: 'mean', text: 'model', dx: 8, textAnchor: 'start', fill: 'currentColor' })],
    }),
  };
}
