import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { invoke, stream, event, type Push, type StreamMessage } from '../../preload/contract/define';
import { Dispatcher, AppFailure, type Caller } from './dispatcher';

const testContract = {
  'math.double': invoke(z.object({ n: z.number() }).strict(), z.number()),
  'math.broken': invoke(z.object({}), z.number()),
  'math.count': stream(z.object({ to: z.number().int() }), z.number(), z.object({ total: z.number() })),
  'math.tick': event(z.object({ at: z.number() })),
  'streams.cancel': invoke(z.object({ streamId: z.string() }), z.object({ cancelled: z.boolean() })),
};

function recordingCaller(id = 'c1'): Caller & { pushes: Push[]; streamMessages(streamId: string): StreamMessage[] } {
  const pushes: Push[] = [];
  return {
    id,
    pushes,
    push: (m) => pushes.push(m),
    streamMessages: (streamId) => pushes.flatMap((p) => ('stream' in p && p.stream.streamId === streamId ? [p.stream] : [])),
  };
}

const waitFor = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

function make(opts: { countDelayMs?: number } = {}) {
  return new Dispatcher(testContract, {
    'math.double': ({ n }) => n * 2,
    'math.broken': () => 'not a number' as unknown as number,
    'math.count': async ({ to }, ctx) => {
      if (to < 0) throw new AppFailure('BAD_INPUT', 'cannot count to a negative number');
      for (let i = 1; i <= to; i++) {
        if (ctx.signal.aborted) throw new AppFailure('CANCELLED', 'stopped');
        ctx.send(i);
        await new Promise((r) => setTimeout(r, opts.countDelayMs ?? 0));
      }
      return { total: to };
    },
  }, { warn: () => undefined, error: () => undefined });
}

describe('Dispatcher', () => {
  it('validates input as unknown and answers BAD_INPUT naming the field', async () => {
    const d = make();
    const c = recordingCaller();
    expect(await d.call('math.double', { n: 21 }, c)).toEqual({ ok: true, value: 42 });
    const bad = await d.call('math.double', { n: 'x' }, c);
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(!bad.ok && bad.error.message).toContain('n');
    expect(await d.call('math.double', { n: 1, extra: true }, c)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await d.call('math.double', null, c)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('refuses names outside the contract, events, and prototype keys', async () => {
    const d = make();
    const c = recordingCaller();
    for (const name of ['fs.read', 'math.tick', 'constructor', '__proto__', 'toString']) {
      expect(await d.call(name, {}, c)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
  });

  it('reports an output that breaks the contract as INTERNAL instead of passing it on', async () => {
    expect(await make().call('math.broken', {}, recordingCaller())).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('streams chunks and ends with exactly one done', async () => {
    const d = make();
    const c = recordingCaller();
    const started = await d.call('math.count', { to: 3 }, c);
    if (!started.ok) throw new Error('stream did not start');
    const { streamId } = started.value as { streamId: string };
    await waitFor(() => c.streamMessages(streamId).some((m) => m.type !== 'chunk'));
    const messages = c.streamMessages(streamId);
    expect(messages.map((m) => m.type)).toEqual(['chunk', 'chunk', 'chunk', 'done']);
    expect(messages.at(-1)).toEqual({ streamId, type: 'done', value: { total: 3 } });
  });

  it('ends a failing stream with one error carrying the code', async () => {
    const d = make();
    const c = recordingCaller();
    const started = await d.call('math.count', { to: -1 }, c);
    const { streamId } = (started as { value: { streamId: string } }).value;
    await waitFor(() => c.streamMessages(streamId).length > 0);
    expect(c.streamMessages(streamId)).toEqual([{ streamId, type: 'error', error: { code: 'BAD_INPUT', message: 'cannot count to a negative number' } }]);
  });

  it('cancels a stream for its own caller only, ending it with one cancelled', async () => {
    const d = make({ countDelayMs: 5 });
    const owner = recordingCaller('owner');
    const other = recordingCaller('other');
    const started = await d.call('math.count', { to: 10_000 }, owner);
    const { streamId } = (started as { value: { streamId: string } }).value;
    await waitFor(() => owner.streamMessages(streamId).length >= 2);
    expect(await d.call('streams.cancel', { streamId }, other)).toEqual({ ok: true, value: { cancelled: false } });
    expect(await d.call('streams.cancel', { streamId }, owner)).toEqual({ ok: true, value: { cancelled: true } });
    await waitFor(() => owner.streamMessages(streamId).some((m) => m.type !== 'chunk'));
    await new Promise((r) => setTimeout(r, 30));
    const terminal = owner.streamMessages(streamId).filter((m) => m.type !== 'chunk');
    expect(terminal).toEqual([{ streamId, type: 'cancelled' }]);
  });

  it('stops the streams of a caller that goes away', async () => {
    const d = make({ countDelayMs: 5 });
    const c = recordingCaller();
    d.attach(c);
    const started = await d.call('math.count', { to: 10_000 }, c);
    const { streamId } = (started as { value: { streamId: string } }).value;
    await waitFor(() => c.streamMessages(streamId).length >= 1);
    d.detach(c.id);
    await waitFor(() => c.streamMessages(streamId).some((m) => m.type === 'cancelled'));
  });

  it('broadcasts valid events to attached callers and drops invalid ones', () => {
    const d = make();
    const a = recordingCaller('a');
    const b = recordingCaller('b');
    d.attach(a);
    d.attach(b);
    d.emit('math.tick', { at: 1 });
    d.emit('math.tick', { at: 'never' } as unknown as { at: number });
    expect(a.pushes).toEqual([{ event: 'math.tick', payload: { at: 1 } }]);
    expect(b.pushes).toEqual(a.pushes);
  });
});
