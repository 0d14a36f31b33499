import { describe, expect, it } from 'vitest';
import { Api, type Transport } from '../lib/api';
import type { Push, Result } from '../../../preload/contract';
import { NoticesState } from './notices.svelte';
import { CheckpointImportState } from './checkpoint-import.svelte';

/** A host whose import stream is played by the test: `push` sends its messages. */
function fakeHost(): { api: Api; push: (p: Push) => void; calls: { name: string; input: unknown }[] } {
  let listener: (p: Push) => void = () => undefined;
  const calls: { name: string; input: unknown }[] = [];
  const transport: Transport = {
    call: async (name, input): Promise<Result<unknown>> => {
      calls.push({ name, input });
      if (name === 'models.importCheckpoint') return { ok: true, value: { streamId: 's1' } };
      if (name === 'streams.cancel') return { ok: true, value: { cancelled: true } };
      return { ok: false, error: { code: 'NOT_FOUND', message: name } };
    },
    onPush: (l) => ((listener = l), () => undefined),
  };
  return { api: new Api(transport), push: (p) => listener(p), calls };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('CheckpointImportState', () => {
  it('shows progress, then tells the person and refreshes the model list', async () => {
    const host = fakeHost();
    const notices = new NoticesState();
    let refreshed = 0;
    const state = new CheckpointImportState(host.api, notices, () => refreshed++);
    state.dtype = 'int8';
    const done = state.start();
    await tick();
    expect(host.calls[0]).toEqual({ name: 'models.importCheckpoint', input: { dtype: 'int8' } });
    host.push({ stream: { streamId: 's1', type: 'chunk', chunk: { stage: 'converting', done: 25, total: 100, graph: 'decoder' } } });
    expect(state.progress).toBe(0.25);
    expect(state.graph).toBe('decoder');
    host.push({ stream: { streamId: 's1', type: 'done', value: { imported: true, name: 'pg2-int8', location: '/models/pg2-int8' } } });
    await done;
    expect(state.progress).toBeNull();
    expect(refreshed).toBe(1);
    expect(notices.items.map((n) => [n.kind, n.title])).toEqual([['info', 'Imported pg2-int8']]);
  });

  it('says nothing when the dialog was cancelled or the person cancelled; names the failure otherwise', async () => {
    const host = fakeHost();
    const notices = new NoticesState();
    let refreshed = 0;
    const state = new CheckpointImportState(host.api, notices, () => refreshed++);
    let run = state.start();
    await tick();
    host.push({ stream: { streamId: 's1', type: 'done', value: { imported: false } } });
    await run;
    run = state.start();
    await tick();
    await state.cancel();
    expect(host.calls.at(-1)).toEqual({ name: 'streams.cancel', input: { streamId: 's1' } });
    host.push({ stream: { streamId: 's1', type: 'cancelled' } });
    await run;
    expect(notices.items).toEqual([]);
    run = state.start();
    await tick();
    host.push({ stream: { streamId: 's1', type: 'error', error: { code: 'BAD_INPUT', message: '/data/photos: not a Hugging Face checkpoint folder' } } });
    await run;
    expect(notices.items.map((n) => [n.kind, n.code, n.message])).toEqual([['error', 'BAD_INPUT', '/data/photos: not a Hugging Face checkpoint folder']]);
    expect(refreshed).toBe(0);
  });
});
