import { describe, expect, it } from 'vitest';
import { Store } from '../store/store';
import { BatchQueue, type BatchEvent } from './queue';
import { fakeRunner, seedFakeBatch, type FakeRunnerLog } from './testing/fake';

function setup(documents = 2, pagesEach = 3) {
  const store = Store.open(':memory:');
  const batchId = seedFakeBatch(store, { documents, pagesEach });
  return { store, batchId };
}

describe('BatchQueue', () => {
  it('runs every page once, in order, one model run at a time, decoding the next page during the current run', async () => {
    const { store, batchId } = setup();
    const log: FakeRunnerLog = { events: [] };
    const events: BatchEvent[] = [];
    const counts = await new BatchQueue(store, batchId, fakeRunner({ runMs: 15, prepareMs: 1, log }), { onEvent: (e) => events.push(e) }).run();
    expect(counts).toMatchObject({ total: 6, done: 6, queued: 0, failed: 0 });
    expect(store.batch(batchId)!.status).toBe('done');
    const runs = log.events.filter((e) => e.startsWith('run ')).map((e) => e.slice(4));
    expect(runs).toEqual(['doc-0.tif#0', 'doc-0.tif#1', 'doc-0.tif#2', 'doc-1.tif#0', 'doc-1.tif#1', 'doc-1.tif#2']);
    // Never two runs at once: each "run" is followed by its "ran" before the next "run".
    const runEvents = log.events.filter((e) => /^(run|ran) /.test(e));
    for (let i = 0; i < runEvents.length; i += 2) expect(runEvents[i + 1]).toBe(runEvents[i]!.replace('run ', 'ran '));
    // Overlap: page 2 was decoded while page 1 was on the model.
    expect(log.events.indexOf('prepared doc-0.tif#1')).toBeLessThan(log.events.indexOf('ran doc-0.tif#0'));
    for (const item of store.batchItems(batchId)) {
      expect(item.status).toBe('done');
      expect(store.run(item.runId!)).toMatchObject({ status: 'done', task: 'caption', modelId: 'fake-model', parameters: { maxNewTokens: 8 }, logprobs: [-0.5, -0.25], provider: 'cpu' });
    }
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ finished: 6, counts: { done: 6 }, etaMs: 0 });
    const mid = progress.find((e) => e.finished === 3)!;
    expect(mid.etaMs).toBeGreaterThan(3 * 10);
    expect(events.filter((e) => e.type === 'state').map((e) => e.status)).toEqual(['running', 'done']);
  });

  it('records a failed page with its reason and goes on', async () => {
    const { store, batchId } = setup();
    const counts = await new BatchQueue(store, batchId, fakeRunner({ runMs: 1, failRun: ['doc-0.tif#1'], failPrepare: ['doc-1.tif#2'] })).run();
    expect(counts).toMatchObject({ done: 4, failed: 2 });
    const items = store.batchItems(batchId);
    expect(items[1]).toMatchObject({ status: 'failed', error: 'out of memory' });
    expect(store.run(items[1]!.runId!)).toMatchObject({ status: 'error', error: 'out of memory', raw: '' });
    expect(items[5]).toMatchObject({ status: 'failed', runId: null, error: '/fake/doc-1.tif page 3: cannot decode: truncated strip' });
    expect(store.batch(batchId)!.status).toBe('done');
    // Failed pages can be tried again.
    expect(store.retryItems(batchId, ['failed'])).toBe(2);
    expect(await new BatchQueue(store, batchId, fakeRunner({ runMs: 1 })).run()).toMatchObject({ done: 6, failed: 0 });
  });

  it('pauses after the page in progress and resumes where it stopped', async () => {
    const { store, batchId } = setup(1, 5);
    const queue = new BatchQueue(store, batchId, fakeRunner({ runMs: 20 }), {
      onEvent: (e) => { if (e.type === 'item' && e.item.seq === 1) queue.pause(); },
    });
    expect(await queue.run()).toMatchObject({ done: 2, queued: 3, running: 0 });
    expect(queue.status).toBe('paused');
    expect(await queue.run()).toMatchObject({ done: 5, queued: 0 });
    expect(queue.status).toBe('done');
    expect(store.batchItems(batchId).map((i) => i.attempts)).toEqual([1, 1, 1, 1, 1]);
  });

  it('cancels mid-page: the page in progress is abandoned, the rest marked cancelled; running again finishes it', async () => {
    const { store, batchId } = setup(1, 4);
    const queue = new BatchQueue(store, batchId, fakeRunner({ runMs: 5000 }), {
      onEvent: (e) => { if (e.type === 'start') setTimeout(() => queue.cancel(), 20); },
    });
    const t0 = performance.now();
    expect(await queue.run()).toMatchObject({ done: 0, cancelled: 4, running: 0 });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(queue.status).toBe('cancelled');
    expect(store.results()).toEqual([]);
    const again = new BatchQueue(store, batchId, fakeRunner({ runMs: 1 }));
    expect(await again.run()).toMatchObject({ done: 4, cancelled: 0 });
  });

  it('an item a crash left running is run again, once; items already done are not', async () => {
    const { store, batchId } = setup(1, 3);
    const [a, b] = store.nextQueuedItems(batchId, 2);
    store.startItem(a!.id);
    store.finishItem(a!.id, { pageId: a!.pageId, modelId: 'fake-model', modelName: 'fake', task: 'caption', prompt: 'caption en', status: 'done' });
    store.startItem(b!.id); // the process died here
    const log: FakeRunnerLog = { events: [] };
    expect(await new BatchQueue(store, batchId, fakeRunner({ runMs: 1, log })).run()).toMatchObject({ done: 3, running: 0 });
    expect(log.events.filter((e) => e.startsWith('run '))).toEqual(['run doc-0.tif#1', 'run doc-0.tif#2']);
    expect(store.batchItems(batchId).map((i) => i.attempts)).toEqual([1, 2, 1]);
    expect(store.results()).toHaveLength(3);
  });

  it('a listener that throws does not stop the batch', async () => {
    const { store, batchId } = setup(1, 2);
    const counts = await new BatchQueue(store, batchId, fakeRunner({ runMs: 1 }), { onEvent: () => { throw new Error('listener bug'); } }).run();
    expect(counts.done).toBe(2);
  });

  it('without preparePage the runner gets no prepared value; unknown batch ids are refused', async () => {
    const { store, batchId } = setup(1, 1);
    const seen: unknown[] = [];
    await new BatchQueue(store, batchId, { runPage: async (r) => { seen.push(r.prepared); return { raw: 'x', parsed: null, logprobs: null, timings: null, provider: null }; } }).run();
    expect(seen).toEqual([undefined]);
    expect(() => new BatchQueue(store, 99, fakeRunner({ runMs: 1 }))).toThrow(/no batch 99 in :memory:/);
  });
});
