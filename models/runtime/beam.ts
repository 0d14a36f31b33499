// Beam search over a StepModel, transformers-style: 2·K candidates per step; a hypothesis ends when it emits eos
// within the top K of the candidate ranking; the K best finished hypotheses are kept; the search ends when no live
// beam can still beat the worst kept one (transformers' default heuristic: best live sum / current length^penalty),
// or as soon as K are finished with `earlyStopping`.
import type { DecodeOptions, DecodeResult, DecodeStart, StepModel } from './decode';
import { EngineError, throwIfCancelled } from './errors';
import { logSoftmax, maskFrom, topK } from './logits';

export interface BeamOptions {
  numBeams: number;
  /** Score = sum of logprobs / length^lengthPenalty (length = generated tokens incl. eos). Default 1. */
  lengthPenalty?: number;
  /** Stop as soon as K hypotheses are finished (transformers early_stopping=True). Default false. */
  earlyStopping?: boolean;
}

interface Beam<S> { ids: number[]; logprobs: number[]; sum: number; state: S; logits: Float32Array; times: number[] }
interface Hyp { ids: number[]; logprobs: number[]; score: number; eos: boolean; times: number[] }

export async function beamSearch<S>(model: StepModel<S>, start: DecodeStart<S>, o: DecodeOptions, b: BeamOptions): Promise<DecodeResult> {
  const K = b.numBeams;
  const penalty = b.lengthPenalty ?? 1;
  if (!Number.isInteger(K) || K < 1) {
    model.release(start.state);
    throw new EngineError('BAD_INPUT', `numBeams ${K}: expected a positive integer`);
  }
  const eos = new Set(o.eosIds);
  const norm = (sum: number, len: number) => sum / len ** penalty;
  // Reference counts: beams share a parent's state until each steps away from it.
  const refs = new Map<S, number>();
  const hold = (s: S) => refs.set(s, (refs.get(s) ?? 0) + 1);
  const drop = (s: S) => {
    const n = (refs.get(s) ?? 1) - 1;
    if (n > 0) refs.set(s, n);
    else { refs.delete(s); model.release(s); }
  };
  hold(start.state);
  let beams: Beam<S>[] = [{ ids: [], logprobs: [], sum: 0, state: start.state, logits: start.logits, times: [] }];
  const finished: Hyp[] = [];
  const addFinished = (h: Hyp) => {
    finished.push(h);
    finished.sort((x, y) => y.score - x.score);
    if (finished.length > K) finished.length = K;
  };
  try {
    for (let t = 0; t < o.maxNewTokens; t++) {
      throwIfCancelled(o.signal, 'beam search');
      const cands: { beam: Beam<S>; id: number; lp: number; sum: number }[] = [];
      for (const beam of beams) {
        const lp = logSoftmax(maskFrom(beam.logits, o.vocabLimit));
        for (const id of topK(lp, 2 * K)) cands.push({ beam, id, lp: lp[id]!, sum: beam.sum + lp[id]! });
      }
      cands.sort((x, y) => y.sum - x.sum);
      const now = performance.now();
      const next: typeof cands = [];
      for (let rank = 0; rank < cands.length && next.length < K; rank++) {
        const c = cands[rank]!;
        const ids = [...c.beam.ids, c.id];
        if (eos.has(c.id)) {
          // transformers: an eos candidate outside the top K does not become a hypothesis.
          if (rank < K) addFinished({ ids, logprobs: [...c.beam.logprobs, c.lp], score: norm(c.sum, ids.length), eos: true, times: [...c.beam.times, now] });
        } else next.push(c);
      }
      const last = t === o.maxNewTokens - 1;
      const best = next[0];
      const done = finished.length >= K &&
        (b.earlyStopping === true || !best || finished[finished.length - 1]!.score >= norm(best.sum, t + 1));
      if (done || next.length === 0 || last) {
        if (!done) {
          for (const c of next) {
            const ids = [...c.beam.ids, c.id];
            addFinished({ ids, logprobs: [...c.beam.logprobs, c.lp], score: norm(c.sum, ids.length), eos: false, times: [...c.beam.times, now] });
          }
        }
        break;
      }
      const stepped: Beam<S>[] = [];
      try {
        for (const c of next) {
          throwIfCancelled(o.signal, 'beam search');
          const r = await model.step(c.beam.state, c.id, o.signal);
          hold(r.state);
          stepped.push({ ids: [...c.beam.ids, c.id], logprobs: [...c.beam.logprobs, c.lp], sum: c.sum, state: r.state, logits: r.logits, times: [...c.beam.times, now] });
        }
      } catch (e) {
        for (const s of stepped) drop(s.state);
        throw e;
      }
      for (const old of beams) drop(old.state);
      beams = stepped;
    }
  } finally {
    for (const beam of beams) if (refs.has(beam.state)) drop(beam.state);
  }
  const best = finished[0];
  if (!best) throw new EngineError('BAD_INPUT', 'beam search produced no hypothesis (every id masked?)');
  best.ids.forEach((id, index) => o.onToken?.({ id, logprob: best.logprobs[index]!, index }));
  return { ids: best.ids, logprobs: best.logprobs, finishReason: best.eos ? 'eos' : 'length', tokenTimes: best.times, score: best.score };
}
