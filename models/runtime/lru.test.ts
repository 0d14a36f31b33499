import { describe, expect, it } from 'vitest';
import { ByteLru } from './lru';

describe('ByteLru', () => {
  it('evicts least recently used entries until the byte budget holds', () => {
    const evicted: string[] = [];
    const c = new ByteLru<number>(100, (k) => evicted.push(k));
    c.set('a', 1, 40);
    c.set('b', 2, 40);
    expect(c.get('a')).toBe(1); // a is now most recent
    c.set('c', 3, 40); // 120 > 100 → evict b
    expect(evicted).toEqual(['b']);
    expect(c.keys()).toEqual(['a', 'c']);
    expect(c.bytes).toBe(80);
    expect(c.get('b')).toBeUndefined();
    expect([c.hits, c.misses]).toEqual([1, 1]);
  });
  it('refuses values larger than the budget and replaces same-key values', () => {
    const c = new ByteLru<string>(10);
    expect(c.set('x', 'big', 11)).toBe(false);
    c.set('y', 'v1', 6);
    c.set('y', 'v2', 8);
    expect(c.bytes).toBe(8);
    expect(c.get('y')).toBe('v2');
  });
});
