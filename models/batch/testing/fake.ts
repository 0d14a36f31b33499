// Test helpers: a batch over made-up documents (no files needed) and a runner that only waits, so queue behaviour
// (order, prefetch, pause, cancel, crash recovery) is tested without a model.
import type { Store } from '../../store/store';
import type { PageRequest, PageResult, Runner } from '../runner';

export function seedFakeBatch(store: Store, opts: { documents: number; pagesEach: number; signature?: string }): number {
  const existing = store.batchBySignature(opts.signature ?? 'fake');
  if (existing) return existing.id;
  const batch = store.createBatch({ signature: opts.signature ?? 'fake', task: 'caption', prompt: 'caption en', modelId: 'fake-model', modelName: 'fake', parameters: { maxNewTokens: 8 } });
  for (let d = 0; d < opts.documents; d++) {
    const { document } = store.registerDocument({ path: `/fake/doc-${d}.tif`, sha256: d.toString(16).padStart(64, '0'), pageCount: opts.pagesEach, size: 1 });
    const pages = store.ensurePages(document.id, Array.from({ length: opts.pagesEach }, (_, i) => ({ index: i, width: 100, height: 100 })));
    store.addBatchItems(batch.id, pages.map((p) => p.id));
  }
  return batch.id;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const onAbort = () => { clearTimeout(t); reject(new Error('aborted')); };
    const t = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

export interface FakeRunnerLog {
  events: string[];
}

/** Waits `runMs` per page (`prepareMs` to "decode"); pages listed in `failRun` / `failPrepare` ("doc-0.tif#1") fail. */
export function fakeRunner(o: { runMs: number; prepareMs?: number; failRun?: string[]; failPrepare?: string[]; log?: FakeRunnerLog }): Runner<string> {
  const key = (r: PageRequest) => `${r.documentPath.split('/').pop()}#${r.page}`;
  return {
    async preparePage(req, signal) {
      o.log?.events.push(`prepare ${key(req)}`);
      await sleep(o.prepareMs ?? 0, signal);
      if (o.failPrepare?.includes(key(req))) throw new Error('cannot decode: truncated strip');
      o.log?.events.push(`prepared ${key(req)}`);
      return `pixels of ${key(req)}`;
    },
    async runPage(req, signal): Promise<PageResult> {
      o.log?.events.push(`run ${key(req)}`);
      await sleep(o.runMs, signal);
      if (o.failRun?.includes(key(req))) throw new Error('out of memory');
      o.log?.events.push(`ran ${key(req)}`);
      return { raw: `caption of ${req.prepared}`, parsed: { text: `caption of ${key(req)}` }, logprobs: [-0.5, -0.25], timings: { totalMs: o.runMs }, provider: 'cpu' };
    },
  };
}
