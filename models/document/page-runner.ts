// One page of a document batch: its regions proposed, ordered and routed, each region's content read by its model and
// kept in the project store as a run of its own (a run on the region's crop, as the app's runs on a region are), then
// the page's layout — regions, order, the run of each — returned as the batch item's result.
import type { RawImage } from '../documents';
import type { OcrEngine } from '../ocr/types';
import type { PaliGemmaEngine } from '../paligemma/engine';
import { cropPixels, rowFields, runPage, type RunOutcome } from '../runs/pipeline';
import type { PageResult } from '../batch/runner';
import type { Store } from '../store/store';
import type { RunInput } from '../store/types';
import { BUILTIN_OCR } from '../tasks/table';
import { readingOrder } from './order';
import { routeOf, type Routes } from './route';
import { DOCUMENT_MODEL, REGION_TEXT_TASK, TEXT_LAYER_MODEL, type LayoutRegion, type PageLayout, type RegionSource } from './schema';
import { proposeRegions, type PageSources } from './sources/combine';
import { joinLines } from './sources/text-blocks';
import { linesOfOcrPage } from './sources/ocr-blocks';
import type { PageContext, ProposedRegion } from './sources/types';

/** Regions smaller than this (px) on either side are too small to read; PaliGemma refuses crops under 8 px. */
const MIN_SIDE = 8;

export interface PageRunnerDeps {
  store: Store;
  sources: PageSources;
  routes: Routes;
  /** The built-in OCR, for text regions no source read; created on first use. */
  ocr: () => Promise<OcrEngine>;
  /** A PaliGemma engine for a model folder; created on first use and kept. */
  paligemma: (dir: string) => Promise<PaliGemmaEngine>;
  maxNewTokens: number;
}

/** The text of a region read by its source: a list keeps one item a line, anything else is one paragraph. */
export function regionText(region: ProposedRegion): string {
  const lines = region.lines ?? [];
  return region.type === 'list' ? lines.map((l) => l.text.trim()).filter(Boolean).join('\n') : joinLines(lines);
}

function abortError(): Error {
  return Object.assign(new Error('the run was cancelled'), { name: 'AbortError', code: 'CANCELLED' });
}

export async function runDocumentPage(
  deps: PageRunnerDeps, page: { pageId: number; path: string; index: number; width: number; height: number; render: () => Promise<RawImage> }, signal: AbortSignal,
): Promise<PageResult> {
  let pixels: Promise<RawImage> | null = null;
  const ctx: PageContext = { path: page.path, index: page.index, width: page.width, height: page.height, signal, pixels: () => (pixels ??= page.render()) };
  const t0 = performance.now();
  const proposals = (await proposeRegions(ctx, deps.sources)).filter((r) => r.box.width >= MIN_SIDE && r.box.height >= MIN_SIDE);
  const { order, captionOf } = readingOrder(proposals);
  const ids = proposals.map((_, i) => `p${page.index + 1}-r${i + 1}`);
  const regions: LayoutRegion[] = [];
  const store = (input: Omit<RunInput, 'pageId'>) => deps.store.addRun({ pageId: page.pageId, ...input }).id;
  // Text a source already read costs nothing to read again: its runs are written together at the end of the page, in
  // one transaction (one sync to disk instead of one a region). Model runs are written as each one finishes.
  const readRuns: { region: LayoutRegion; input: Omit<RunInput, 'pageId'> }[] = [];
  for (const [i, r] of proposals.entries()) {
    if (signal.aborted) throw abortError();
    const region: LayoutRegion = {
      id: ids[i]!, type: r.type, box: r.box, source: r.source as RegionSource, order: order[i] ?? null,
      captionOf: captionOf[i] !== null && captionOf[i] !== undefined ? ids[captionOf[i]!]! : null, runId: null, error: null,
    };
    const where = { region: r.box, documentRegion: { id: region.id, type: r.type, source: r.source } };
    const route = routeOf(r, deps.routes);
    if (route.kind === 'read') {
      const text = regionText(r);
      const model = r.source === 'ocr' ? { id: BUILTIN_OCR.modelId, name: BUILTIN_OCR.modelName } : TEXT_LAYER_MODEL;
      readRuns.push({ region, input: {
        modelId: model.id, modelName: model.name, task: REGION_TEXT_TASK, prompt: '', parameters: where, raw: text,
        parsed: { kind: 'text', task: REGION_TEXT_TASK, text, lines: r.lines, warnings: [] }, status: 'done', provider: r.source === 'ocr' ? 'cpu' : null,
      } });
    } else if (route.kind === 'ocr') {
      const engine = await deps.ocr();
      const crop = cropPixels(await ctx.pixels(), r.box);
      const ocr = await engine.recognize(crop, { signal });
      const lines = linesOfOcrPage(ocr).map((l) => ({ ...l, box: { ...l.box, x: l.box.x + r.box.x, y: l.box.y + r.box.y } }));
      const text = regionText({ ...r, lines });
      region.runId = store({
        modelId: BUILTIN_OCR.modelId, modelName: BUILTIN_OCR.modelName, task: REGION_TEXT_TASK, prompt: '', parameters: where, raw: text,
        parsed: { kind: 'text', task: REGION_TEXT_TASK, text, lines, warnings: [] }, status: 'done', provider: 'cpu', timings: ocr.timings,
      });
    } else if (route.kind === 'model') {
      const engine = await deps.paligemma(route.model.dir);
      const outcome: RunOutcome = await runPage(engine, {
        task: route.task, prompt: route.prompt, image: cropPixels(await ctx.pixels(), r.box), maxNewTokens: deps.maxNewTokens,
        strategy: { kind: 'greedy' }, region: { region: r.box, page: { width: page.width, height: page.height } },
      }, { signal });
      if (outcome.status === 'cancelled') throw abortError();
      region.runId = store({
        modelId: route.model.id, modelName: route.model.name, task: route.task, prompt: route.prompt,
        parameters: { ...where, maxNewTokens: deps.maxNewTokens, strategy: { kind: 'greedy' }, modelLocation: route.model.dir }, ...rowFields(outcome),
      });
      if (outcome.error) region.error = `${outcome.error.code}: ${outcome.error.message}`;
    } else if (route.kind === 'none') {
      region.error = route.reason;
    }
    regions.push(region);
  }
  if (signal.aborted) throw abortError();
  deps.store.db.transaction(() => {
    for (const { region, input } of readRuns) region.runId = store(input);
  })();
  const layout: PageLayout = { kind: 'document-page', width: page.width, height: page.height, regions };
  const read = regions.filter((r) => r.order !== null).sort((a, b) => a.order! - b.order!);
  return {
    raw: `${read.length} regions in reading order: ${read.map((r) => `${r.order}. ${r.type}`).join(', ')}`.slice(0, 10_000),
    parsed: layout,
    logprobs: null,
    timings: { totalMs: performance.now() - t0, regions: regions.length, model: DOCUMENT_MODEL.id },
    provider: null,
  };
}
