import { describe, expect, it } from 'vitest';
import { planText } from './plan-text';

describe('planText', () => {
  it('names one dtype when every graph uses it, and the provider with its fallbacks', () => {
    expect(planText({ plan: { dtypes: { vision_encoder: 'q4', embed_tokens: 'q4', decoder: 'q4' }, providers: ['cuda', 'cpu'] } })).toBe('runs q4 on cuda (then cpu)');
    expect(planText({ plan: { dtypes: { vision_encoder: 'fp32', decoder: 'q4' }, providers: ['cpu'] } })).toBe('runs vision_encoder fp32, decoder q4 on cpu');
    expect(planText({ plan: null })).toBe('cannot plan a run');
  });
});
