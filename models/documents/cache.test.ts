import { describe, expect, it } from 'vitest';
import { ByteLruCache } from './cache';

describe('ByteLruCache', () => {
  it('evicts least recently used entries once the byte budget is exceeded', () => {
    const c = new ByteLruCache<string>(100);
    c.set('a', 'A', 40);
    c.set('b', 'B', 40);
    expect(c.get('a')).toBe('A'); // a is now more recent than b
    c.set('c', 'C', 40);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe('A');
    expect(c.get('c')).toBe('C');
    expect(c.bytesUsed).toBe(80);
  });

  it('does not keep an entry larger than the whole budget', () => {
    const c = new ByteLruCache<string>(100);
    c.set('small', 's', 10);
    c.set('huge', 'h', 101);
    expect(c.get('huge')).toBeUndefined();
    expect(c.get('small')).toBe('s');
  });

  it('replacing a key updates the byte count', () => {
    const c = new ByteLruCache<string>(100);
    c.set('a', '1', 60);
    c.set('a', '2', 30);
    expect(c.bytesUsed).toBe(30);
    expect(c.get('a')).toBe('2');
  });

  it('deletes by prefix', () => {
    const c = new ByteLruCache<number>(100);
    c.set('1:page:0', 1, 10);
    c.set('1:preview:0', 2, 10);
    c.set('2:page:0', 3, 10);
    c.deletePrefix('1:');
    expect(c.size).toBe(1);
    expect(c.bytesUsed).toBe(10);
    expect(c.get('2:page:0')).toBe(3);
  });
});
