import { describe, expect, it } from 'vitest';
import { blocksOf, escapeXml, intBox } from './xml';

describe('xml helpers', () => {
  it('escapes markup and drops characters XML cannot hold', () => {
    expect(escapeXml(`a\u0001b\t<&>"'`)).toBe('ab\t&lt;&amp;&gt;&quot;&apos;');
  });
  it('clamps integer boxes to the page', () => {
    expect(intBox([[-3, 2.5], [10.2, 50]], 8, 40)).toEqual({ x0: 0, y0: 2, x1: 8, y1: 40 });
  });
  it('groups consecutive lines by block', () => {
    expect(blocksOf([{ block: 0 }, { block: 0 }, { block: 1 }]).map((b) => b.length)).toEqual([2, 1]);
  });
});
