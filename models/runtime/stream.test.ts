import { describe, expect, it } from 'vitest';
import { streamCallback } from './stream';

describe('streamCallback', () => {
  it('yields every item in order, then ends; result resolves', async () => {
    const s = streamCallback<number, string>(async (on) => {
      for (let i = 0; i < 5; i++) { on(i); await new Promise((r) => setTimeout(r, 1)); }
      on(5);
      return 'done';
    });
    const got: number[] = [];
    for await (const x of s) got.push(x);
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await s.result).toBe('done');
  });

  it('delivers items produced before the failure, then throws it', async () => {
    const s = streamCallback<number, void>(async (on) => { on(1); on(2); await Promise.resolve(); throw new Error('cancelled'); });
    const got: number[] = [];
    await expect((async () => { for await (const x of s) got.push(x); })()).rejects.toThrow('cancelled');
    expect(got).toEqual([1, 2]);
  });
});
