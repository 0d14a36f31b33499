import { describe, it, expect } from 'vitest';
import { reviewCommandFor } from './review-keys';

const k = (key: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) =>
  ({ key, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe('reviewCommandFor', () => {
  it('maps the review letters when not typing or editing', () => {
    expect(['j', 'k', 'a', 'e', 'r', 'u'].map((x) => reviewCommandFor(k(x), false, false))).toEqual(['next', 'prev', 'accept', 'edit', 'reject', 'undo']);
    expect(reviewCommandFor(k('U', { shiftKey: true }), false, false)).toBe('redo');
    expect(reviewCommandFor(k('Z', { shiftKey: true, ctrlKey: true }), false, false)).toBe('redo');
    expect(reviewCommandFor(k('z', { shiftKey: true, metaKey: true }), false, false)).toBe('redo');
    expect(reviewCommandFor(k('x'), false, false)).toBeNull();
  });
  it('lets letters go into a field while typing; Esc and Ctrl+Enter still act in an editor', () => {
    expect(reviewCommandFor(k('a'), true, true)).toBeNull();
    expect(reviewCommandFor(k('u'), true, true)).toBeNull();
    expect(reviewCommandFor(k('Escape'), true, true)).toBe('leaveEdit');
    expect(reviewCommandFor(k('Enter', { ctrlKey: true }), true, true)).toBe('save');
    expect(reviewCommandFor(k('Z', { shiftKey: true, ctrlKey: true }), true, true)).toBeNull();
  });
  it('does nothing with letters while the box editor is open, and Esc outside an editor is not ours', () => {
    expect(reviewCommandFor(k('a'), false, true)).toBeNull();
    expect(reviewCommandFor(k('Escape'), false, false)).toBeNull();
    expect(reviewCommandFor(k('a', { ctrlKey: true }), false, false)).toBeNull();
    expect(reviewCommandFor(k('j', { altKey: true }), false, false)).toBeNull();
  });
  it('with single-key shortcuts off, the letters do nothing; Ctrl+Shift+Z, Esc and Ctrl+Enter still act', () => {
    expect(['j', 'k', 'a', 'e', 'r', 'u', 'U'].map((x) => reviewCommandFor(k(x, { shiftKey: x === 'U' }), false, false, false))).toEqual(Array(7).fill(null));
    expect(reviewCommandFor(k('Z', { shiftKey: true, ctrlKey: true }), false, false, false)).toBe('redo');
    expect(reviewCommandFor(k('Escape'), true, true, false)).toBe('leaveEdit');
    expect(reviewCommandFor(k('Enter', { ctrlKey: true }), true, true, false)).toBe('save');
  });
});
