import { describe, expect, it } from 'vitest';
import { batchPageResult, cropPixels, rowFields, unfinishedRun, type RunOutcome } from './pipeline';

describe('cropPixels', () => {
  it('copies exactly the region, row by row', () => {
    const page = { data: Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => i), width: 4, height: 3, channels: 3 as const };
    const crop = cropPixels(page, { x: 1, y: 1, width: 2, height: 2 });
    expect(crop).toMatchObject({ width: 2, height: 2, channels: 3 });
    // Row 1 starts at pixel 4 (byte 12); x = 1 is byte 15.
    expect([...crop.data]).toEqual([15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32]);
  });
});

describe('a run that did not finish', () => {
  it('is a record with its status and reason, and fails or abandons its batch page', () => {
    const failed = unfinishedRun({ code: 'MODEL_NOT_FOUND', message: 'no decoder.onnx' });
    expect(failed).toMatchObject({ status: 'error', raw: '', parsed: null, error: { code: 'MODEL_NOT_FOUND' } });
    expect(rowFields(failed)).toMatchObject({ status: 'error', error: 'MODEL_NOT_FOUND: no decoder.onnx', tokens: null, logprobs: null });
    expect(() => batchPageResult(failed)).toThrow('no decoder.onnx');
    const cancelled = unfinishedRun({ code: 'CANCELLED', message: 'the run was cancelled' });
    expect(cancelled.status).toBe('cancelled');
    expect(() => batchPageResult(cancelled)).toThrow(expect.objectContaining({ code: 'CANCELLED' }));
  });

  it('a finished run is one row: tokens, confidence inputs, providers and timings', () => {
    const done: RunOutcome = {
      ...unfinishedRun({ code: 'X', message: '' }), status: 'done', error: null, raw: 'a b', ids: [5, 6], logprobs: [-0.1, -0.2], pieces: ['a', ' b'],
      finishReason: 'eos', parsed: { kind: 'text', task: 'caption', text: 'a b', warnings: [] }, providers: { decoder: 'cpu', vision_encoder: 'cpu' },
    };
    expect(batchPageResult(done)).toMatchObject({ raw: 'a b', tokens: { ids: [5, 6], pieces: ['a', ' b'] }, logprobs: [-0.1, -0.2], provider: 'cpu', parsed: { kind: 'text' }, error: null });
  });
});
