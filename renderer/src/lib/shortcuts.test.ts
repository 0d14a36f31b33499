import { describe, expect, it } from 'vitest';
import { commandFor, shortcuts } from './shortcuts';

const key = (k: string, mods: Partial<Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>> = {}): KeyboardEvent =>
  ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods }) as KeyboardEvent;

describe('shortcuts', () => {
  it('maps keys to commands', () => {
    expect(commandFor(key('f'), false)).toBe('fitPage');
    expect(commandFor(key('f', { ctrlKey: true }), false)).toBe('search');
    expect(commandFor(key('r'), false)).toBe('ocrPage');
    expect(commandFor(key('R', { shiftKey: true }), false)).toBe('ocrAll');
    expect(commandFor(key('+', { shiftKey: true }), false)).toBe('zoomIn');
    expect(commandFor(key('?', { shiftKey: true }), false)).toBe('help');
    expect(commandFor(key('PageDown'), false)).toBe('nextPage');
    expect(commandFor(key('o', { metaKey: true }), false)).toBe('open');
  });

  it('ignores Alt chords and everything but Escape and Ctrl+Enter while typing', () => {
    expect(commandFor(key('f', { altKey: true }), false)).toBeNull();
    expect(commandFor(key('f'), true)).toBeNull();
    expect(commandFor(key('Enter'), true)).toBeNull();
    expect(commandFor(key('Escape'), true)).toBe('escape');
    // The prompt box runs the model with Ctrl+Enter (Cmd+Enter on macOS) while its text has the keyboard.
    expect(commandFor(key('Enter', { ctrlKey: true }), true)).toBe('runModel');
    expect(commandFor(key('Enter', { metaKey: true }), false)).toBe('runModel');
  });

  it('with single-key shortcuts off, character keys do nothing and the rest still act', () => {
    for (const k of ['r', 'j', 'f', '+', '0', '?', '[', '/']) expect(commandFor(key(k), false, false), k).toBeNull();
    expect(commandFor(key('R', { shiftKey: true }), false, false)).toBeNull();
    expect(commandFor(key('o', { ctrlKey: true }), false, false)).toBe('open');
    expect(commandFor(key('f', { ctrlKey: true }), false, false)).toBe('search');
    expect(commandFor(key('PageDown'), false, false)).toBe('nextPage');
    expect(commandFor(key('ArrowLeft'), false, false)).toBe('prevPage');
    expect(commandFor(key('Home'), false, false)).toBe('firstPage');
    expect(commandFor(key('Escape'), false, false)).toBe('escape');
    expect(commandFor(key('Enter', { ctrlKey: true }), false, false)).toBe('runModel');
  });

  it('gives every command one entry with keys to show', () => {
    const commands = shortcuts.map((s) => s.command);
    expect(new Set(commands).size).toBe(commands.length);
    for (const s of shortcuts) expect(s.keys.length).toBeGreaterThan(0);
  });
});
