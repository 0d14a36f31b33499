// A Runner that runs PaliGemma in this process (the CLI's `paliscope batch`): the page is rendered in preparePage
// (overlapped with the previous page's inference by the queue), then run through the one run pipeline
// (models/runs/pipeline.ts) in runPage, so the CLI stores each page exactly as the app does.
import type { Strategy } from '../runtime/decode';
import { createPaliGemma, type PaliGemmaEngine, type PaliGemmaOptions } from '../paligemma/engine';
import type { RawImage } from '../documents';
import { isTaskName } from '../tasks/table';
import { batchPageResult, runPage } from '../runs/pipeline';
import type { PageSource } from './page-source';
import type { PageRequest, PageResult, Runner } from './runner';

export interface PaliGemmaRunnerOptions extends PaliGemmaOptions {
  pages: PageSource;
  /** segment: the mask decoder's weights (vae-oid.npz); without them masks are a warning in the result. */
  vaePath?: string | null;
}

export async function createPaliGemmaRunner(o: PaliGemmaRunnerOptions): Promise<Runner<RawImage> & { engine: PaliGemmaEngine }> {
  const engine = await createPaliGemma(o);
  return {
    engine,
    preparePage: (req: PageRequest, signal: AbortSignal) => o.pages.render(req.documentPath, req.page, signal),
    async runPage(req, signal): Promise<PageResult> {
      if (!isTaskName(req.task)) throw new Error(`task "${req.task}" is not a PaliGemma task`);
      const maxNewTokens = typeof req.parameters.maxNewTokens === 'number' ? req.parameters.maxNewTokens : 64;
      const strategy = (req.parameters.strategy as Strategy | undefined) ?? { kind: 'greedy' };
      const outcome = await runPage(engine, {
        task: req.task, prompt: req.prompt, image: req.prepared!, maxNewTokens, strategy, region: null,
        vaePath: req.task === 'segment' ? (o.vaePath ?? null) : null,
      }, { signal });
      return batchPageResult(outcome);
    },
    async close() {
      await o.pages.close();
    },
  };
}

/** Releases the model as well (close() only releases pages, so one runner can serve a paused-and-resumed batch). */
export async function disposeRunner(r: { engine: PaliGemmaEngine }): Promise<void> {
  await r.engine.dispose();
}
