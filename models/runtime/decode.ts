// The decode loop, independent of ONNX: a `step` function (state + token → logits of the new last position + new
// state), a sampler and stopping rules. States are immutable values (e.g. a KV cache): step returns a new one and the
// loop releases the old one as soon as nothing refers to it, so beam search can share a parent's cache between beams
// without copying it.
import { beamSearch, type BeamOptions } from './beam';
import { EngineError, throwIfCancelled } from './errors';
import { logProbOf, maskFrom } from './logits';
import { createSampler, greedySampler, type Sampler, type SamplingOptions } from './sampler';

export interface StepModel<S> {
  /** Feeds one token after `state`; must not mutate `state` (beams may still share it). */
  step(state: S, token: number, signal?: AbortSignal): Promise<{ logits: Float32Array; state: S }>;
  /** Frees what a state holds (tensors); called exactly once per state the loop received or created. */
  release(state: S): void;
}

export type Strategy =
  | { kind: 'greedy' }
  | ({ kind: 'sample' } & SamplingOptions)
  | ({ kind: 'beam' } & BeamOptions);

export interface GeneratedToken {
  id: number;
  /** log P(id | context) under the model's masked distribution at temperature 1 (natural log). */
  logprob: number;
  /** 0-based position in the generated sequence. */
  index: number;
}

export interface DecodeOptions {
  strategy?: Strategy;
  maxNewTokens: number;
  /** Generation stops after emitting any of these (the eos token is included in the result). */
  eosIds: readonly number[];
  /** Ids ≥ vocabLimit are masked before choosing (PaliGemma: <image> and the padded head rows). */
  vocabLimit: number;
  signal?: AbortSignal;
  /** Called per token as it is chosen (greedy / sampling); beam search calls it for the winner once it is known. */
  onToken?: (t: GeneratedToken) => void;
}

export interface DecodeResult {
  ids: number[];
  logprobs: number[];
  finishReason: 'eos' | 'length';
  /** performance.now() when each token was chosen (for time-to-first-token and tokens/s). */
  tokenTimes: number[];
  /** Beam search only: the winner's length-normalised score. */
  score?: number;
}

export interface DecodeStart<S> { state: S; logits: Float32Array }

function validate(o: DecodeOptions): void {
  if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 1) {
    throw new EngineError('BAD_INPUT', `maxNewTokens ${o.maxNewTokens}: expected a positive integer`);
  }
  if (o.eosIds.length === 0) throw new EngineError('BAD_INPUT', 'eosIds: expected at least one end-of-sequence id');
}

/**
 * Runs generation from the prefill result. Takes ownership of `start.state` (it is released before returning or
 * throwing). Throws EngineError CANCELLED when `signal` fires: checked before and after every step, so cancellation
 * lands within one step.
 */
export async function decode<S>(model: StepModel<S>, start: DecodeStart<S>, o: DecodeOptions): Promise<DecodeResult> {
  try {
    validate(o);
  } catch (e) {
    model.release(start.state);
    throw e;
  }
  const strategy = o.strategy ?? { kind: 'greedy' };
  if (strategy.kind === 'beam') return beamSearch(model, start, o, strategy);
  let sampler: Sampler;
  try {
    sampler = strategy.kind === 'sample' ? createSampler(strategy) : greedySampler;
  } catch (e) {
    model.release(start.state);
    throw new EngineError('BAD_INPUT', (e as Error).message, { cause: e });
  }
  const eos = new Set(o.eosIds);
  const ids: number[] = [], logprobs: number[] = [], tokenTimes: number[] = [];
  let state = start.state;
  let logits = start.logits;
  try {
    for (;;) {
      throwIfCancelled(o.signal, 'generation');
      maskFrom(logits, o.vocabLimit);
      const id = sampler.pick(logits);
      const logprob = logProbOf(logits, id);
      ids.push(id);
      logprobs.push(logprob);
      tokenTimes.push(performance.now());
      o.onToken?.({ id, logprob, index: ids.length - 1 });
      if (eos.has(id)) return { ids, logprobs, finishReason: 'eos', tokenTimes };
      if (ids.length >= o.maxNewTokens) return { ids, logprobs, finishReason: 'length', tokenTimes };
      throwIfCancelled(o.signal, 'generation');
      const next = await model.step(state, id, o.signal);
      model.release(state);
      state = next.state;
      logits = next.logits;
    }
  } finally {
    model.release(state);
  }
}
