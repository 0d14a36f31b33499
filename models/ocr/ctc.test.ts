import { describe, expect, it } from 'vitest';
import { ctcGreedyDecode, parseDictionary } from './ctc';

/** One-hot-ish probabilities: `seq` lists the winning class per step with its probability. */
function logits(seq: [number, number][], classes: number): Float32Array {
  const out = new Float32Array(seq.length * classes);
  seq.forEach(([c, p], t) => {
    const rest = (1 - p) / (classes - 1);
    for (let k = 0; k < classes; k++) out[t * classes + k] = k === c ? p : rest;
  });
  return out;
}

describe('ctcGreedyDecode', () => {
  const dict = ['a', 'b', 'c', ' '];
  const C = dict.length + 1;

  it('collapses repeats and drops blanks', () => {
    const p = logits([[1, 0.9], [1, 0.8], [0, 0.9], [2, 0.7], [4, 0.95], [3, 0.6], [3, 0.99]], C);
    const out = ctcGreedyDecode(p, 0, 7, C, dict);
    expect(out.map((c) => c.char).join('')).toBe('ab c');
    expect(out[0]).toMatchObject({ start: 0, end: 1 });
    expect(out[0]!.confidence).toBeCloseTo(0.9);
    // Confidence of a run is its best step.
    expect(out[3]!.confidence).toBeCloseTo(0.99);
  });

  it('keeps doubled letters separated by a blank', () => {
    const p = logits([[1, 0.9], [0, 0.9], [1, 0.9]], C);
    expect(ctcGreedyDecode(p, 0, 3, C, dict).map((c) => c.char).join('')).toBe('aa');
  });

  it('reads only valid steps at an offset (batched outputs)', () => {
    const p = new Float32Array(2 * 3 * C);
    p.set(logits([[1, 0.9], [2, 0.9], [3, 0.9]], C), 0);
    p.set(logits([[3, 0.9], [2, 0.9], [1, 0.9]], C), 3 * C);
    expect(ctcGreedyDecode(p, 3 * C, 3, C, dict, 2).map((c) => c.char).join('')).toBe('cb');
  });

  it('marks indices beyond the dictionary', () => {
    const p = logits([[5, 0.9]], 6);
    expect(ctcGreedyDecode(p, 0, 1, 6, ['a', 'b', 'c'])[0]!.char).toBe('\uFFFD');
  });
});

describe('parseDictionary', () => {
  it('appends the space and ignores the trailing newline', () => {
    expect(parseDictionary('a\nb\r\nc\n')).toEqual(['a', 'b', 'c', ' ']);
    expect(parseDictionary('a\nb')).toEqual(['a', 'b', ' ']);
  });
});

describe('ctcGreedyDecode on softmax rows', () => {
  it('gives the same result with the early exit as with the full scan', () => {
    // Random softmax rows over many classes, some with a dominant class, some flat.
    const classes = 300, steps = 200;
    const dict = Array.from({ length: classes - 1 }, (_, i) => String.fromCharCode(0x4e00 + i));
    const probs = new Float32Array(steps * classes);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let t = 0; t < steps; t++) {
      const peak = Math.floor(rnd() * classes), sharp = rnd() < 0.7 ? 12 : 1;
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += probs[t * classes + c] = Math.exp((c === peak ? sharp : 0) + rnd());
      for (let c = 0; c < classes; c++) probs[t * classes + c]! /= sum;
    }
    expect(ctcGreedyDecode(probs, 0, steps, classes, dict, steps, true)).toEqual(ctcGreedyDecode(probs, 0, steps, classes, dict));
  });
});
