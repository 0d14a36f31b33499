// A one-page HTML report of an evaluation: per task, a bar chart of each model's headline metric with its interval,
// and the summary table. Self-contained (inline SVG and CSS, no script), every text escaped.
import type { EvalReport } from './evaluate';
import { METRICS, TASK_METRICS } from './metrics';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const fix = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? '–' : v.toFixed(d));

function chart(task: EvalReport['tasks'][number]): string {
  const info = METRICS[task.headline]!;
  const rows = task.models.map((m) => ({ name: m.modelName, s: m.metrics.find((x) => x.metric === task.headline) }));
  const max = Math.max(1, ...rows.map((r) => r.s?.ci?.[1] ?? r.s?.mean ?? 0));
  const W = 640, left = 220, bar = 22, gap = 10, H = rows.length * (bar + gap) + 30;
  const x = (v: number) => left + ((W - left - 20) * v) / max;
  const bars = rows.map((r, i) => {
    const y = 10 + i * (bar + gap);
    const mean = r.s?.mean ?? 0;
    const ci = r.s?.ci ? `<line x1="${x(r.s.ci[0])}" x2="${x(r.s.ci[1])}" y1="${y + bar / 2}" y2="${y + bar / 2}" stroke="#111" stroke-width="2"/>` : '';
    return `<text x="${left - 8}" y="${y + bar / 2 + 5}" text-anchor="end">${esc(r.name.slice(0, 40))}</text><rect x="${left}" y="${y}" width="${Math.max(0, x(mean) - left)}" height="${bar}" fill="#3b6ea5"><title>${esc(`${r.name}: ${fix(mean)}`)}</title></rect>${ci}<text x="${x(mean) + 4}" y="${y + bar / 2 - 6}" font-size="11">${fix(mean)}</text>`;
  });
  return `<svg role="img" aria-label="${esc(`${info.label} by model (${info.better} is better)`)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="13">${bars.join('')}<text x="${left}" y="${H - 4}" font-size="11">${esc(info.label)} — ${info.better} is better; line: 95 % interval</text></svg>`;
}

export function toHtml(r: EvalReport): string {
  const sections = r.tasks.map((t) => {
    const ids = TASK_METRICS[t.task]!;
    const head = `<tr><th>model</th><th>pages</th>${ids.map((id) => `<th>${esc(METRICS[id]!.label)}${METRICS[id]!.indicative ? ' (indicative)' : ''}</th>`).join('')}<th>ρ(confidence, quality)</th><th>median ms/page</th></tr>`;
    const body = t.models.map((m) => `<tr><td>${esc(m.modelName)}</td><td>${m.pages}</td>${ids.map((id) => {
      const s = m.metrics.find((x) => x.metric === id);
      return `<td>${fix(s?.mean)}${s?.ci ? ` <small>[${fix(s.ci[0])}, ${fix(s.ci[1])}]</small>` : ''}</td>`;
    }).join('')}<td>${fix(m.confidenceRho, 2)}</td><td>${fix(m.medianMs, 0)}</td></tr>`).join('');
    return `<section><h2>${esc(t.task)}</h2>${chart(t)}<table>${head}${body}</table></section>`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Paliscope evaluation</title><style>body{font-family:sans-serif;margin:2em;color:#111}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}small{color:#555}</style></head><body><h1>Evaluation against ${esc(r.truth)}</h1>${sections.join('') || '<p>No result has a truth to be scored against.</p>'}${r.notes.length ? `<ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}<p><small>Means with a 95 % bootstrap interval over pages. Text: Unicode NFC, white space collapsed.</small></p></body></html>\n`;
}
