// A Runner that runs PaliGemma in this process (the CLI's `paliscope batch`): the page is rendered and encoded in
// preparePage (overlapped with the previous page's inference by the queue), then generated and parsed in runPage
// through the run's analyze step (models/runs/analyze.ts), so the CLI stores results exactly as the app does.
import type { Strategy } from '../runtime/decode';
import { createPaliGemma, type PaliGemmaEngine, type PaliGemmaOptions } from '../paligemma/engine';
import { encodePng, PageSource } from './page-source';
import type { PageRequest, PageResult, Runner } from './runner';
import { isTaskName } from '../tasks/table';
import { analyzeRun } from '../runs/analyze';

interface Prepared { png: Buffer; width: number; height: number }

export interface PaliGemmaRunnerOptions extends PaliGemmaOptions {
  pages: PageSource;
  /** segment: the mask decoder's weights (vae-oid.npz); without them masks are a warning in the result. */
  vaePath?: string | null;
}

export async function createPaliGemmaRunner(o: PaliGemmaRunnerOptions): Promise<Runner<Prepared> & { engine: PaliGemmaEngine }> {
  const engine = await createPaliGemma(o);
  return {
    engine,
    async preparePage(req: PageRequest, signal: AbortSignal): Promise<Prepared> {
      const image = await o.pages.render(req.documentPath, req.page, signal);
      return { png: await encodePng(image), width: image.width, height: image.height };
    },
    async runPage(req, signal): Promise<PageResult> {
      const p = req.prepared!;
      const maxNewTokens = typeof req.parameters.maxNewTokens === 'number' ? req.parameters.maxNewTokens : 64;
      const strategy = (req.parameters.strategy as Strategy | undefined) ?? { kind: 'greedy' };
      const r = await engine.generate({ image: p.png, prompt: req.prompt, maxNewTokens, strategy, signal });
      if (!isTaskName(req.task)) throw new Error(`task "${req.task}" is not a PaliGemma task`);
      const parsed = await analyzeRun({ task: req.task, raw: r.text, seen: { width: p.width, height: p.height }, vaePath: req.task === 'segment' ? (o.vaePath ?? null) : null });
      const used = [...new Set(Object.values(engine.providers))];
      return {
        raw: r.text,
        parsed: parsed ?? null,
        logprobs: r.logprobs,
        tokens: { ids: r.ids, pieces: r.pieces },
        timings: { ...r.timings, finishReason: r.finishReason, tokens: r.ids.length },
        provider: used.length === 1 ? used[0]! : JSON.stringify(engine.providers),
      };
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
