// Exports of the store's results: JSON Lines of everything, a CSV summary, COCO JSON for detection and segmentation,
// plain text for OCR, captions and answers. Pure functions of ResultRows (the CLI writes the files), so the app can
// reuse them. The value exported is the reviewed truth when there is one: a correction replaces the model's result,
// and rejected results are left out of the per-task formats (COCO, txt), which are meant as ground truth.
import { basename } from 'node:path';
import type { ResultRow } from './types';
import { BUILTIN_OCR, TASK_NAMES, TASKS } from '../tasks/table';

/** The result to use: the corrected value when the run was corrected, else what the model's parser made of it. */
export function effectiveValue(r: ResultRow): unknown {
  return r.review?.status === 'corrected' ? r.review.value : r.run.parsed;
}

/** The run's confidence (see confidenceOf in store.ts), kept with the run when it was stored. */
export function runConfidence(r: Pick<ResultRow, 'run'>): number | null {
  return r.run.confidence;
}

/** Keeps only accepted and corrected results. */
export function onlyReviewed(rows: ResultRow[]): ResultRow[] {
  return rows.filter((r) => r.review?.status === 'accepted' || r.review?.status === 'corrected');
}

/**
 * One result per page, task and model for the ground-truth formats: successful, not rejected, and of several runs the
 * newest reviewed one, else the newest.
 */
export function bestPerPage(rows: ResultRow[]): ResultRow[] {
  const best = new Map<string, ResultRow>();
  const rank = (r: ResultRow) => (r.review ? 1 : 0);
  for (const r of rows) {
    if (r.run.status !== 'done' || r.review?.status === 'rejected') continue;
    const key = `${r.document.id}|${r.page.index}|${r.run.task}|${r.run.modelId}`;
    const cur = best.get(key);
    if (!cur || rank(r) > rank(cur) || (rank(r) === rank(cur) && r.run.id > cur.run.id)) best.set(key, r);
  }
  return [...best.values()].sort((a, b) => a.document.id - b.document.id || a.page.index - b.page.index || a.run.id - b.run.id);
}

// ---- JSON Lines ----

export function toJsonl(rows: ResultRow[]): string {
  return rows.map((r) => JSON.stringify({
    run: r.run.id, document: r.document.path, sha256: r.document.sha256, page: r.page.index + 1, width: r.page.width, height: r.page.height,
    model: { id: r.run.modelId, name: r.run.modelName }, task: r.run.task, prompt: r.run.prompt, parameters: r.run.parameters,
    status: r.run.status, error: r.run.error, raw: r.run.raw, parsed: r.run.parsed, logprobs: r.run.logprobs, confidence: runConfidence(r),
    timings: r.run.timings, provider: r.run.provider, createdAt: r.run.createdAt,
    review: r.review && { status: r.review.status, value: r.review.value, note: r.review.note, at: r.review.updatedAt },
    value: effectiveValue(r),
  }) + '\n').join('');
}

// ---- CSV ----

/** RFC 4180 field: quoted when it holds a comma, quote or line break. Formula-looking text is prefixed with ' so a
 *  spreadsheet never evaluates model output. */
export function csvField(v: unknown): string {
  let s = v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function summary(value: unknown): string {
  const v = value as { text?: unknown; objects?: { label?: string }[]; lines?: { text?: string }[] } | null;
  if (!v || typeof v !== 'object') return '';
  if (typeof v.text === 'string') return v.text;
  if (Array.isArray(v.lines)) return v.lines.map((l) => l.text ?? '').join(' / ');
  if (Array.isArray(v.objects)) return `${v.objects.length} object(s): ${v.objects.map((o) => o.label ?? '').join(', ')}`;
  return '';
}

export const CSV_COLUMNS = ['run', 'document', 'page', 'model', 'task', 'prompt', 'status', 'error', 'review', 'note', 'confidence', 'result', 'total_ms', 'provider'] as const;

export function toCsv(rows: ResultRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    const conf = runConfidence(r);
    const total = (r.run.timings as { totalMs?: unknown } | null)?.totalMs;
    lines.push([
      r.run.id, r.document.path, r.page.index + 1, r.run.modelName, r.run.task, r.run.prompt, r.run.status, r.run.error,
      r.review?.status ?? '', r.review?.note ?? '', conf === null ? '' : conf.toFixed(4), summary(effectiveValue(r)),
      typeof total === 'number' ? Math.round(total) : '', r.run.provider,
    ].map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

// ---- COCO ----

interface CocoObject { label?: unknown; box?: unknown; polygon?: unknown; rle?: unknown }

export interface Coco {
  info: { description: string; date_created: string };
  images: { id: number; file_name: string; width: number | null; height: number | null; page: number; sha256: string }[];
  categories: { id: number; name: string }[];
  annotations: { id: number; image_id: number; category_id: number; bbox: [number, number, number, number]; area: number; iscrowd: 0; segmentation: number[][] | { size: [number, number]; counts: string | number[] }; run_id: number; review: string | null }[];
}

const isBox = (b: unknown): b is [number, number, number, number] => Array.isArray(b) && b.length === 4 && b.every((n) => typeof n === 'number' && Number.isFinite(n));

/** COCO for detect / segment results. Masks are written when a result carries them (polygon [[x, y], …] or COCO RLE). */
export function toCoco(rows: ResultRow[], description = 'Paliscope export'): Coco {
  const coco: Coco = { info: { description, date_created: new Date().toISOString() }, images: [], categories: [], annotations: [] };
  const images = new Map<string, number>();
  const categories = new Map<string, number>();
  for (const r of bestPerPage(rows)) {
    if (r.run.task !== 'detect' && r.run.task !== 'segment') continue;
    const value = effectiveValue(r) as { objects?: CocoObject[] } | null;
    const key = `${r.document.id}|${r.page.index}`;
    let imageId = images.get(key);
    if (imageId === undefined) {
      imageId = images.size + 1;
      images.set(key, imageId);
      coco.images.push({ id: imageId, file_name: basename(r.document.path), width: r.page.width, height: r.page.height, page: r.page.index + 1, sha256: r.document.sha256 });
    }
    for (const o of Array.isArray(value?.objects) ? value.objects : []) {
      if (!isBox(o.box)) continue;
      const label = typeof o.label === 'string' && o.label ? o.label : 'object';
      let categoryId = categories.get(label);
      if (categoryId === undefined) {
        categoryId = categories.size + 1;
        categories.set(label, categoryId);
        coco.categories.push({ id: categoryId, name: label });
      }
      const [x0, y0, x1, y1] = o.box;
      const w = Math.max(0, x1 - x0), h = Math.max(0, y1 - y0);
      let segmentation: Coco['annotations'][number]['segmentation'] = [];
      if (Array.isArray(o.polygon) && o.polygon.length >= 3 && o.polygon.every((p) => isFinitePair(p))) segmentation = [(o.polygon as [number, number][]).flat()];
      else if (isRle(o.rle)) segmentation = o.rle;
      coco.annotations.push({ id: coco.annotations.length + 1, image_id: imageId, category_id: categoryId, bbox: [x0, y0, w, h], area: w * h, iscrowd: 0, segmentation, run_id: r.run.id, review: r.review?.status ?? null });
    }
  }
  return coco;
}

const isFinitePair = (p: unknown): boolean => Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === 'number' && Number.isFinite(n));
const isRle = (v: unknown): v is { size: [number, number]; counts: string | number[] } => {
  const r = v as { size?: unknown; counts?: unknown } | null;
  return !!r && Array.isArray(r.size) && r.size.length === 2 && (typeof r.counts === 'string' || Array.isArray(r.counts));
};

// ---- plain text ----

/** The tasks whose result is text (the task table's text kind), and the built-in OCR's lines. */
export const TEXT_TASKS: ReadonlySet<string> = new Set([...TASK_NAMES.filter((t) => TASKS[t].kind === 'text'), BUILTIN_OCR.task]);

/** The text of a result: `text`, or OCR lines one per line. */
export function resultText(value: unknown): string | null {
  const v = value as { text?: unknown; lines?: { text?: unknown }[] } | null;
  if (!v || typeof v !== 'object') return null;
  if (typeof v.text === 'string') return v.text;
  if (Array.isArray(v.lines)) return v.lines.map((l) => (typeof l.text === 'string' ? l.text : '')).join('\n');
  return null;
}

export interface TextFile { name: string; text: string; results: number }

/**
 * One text file per document, task and model: pages in order, separated by a form feed (as `paliscope ocr` writes
 * them). Names: "<document>.<task>.txt", with the model name added when several models ran that task on it.
 */
export function toTextFiles(rows: ResultRow[]): TextFile[] {
  const groups = new Map<string, ResultRow[]>();
  for (const r of bestPerPage(rows)) {
    if (!TEXT_TASKS.has(r.run.task) || resultText(effectiveValue(r)) === null) continue;
    const key = `${r.document.id}|${r.run.task}|${r.run.modelId}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const modelsPer = new Map<string, Set<string>>();
  for (const [key, g] of groups) {
    const dt = key.split('|').slice(0, 2).join('|');
    modelsPer.set(dt, (modelsPer.get(dt) ?? new Set()).add(g[0]!.run.modelId));
  }
  const used = new Set<string>();
  const files: TextFile[] = [];
  for (const [key, g] of groups) {
    const first = g[0]!;
    const base = basename(first.document.path).replace(/\.[^.]+$/, '');
    const several = modelsPer.get(key.split('|').slice(0, 2).join('|'))!.size > 1;
    const stem = `${base}.${first.run.task}${several ? `.${first.run.modelName.replace(/[^\w.-]+/g, '_')}` : ''}`;
    let name = `${stem}.txt`;
    for (let i = 2; used.has(name); i++) name = `${stem}-${i}.txt`;
    used.add(name);
    files.push({ name, text: g.map((r) => resultText(effectiveValue(r))).join('\n\f') + '\n', results: g.length });
  }
  return files;
}
