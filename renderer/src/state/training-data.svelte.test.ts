import { describe, expect, it } from 'vitest';
import { NoticesState } from './notices.svelte';
import { TrainingDataState } from './training-data.svelte';
import { fakeHost as fakeHostAnswering } from './fake-host.test-helpers';

/** A host whose export stream is played by the test: `push` sends its messages. */
const fakeHost = () => fakeHostAnswering({ 'dataset.export': { ok: true, value: { streamId: 's1' } }, 'streams.cancel': { ok: true, value: { cancelled: true } } });
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('TrainingDataState', () => {
  it('refuses options that cannot be exported, saying why, and sends none', async () => {
    const host = fakeHost();
    const s = new TrainingDataState(host.api, new NoticesState());
    s.split = { train: 70, validation: 20, test: 20 };
    expect(s.problem).toBe('The splits add up to 110 %, not 100 %.');
    s.split = { train: 0, validation: 50, test: 50 };
    expect(s.problem).toBe('The train split cannot be empty.');
    s.split = { train: 80, validation: 10, test: 10 };
    s.accepted = false;
    s.corrected = false;
    expect(s.problem).toMatch(/accepted results, corrected results or both/);
    await s.start();
    expect(host.calls).toEqual([]);
  });

  it('sends the options, follows the progress, and shows the result (nothing saved when nothing was exported)', async () => {
    const host = fakeHost();
    const notices = new NoticesState();
    const s = new TrainingDataState(host.api, notices);
    s.show();
    s.corrected = false;
    s.resolution = 448;
    s.seed = 7;
    const run = s.start();
    await tick();
    expect(host.calls[0]).toEqual({ name: 'dataset.export', input: { split: { train: 80, validation: 10, test: 10 }, only: ['accepted'], resolution: 448, seed: 7 } });
    host.push({ stream: { streamId: 's1', type: 'chunk', chunk: { stage: 'images', done: 3, total: 10 } } });
    expect(s.running).toBe(true);
    expect(s.progress).toEqual({ stage: 'images', done: 3, total: 10 });
    s.close();
    expect(s.open).toBe(true); // not while it runs
    host.push({ stream: { streamId: 's1', type: 'done', value: { fileName: 'p.zip', mime: 'application/zip', bytes: null, folder: '/u/training-data/p', examples: 0, images: 0, counts: {}, skipped: [{ task: 'vsr', reason: 'the verdict is neither true nor false', count: 2 }], skippedTotal: 2 } } });
    await run;
    expect(s.running).toBe(false);
    expect(s.result).toMatchObject({ examples: 0, saved: false, skippedTotal: 2 });
    expect(notices.items).toEqual([]);
  });

  it('shows a failure in the dialog; a cancel says nothing', async () => {
    const host = fakeHost();
    const s = new TrainingDataState(host.api, new NoticesState());
    let run = s.start();
    await tick();
    host.push({ stream: { streamId: 's1', type: 'error', error: { code: 'BAD_INPUT', message: '/x: the folder is not empty' } } });
    await run;
    expect(s.error).toBe('/x: the folder is not empty');
    run = s.start();
    await tick();
    await s.cancel();
    expect(host.calls.at(-1)).toEqual({ name: 'streams.cancel', input: { streamId: 's1' } });
    host.push({ stream: { streamId: 's1', type: 'cancelled' } });
    await run;
    expect(s.error).toBeNull();
  });
});
