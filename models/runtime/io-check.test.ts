import { describe, expect, it } from 'vitest';
import { isEngineError } from './errors';
import { checkIo } from './io-check';

const meta = (name: string, type: string) => ({ name, isTensor: true as const, type: type as 'float32', shape: [] });
const session = (ins: [string, string][], outs: [string, string][]) => ({
  inputNames: ins.map((x) => x[0]), outputNames: outs.map((x) => x[0]),
  inputMetadata: ins.map(([n, t]) => meta(n, t)), outputMetadata: outs.map(([n, t]) => meta(n, t)),
});
const decl = { inputs: [{ name: 'input_ids', type: 'int64' as const }], outputs: [{ name: 'inputs_embeds', type: 'float32' as const }] };

describe('checkIo', () => {
  it('accepts a matching session', () => {
    expect(() => checkIo(session([['input_ids', 'int64']], [['inputs_embeds', 'float32']]), decl, 'embed')).not.toThrow();
  });
  it('names missing, mistyped and unexpected tensors', () => {
    let err: unknown;
    try { checkIo(session([['input_ids', 'int32'], ['attention_mask', 'int64']], [['embeds', 'float32']]), decl, 'embed.onnx'); } catch (e) { err = e; }
    expect(isEngineError(err, 'INPUT_MISMATCH')).toBe(true);
    const msg = (err as Error).message;
    expect(msg).toContain('input "input_ids" is int32, expected int64');
    expect(msg).toContain('unexpected input "attention_mask"');
    expect(msg).toContain('missing output "inputs_embeds" (float32)');
    expect(msg).toMatch(/^embed\.onnx: /);
  });
});
