import { describe, expect, it } from 'vitest';
import { decode, type GeneratedToken } from './decode';
import { isEngineError } from './errors';
import { FakeModel } from './fake-model';

// Token ids in the hand-made vocabularies: A = 0, B = 1, EOS = 2.
const A = 0, B = 1, EOS = 2;

describe('decode: greedy', () => {
  it('takes the argmax each step, stops on eos, returns logprobs and releases every state', async () => {
    // After [] → A; after [A] → B; after [A, B] → EOS.
    const table: Record<string, number[]> = { '': [0.7, 0.2, 0.1], '0': [0.1, 0.6, 0.3], '0,1': [0.2, 0.1, 0.7] };
    const m = new FakeModel((p) => table[p.join(',')]!);
    const seen: GeneratedToken[] = [];
    const r = await decode(m, m.start(), { maxNewTokens: 10, eosIds: [EOS], vocabLimit: 3, onToken: (t) => seen.push(t) });
    expect(r.ids).toEqual([A, B, EOS]);
    expect(r.finishReason).toBe('eos');
    expect(r.logprobs.map(Math.exp)).toEqual([0.7, 0.6, 0.7].map((v) => expect.closeTo(v, 6)));
    expect(seen.map((t) => t.id)).toEqual(r.ids);
    expect(m.steps).toBe(2); // no step after the eos
    expect(m.live.size).toBe(0);
  });

  it('never emits masked ids (≥ vocabLimit), even when they have the largest logit', async () => {
    // id 3 (an "<image>" id) dominates but is masked; logprobs renormalise over the unmasked ids.
    const m = new FakeModel(() => [0.1, 0.2, 0.05, 0.65]);
    const r = await decode(m, m.start(), { maxNewTokens: 3, eosIds: [EOS], vocabLimit: 3 });
    expect(r.ids).toEqual([B, B, B]);
    expect(Math.exp(r.logprobs[0]!)).toBeCloseTo(0.2 / 0.35, 6);
    expect(r.finishReason).toBe('length');
  });

  it('stops on any of several eos ids (config [1, 107] style)', async () => {
    const m = new FakeModel((p) => (p.length === 0 ? [0.9, 0.05, 0.03, 0.02] : [0.1, 0.1, 0.1, 0.7]));
    const r = await decode(m, m.start(), { maxNewTokens: 5, eosIds: [EOS, 3], vocabLimit: 4 });
    expect(r.ids).toEqual([A, 3]);
    expect(r.finishReason).toBe('eos');
  });

  it('cancellation stops within one step, throws CANCELLED and releases states', async () => {
    const ac = new AbortController();
    const m = new FakeModel(() => [0.5, 0.4, 0.1]);
    m.onStep = () => { if (m.steps === 3) ac.abort(); };
    const seen: number[] = [];
    const e = await decode(m, m.start(), { maxNewTokens: 100, eosIds: [EOS], vocabLimit: 3, signal: ac.signal, onToken: (t) => seen.push(t.id) })
      .catch((x: unknown) => x);
    expect(isEngineError(e, 'CANCELLED')).toBe(true);
    expect(m.steps).toBe(3);
    expect(seen.length).toBe(3);
    expect(m.live.size).toBe(0);
  });

  it('rejects bad options with BAD_INPUT and still releases the start state', async () => {
    const m = new FakeModel(() => [0.5, 0.4, 0.1]);
    const e = await decode(m, m.start(), { maxNewTokens: 0, eosIds: [EOS], vocabLimit: 3 }).catch((x: unknown) => x);
    expect(isEngineError(e, 'BAD_INPUT')).toBe(true);
    expect(m.live.size).toBe(0);
  });
});

describe('decode: beam search', () => {
  // Greedy takes A (0.55) then EOS (0.4): P = 0.22. The B path has P = 0.4 · 0.9 = 0.36, which only a beam of
  // width ≥ 2 finds. Step-1 candidates by joint probability: B·EOS .36, A·EOS .22, A·A .165, A·B .165, … so both
  // top-2 candidates are finished hypotheses and the search stops after two tokens.
  const table: Record<string, number[]> = {
    '': [0.55, 0.4, 0.05],
    '0': [0.3, 0.3, 0.4],
    '1': [0.05, 0.05, 0.9],
  };
  const dist = (p: number[]) => table[p.join(',')] ?? [0.1, 0.1, 0.8];

  it('finds the higher-probability sequence greedy misses (hand-computed)', async () => {
    const g = new FakeModel(dist);
    expect((await decode(g, g.start(), { maxNewTokens: 5, eosIds: [EOS], vocabLimit: 3 })).ids).toEqual([A, EOS]);
    const m = new FakeModel(dist);
    const r = await decode(m, m.start(), { maxNewTokens: 5, eosIds: [EOS], vocabLimit: 3, strategy: { kind: 'beam', numBeams: 2 } });
    expect(r.ids).toEqual([B, EOS]);
    expect(r.finishReason).toBe('eos');
    expect(r.score).toBeCloseTo(Math.log(0.36) / 2, 6);
    expect(r.logprobs.map(Math.exp)).toEqual([expect.closeTo(0.4, 6), expect.closeTo(0.9, 6)]);
    expect(m.steps).toBe(2); // one step per beam after the first token
    expect(m.live.size).toBe(0);
  });

  it('one beam equals greedy', async () => {
    const m = new FakeModel(dist);
    const r = await decode(m, m.start(), { maxNewTokens: 5, eosIds: [EOS], vocabLimit: 3, strategy: { kind: 'beam', numBeams: 1 } });
    expect(r.ids).toEqual([A, EOS]);
  });

  it('length penalty changes the winner between a short and a long hypothesis (hand-computed)', async () => {
    // [EOS] alone: P = 0.3 → log 0.3 = −1.204. [A, A, EOS]: 0.7·0.95·0.95 → log = −0.459 over 3 tokens.
    // Both are found with 2 beams; the longer wins at penalty 1 (−0.459/3 = −0.153 > −1.204). With early stopping the
    // search ends at step 1 with [EOS] and [A, EOS] finished, before [A, A, EOS] exists.
    const t: Record<string, number[]> = { '': [0.7, 0, 0.3], '0': [0.95, 0, 0.05], '0,0': [0.05, 0, 0.95] };
    const d = (p: number[]) => (t[p.join(',')] ?? [0.5, 0, 0.5]).map((v) => v || 1e-9);
    const run = async (lengthPenalty: number, earlyStopping = false) => {
      const m = new FakeModel(d);
      const r = await decode(m, m.start(), { maxNewTokens: 5, eosIds: [EOS], vocabLimit: 3, strategy: { kind: 'beam', numBeams: 2, lengthPenalty, earlyStopping } });
      expect(m.live.size).toBe(0);
      return r.ids;
    };
    expect(await run(1)).toEqual([A, A, EOS]);
    // A strongly negative penalty favours short outputs: score = sum · len^|p| → [EOS]: −1.204, long: −0.459·3^3 = −12.4.
    expect(await run(-3)).toEqual([EOS]);
    expect(await run(1, true)).toEqual([EOS]);
  });

  it('ends at maxNewTokens with finishReason length and streams the winner once', async () => {
    const m = new FakeModel(() => [0.5, 0.45, 0.05]);
    const seen: number[] = [];
    const r = await decode(m, m.start(), { maxNewTokens: 3, eosIds: [EOS], vocabLimit: 3, strategy: { kind: 'beam', numBeams: 3 }, onToken: (x) => seen.push(x.id) });
    expect(r.ids).toEqual([A, A, A]);
    expect(r.finishReason).toBe('length');
    expect(seen).toEqual(r.ids);
    expect(m.live.size).toBe(0);
  });

  it('cancellation during beam search releases every shared state', async () => {
    const ac = new AbortController();
    const m = new FakeModel(() => [0.4, 0.35, 0.25]);
    m.onStep = () => { if (m.steps === 4) ac.abort(); };
    const e = await decode(m, m.start(), { maxNewTokens: 50, eosIds: [9], vocabLimit: 3, signal: ac.signal, strategy: { kind: 'beam', numBeams: 2 } })
      .catch((x: unknown) => x);
    expect(isEngineError(e, 'CANCELLED')).toBe(true);
    expect(m.live.size).toBe(0);
  });
});

describe('decode: sampling', () => {
  const flat = () => Array.from({ length: 50 }, (_, i) => 1 + (i % 7) * 0.1);
  const sample = async (seed: number, extra: object = {}, dist: (p: number[]) => number[] = flat, n = 40) => {
    const m = new FakeModel(dist, true);
    const r = await decode(m, m.start(), { maxNewTokens: n, eosIds: [999], vocabLimit: 1000, strategy: { kind: 'sample', seed, ...extra } });
    expect(m.live.size).toBe(0);
    return r.ids;
  };

  it('is reproducible by seed and differs across seeds', async () => {
    const a = await sample(42), b = await sample(42), c = await sample(43);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('top-k keeps only the k most likely ids', async () => {
    const logits = () => [5, 4.9, 4.8, 0, 0, 0, 0, 0];
    const ids = await sample(1, { topK: 2 }, logits, 200);
    expect(new Set(ids)).toEqual(new Set([0, 1]));
  });

  it('top-p keeps the smallest set reaching p', async () => {
    // probabilities .5, .3, .15, .05: p = 0.7 keeps {0, 1} (0.5 < 0.7 ≤ 0.8).
    const logits = () => [0.5, 0.3, 0.15, 0.05].map(Math.log);
    const ids = await sample(7, { topP: 0.7 }, logits, 300);
    expect(new Set(ids)).toEqual(new Set([0, 1]));
    // Renormalised: P(0) = 0.5/0.8 = 0.625 → about 188 of 300; 4.5 standard deviations = ±38.
    const zeros = ids.filter((i) => i === 0).length;
    expect(Math.abs(zeros - 187.5)).toBeLessThan(38);
  });

  it('top-p reaches into the low-probability tail only when p demands it (threshold search)', async () => {
    // id 0: weight 1; ids 1…999: e^−12 each (below the first 1e-4 threshold), together ≈ 0.6 % of the mass.
    const logits = () => Array.from({ length: 1000 }, (_, i) => (i === 0 ? 0 : -12));
    const strict = await sample(9, { topP: 0.99 }, logits, 1500);
    expect(new Set(strict)).toEqual(new Set([0]));
    const loose = await sample(9, { topP: 0.99999 }, logits, 1500);
    // ≈ 0.6 % of 1500 draws ≈ 9 tail ids expected; at least one (P(none) = 0.994^1500 ≈ 1e-4).
    expect(loose.filter((i) => i !== 0).length).toBeGreaterThan(0);
  });

  it('low temperature approaches greedy, high temperature flattens', async () => {
    const logits = () => [2, 1, 0];
    const cold = await sample(3, { temperature: 0.05 }, logits, 100);
    expect(cold.every((i) => i === 0)).toBe(true);
    const hot = await sample(3, { temperature: 100 }, logits, 300);
    // Near-uniform: each id about 100 of 300.
    for (const id of [0, 1, 2]) expect(Math.abs(hot.filter((i) => i === id).length - 100)).toBeLessThan(40);
  });

  it('rejects a non-positive temperature with BAD_INPUT', async () => {
    const m = new FakeModel(flat, true);
    const e = await decode(m, m.start(), { maxNewTokens: 2, eosIds: [1], vocabLimit: 50, strategy: { kind: 'sample', temperature: 0 } }).catch((x: unknown) => x);
    expect(isEngineError(e, 'BAD_INPUT')).toBe(true);
    expect(m.live.size).toBe(0);
  });
});
