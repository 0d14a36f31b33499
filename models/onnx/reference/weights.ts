// Loads a (tiny) checkpoint into float64 arrays keyed by canonical name, for the reference forward pass.
import { openCheckpoint, readTensorF32 } from '../safetensors';
import { canonicalName } from '../weights';

/**
 * Weights may be held as float32 (exactly the checkpoint's values when it is bf16/fp16/fp32, half the memory at
 * real widths); all arithmetic is still float64.
 */
export type Vec = Float64Array | Float32Array;
export type RefWeights = Map<string, Vec>;

export async function loadRefWeights(dir: string, opts: { float32?: boolean } = {}): Promise<RefWeights> {
  const out: RefWeights = new Map();
  for (const [name, t] of await openCheckpoint(dir)) {
    const a = readTensorF32(t);
    out.set(canonicalName(name), opts.float32 ? a : Float64Array.from(a));
  }
  return out;
}

export function need(w: RefWeights, name: string): Vec {
  const t = w.get(name);
  if (!t) throw new Error(`reference: checkpoint has no tensor ${name}`);
  return t;
}
