import { describe, expect, it } from 'vitest';
import { confidenceBand, shadePieces, uncertainShare } from './token-confidence';

describe('token confidence', () => {
  it('bands probabilities', () => {
    expect(confidenceBand(Math.log(0.95))).toBe('high');
    expect(confidenceBand(Math.log(0.7))).toBe('fair');
    expect(confidenceBand(Math.log(0.4))).toBe('low');
    expect(confidenceBand(Math.log(0.05))).toBe('poor');
    expect(confidenceBand(0)).toBe('high');
  });

  it('keeps the text whole and merges a split character into the next piece with the lower probability', () => {
    const shaded = shadePieces(['The', '', 'é', ' end'], [Math.log(0.99), Math.log(0.2), Math.log(0.95), Math.log(0.5)]);
    expect(shaded.map((s) => s.text).join('')).toBe('Theé end');
    expect(shaded.map((s) => s.band)).toEqual(['high', 'poor', 'low']);
    expect(shaded[1]!.probability).toBeCloseTo(0.2);
  });

  it('summarises the share of uncertain tokens', () => {
    expect(uncertainShare([])).toBe(0);
    expect(uncertainShare([0, Math.log(0.5), Math.log(0.1), 0])).toBe(0.5);
  });
});
