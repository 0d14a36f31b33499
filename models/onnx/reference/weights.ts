// Loads a (tiny) checkpoint into float64 arrays keyed by canonical name, for the reference forward pass.
import { openCheckpoint, readTensorF32 } from '../safetensors';
import { canonicalName } from '../weights';

export type RefWeights = Map<string, Float64Array>;

export async function loadRefWeights(dir: string): Promise<RefWeights> {
  const out: RefWeights = new Map();
  for (const [name, t] of await openCheckpoint(dir)) out.set(canonicalName(name), Float64Array.from(readTensorF32(t)));
  return out;
}

export function need(w: RefWeights, name: string): Float64Array {
  const t = w.get(name);
  if (!t) throw new Error(`reference: checkpoint has no tensor ${name}`);
  return t;
}
