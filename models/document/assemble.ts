// The whole document from the project store: each page's layout (the document batch's run for it), each region's
// result from its run — the reviewed value when the run was corrected — and its review state. A project file may come
// from someone else, so every stored value is checked against the schema before use; what does not fit becomes the
// region's error, never an exception.
import { basename } from 'node:path';
import type { Store } from '../store/store';
import type { ResultRow, ReviewRecord, RunRecord } from '../store/types';
import { isTaskName, TASKS } from '../tasks/table';
import { DOCUMENT_TASK, DocumentExport, PageLayout, REGION_TEXT_TASK, RegionResult, type DocumentFile, type Page, type Region, type RegionReview, type RegionType } from './schema';

export type Content = 'reviewed' | 'all';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A run's value (reviewed or as produced) as a region's result, or why it cannot be one. */
export function resultOfRun(run: RunRecord, review: ReviewRecord | null, type: RegionType): { result: RegionResult | null; error: string | null } {
  const value = (review?.status === 'corrected' ? review.value : run.parsed) as Record<string, unknown> | null;
  if (run.status !== 'done') return { result: null, error: run.error ?? `the run ${run.status === 'cancelled' ? 'was cancelled' : 'failed'}` };
  if (!value || typeof value !== 'object') return { result: null, error: 'the run has no parsed result' };
  const kind = run.task === REGION_TEXT_TASK ? 'text' : isTaskName(run.task) ? TASKS[run.task].kind : null;
  let candidate: unknown = null;
  if (kind === 'text') {
    const text = str(value.text);
    candidate = type === 'figure' ? { kind: 'figure', description: text } : { kind: 'text', text: text ?? '' };
  } else if (kind === 'table') {
    const t = value.table as { rows?: unknown; cols?: unknown; cells?: unknown } | undefined;
    const cells = Array.isArray(t?.cells) ? t.cells.map((c: Record<string, unknown>) => ({ row: c.row, col: c.col, rowspan: c.rowspan, colspan: c.colspan, header: c.header, text: c.text })) : null;
    candidate = { kind: 'table', rows: t?.rows, cols: t?.cols, cells };
  } else if (kind === 'molecule') {
    const m = value.molecule as Record<string, unknown> | undefined;
    candidate = { kind: 'molecule', smiles: str(m?.canonical) ?? str(m?.input), valid: m?.valid === true, svg: str(m?.svg) };
  } else if (kind === 'music') {
    const m = value.music as Record<string, unknown> | undefined;
    const pages = Array.isArray(m?.svgPages) ? m.svgPages : [];
    candidate = { kind: 'music', kern: str(m?.kern), valid: m?.valid === true, svg: str(pages[0]) };
  } else {
    return { result: null, error: `a ${run.task} run cannot be the content of a ${type} region` };
  }
  const checked = RegionResult.safeParse(candidate);
  return checked.success ? { result: checked.data, error: null } : { result: null, error: `the ${run.task} result does not fit a ${type} region: ${checked.error.issues[0]?.message ?? 'invalid'}` };
}

const reviewOf = (r: ReviewRecord | null | undefined): RegionReview => r?.status ?? 'unreviewed';

/** The image file name of a region whose picture the exports embed. */
export function imageName(region: { id: string; type: RegionType }): string | null {
  return region.type === 'figure' || region.type === 'molecule' || region.type === 'music' ? `${region.id}.png` : null;
}

function pageOf(row: ResultRow, store: Store, content: Content): Page | { error: string } {
  const layout = PageLayout.safeParse(row.run.parsed);
  if (!layout.success) return { error: `page ${row.page.index + 1}: its stored layout is not a document layout (${layout.error.issues[0]?.message ?? 'invalid'})` };
  const regions: Region[] = layout.data.regions.map((r) => {
    const run = r.runId !== null ? store.run(r.runId) : undefined;
    // A region points only at runs of its own page.
    const own = run && run.pageId === row.run.pageId ? run : undefined;
    const review = own ? store.review(own.id) ?? null : null;
    const base: Region = { ...r, result: null, review: reviewOf(review), image: imageName(r) };
    if (r.runId !== null && !own) return { ...base, runId: null, error: `run ${r.runId} is not in this project's page` };
    if (!own) return r.type === 'figure' ? { ...base, result: { kind: 'figure', description: null } } : base;
    if (content === 'reviewed' && review?.status !== 'accepted' && review?.status !== 'corrected') return base;
    const { result, error } = resultOfRun(own, review, r.type);
    return { ...base, result, error: error ?? r.error };
  });
  return { index: row.page.index, width: layout.data.width, height: layout.data.height, regions };
}

/**
 * The documents of a document batch, in the store's order (document, page), each page's latest layout. Pages whose
 * layout cannot be read are named in `problems`.
 */
export function assembleFromStore(store: Store, batchId: number, content: Content): { document: DocumentExport; paths: string[]; problems: string[] } {
  const rows = store.results({ batchId, task: DOCUMENT_TASK, runStatus: 'done' });
  const byDoc = new Map<number, { path: string; sha256: string; pages: Map<number, ResultRow> }>();
  for (const row of rows) {
    const d = byDoc.get(row.document.id) ?? { path: row.document.path, sha256: row.document.sha256, pages: new Map() };
    // Later runs of a page (a re-run) replace earlier ones.
    d.pages.set(row.page.index, row);
    byDoc.set(row.document.id, d);
  }
  const problems: string[] = [];
  const documents: DocumentFile[] = [];
  const paths: string[] = [];
  for (const d of byDoc.values()) {
    const pages: Page[] = [];
    for (const row of [...d.pages.values()].sort((a, b) => a.page.index - b.page.index)) {
      const p = pageOf(row, store, content);
      if ('error' in p) problems.push(`${d.path}: ${p.error}`);
      else pages.push(p);
    }
    documents.push({ name: basename(d.path), sha256: d.sha256, pages });
    paths.push(d.path);
  }
  return { document: DocumentExport.parse({ format: 'paliscope-document', version: 1, content, documents }), paths, problems };
}

/** A page's regions in reading order (headers and footers, which have no place in it, left out). */
export function inReadingOrder(page: Page): Region[] {
  return page.regions.filter((r) => r.order !== null).sort((a, b) => a.order! - b.order!);
}
