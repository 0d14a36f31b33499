// Time to evaluate a project of 1,000 pages read by 2 models, per task, the way `paliscope eval` does it: read the
// store (one query), score every page against its reviewed truth, summarise with bootstrap intervals.
//   npx tsx bench/eval/run.ts [--pages 1000] [--repeats 3]
// The pages are made here (seeded): OCR pages of ~1,500 characters in 25 lines with ~3 % and ~8 % character noise
// for the two models; detection pages of 8 labelled boxes, jittered, some dropped and some invented; PubTabNet-sized
// tables (12 rows × 6 columns, a header row, ~10 characters a cell) with cell typos and, for one model, a merged
// cell. Prints a markdown table with the median of --repeats runs and the load average, and beside it the app's path
// (the same evaluation on a worker thread, models/eval/in-worker.ts, the worker's start included).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Store } from '../../models/store/store';
import { evaluate } from '../../models/eval/evaluate';
import { fromStore } from '../../models/eval/from-store';
import { evaluateInWorker } from '../../models/eval/in-worker';
import { seededRandom } from '../../models/eval/stats';
import { parseTable } from '../../models/paligemma/tasks/table/parse-table';

const { values: a } = parseArgs({ options: { pages: { type: 'string', default: '1000' }, repeats: { type: 'string', default: '3' } } });
const pages = Number(a.pages), repeats = Number(a.repeats);
if (!Number.isInteger(pages) || pages < 1 || !Number.isInteger(repeats) || repeats < 1) throw new Error('--pages and --repeats take positive integers');

const rand = seededRandom(2026);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const WORDS = 'the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their has would when if so no will can more out'.split(' ');
const line = () => Array.from({ length: 10 }, () => pick(WORDS)).join(' ');
const noisy = (s: string, p: number) => [...s].map((c) => (rand() < p ? (rand() < 0.5 ? '' : pick([...'abcdefghij '])) : c)).join('');

type Maker = (i: number) => { truth: unknown; preds: [unknown, unknown] };
const text = (t: string) => ({ kind: 'text', task: 'ocr', text: t, warnings: [] });
const makers: Record<string, Maker> = {
  ocr: () => {
    const t = Array.from({ length: 25 }, line).join('\n');
    return { truth: text(t), preds: [text(noisy(t, 0.03)), text(noisy(t, 0.08))] };
  },
  detect: () => {
    const objs = Array.from({ length: 8 }, (_, k) => { const x = rand() * 800, y = rand() * 1000; return { label: pick(['stamp', 'signature', 'table', 'figure']), box: [x, y, x + 50 + k * 10, y + 40] }; });
    const jitter = (o: { label: string; box: number[] }) => ({ ...o, box: o.box.map((v) => v + (rand() - 0.5) * 12) });
    const boxes = (objects: unknown[]) => ({ kind: 'boxes', task: 'detect', width: 1000, height: 1200, objects, warnings: [] });
    return { truth: boxes(objs), preds: [boxes(objs.filter(() => rand() > 0.1).map(jitter)), boxes([...objs.filter(() => rand() > 0.3).map(jitter), { label: 'stamp', box: [1, 1, 40, 40] }])] };
  },
  table: () => {
    const cells = Array.from({ length: 12 }, () => Array.from({ length: 6 }, () => noisy(line().slice(0, 10), 0)));
    const html = (rows: string[][], merge: boolean) => `<table><thead><tr>${rows[0]!.map((c) => `<td><b>${c}</b></td>`).join('')}</tr></thead><tbody>${rows.slice(1).map((r, i) => `<tr>${merge && i === 3 ? `<td colspan="2">${r[0]} ${r[1]}</td>${r.slice(2).map((c) => `<td>${c}</td>`).join('')}` : r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
    const table = (h: string) => ({ kind: 'table', table: parseTable(h), warnings: [] });
    const typo = (p: number) => cells.map((r) => r.map((c) => noisy(c, p)));
    return { truth: table(html(cells, false)), preds: [table(html(typo(0.02), false)), table(html(typo(0.06), true))] };
  },
};

function buildProject(dir: string, task: string): string {
  const path = join(dir, `${task}.paliscope`);
  const s = Store.open(path);
  const { document } = s.registerDocument({ path: `/bench/${task}.pdf`, sha256: task.padEnd(64, '0'), pageCount: pages, size: 1 });
  const ps = s.ensurePages(document.id, Array.from({ length: pages }, (_, index) => ({ index, width: 1000, height: 1200 })));
  s.db.transaction(() => {
    ps.forEach((p, i) => {
      const { truth, preds } = makers[task]!(i);
      const logprobs = [Math.log(0.5 + rand() / 2)];
      const [m1, m2] = preds.map((parsed, k) => s.addRun({ pageId: p.id, modelId: `model-${k + 1}`, modelName: `Model ${k + 1}`, task, prompt: task === 'detect' ? 'detect stamp ; signature ; table ; figure' : task, parsed, logprobs, timings: { totalMs: 1000 + k * 500 }, status: 'done' }).id);
      s.setReview(i % 2 ? m1! : m2!, { status: 'corrected', value: truth });
    });
  })();
  s.close();
  return path;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const loadBefore = loadavg().map((v) => v.toFixed(2)).join(" ");
const dir = mkdtempSync(join(tmpdir(), 'paliscope-bench-eval-'));
try {
  const rows: string[] = [];
  for (const task of Object.keys(makers)) {
    const path = buildProject(dir, task);
    const times: number[] = [], cpu: number[] = [], inWorker: number[] = [];
    let scored = 0;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now(), c0 = process.cpuUsage();
      const store = Store.open(path, { mustExist: true, readonly: true });
      const { truths, predictions } = fromStore(store);
      const report = await evaluate(truths, predictions, { truthLabel: 'reviewed' });
      store.close();
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      scored = report.pages.length;
      // The app's path: the store read on this thread, the scoring on a worker thread (started for each evaluation).
      const w0 = performance.now();
      const s2 = Store.open(path, { mustExist: true, readonly: true });
      const rows2 = fromStore(s2);
      s2.close();
      await evaluateInWorker({ truth: { kind: 'reviewed', truths: rows2.truths }, predictions: rows2.predictions });
      inWorker.push(performance.now() - w0);
    }
    rows.push(`| ${task} | ${pages} × 2 | ${scored} | ${(median(times) / 1000).toFixed(2)} s | ${(median(cpu) / 1000).toFixed(2)} s | ${(median(inWorker) / 1000).toFixed(2)} s | ${(median(inWorker) / median(times)).toFixed(2)} |`);
  }
  console.log(`CPU: ${cpus()[0]?.model ?? "?"} × ${cpus().length}; load average before: ${loadBefore}`);
  console.log(`| task | pages × models | pages scored | wall time (median of ${repeats}) | CPU time | app: on a worker thread | ratio |\n|---|---|---:|---:|---:|---:|---:|\n${rows.join('\n')}`);
console.log(`load average after: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
