import { describe, expect, it } from 'vitest';
import { latinizeFullwidth } from './text-normalize';

describe('latinizeFullwidth', () => {
  it('turns full-width punctuation into ASCII on Latin lines', () => {
    expect(latinizeFullwidth([...'a，b：（c）']).join('')).toBe('a,b:(c)');
  });
  it('leaves Chinese lines alone', () => {
    expect(latinizeFullwidth([...'中文，English']).join('')).toBe('中文，English');
  });
});
