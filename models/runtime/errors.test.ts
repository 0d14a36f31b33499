import { describe, expect, it } from 'vitest';
import { classifyRuntimeError, EngineError, isEngineError, throwIfCancelled } from './errors';

describe('engine errors', () => {
  it('maps onnxruntime allocation failures to OUT_OF_MEMORY and leaves other errors alone', () => {
    const oom = classifyRuntimeError(new Error('Failed to allocate memory for requested buffer of size 4294967296'), 'decoder run');
    expect(isEngineError(oom, 'OUT_OF_MEMORY')).toBe(true);
    expect((oom as Error).message).toMatch(/^decoder run: out of memory/);
    const other = new Error('Invalid rank for input: position_ids');
    expect(classifyRuntimeError(other, 'x')).toBe(other);
  });
  it('throwIfCancelled throws CANCELLED only once the signal fired', () => {
    const ac = new AbortController();
    expect(() => throwIfCancelled(ac.signal, 'step')).not.toThrow();
    ac.abort();
    expect(() => throwIfCancelled(ac.signal, 'step')).toThrow(EngineError);
  });
});
