import { describe, expect, it } from 'vitest';
import { parseBoxes } from '../paligemma/tasks/parse';
import { ValueError, taskValue } from './values';

describe('taskValue reads stored values defensively', () => {
  it('accepts values with a kind and the older command-line values without one', () => {
    // What `paliscope batch` stored before values carried a kind: parse.ts's result as it was.
    const old = parseBoxes('detect', '<loc0100><loc0100><loc0300><loc0400> stamp', { width: 1000, height: 800 });
    expect(taskValue('detect', old)).toMatchObject({ task: 'detect', boxes: { objects: [{ label: 'stamp' }] } });
    expect(taskValue('caption', { task: 'caption', text: 'a letter', warnings: [] })).toEqual({ task: 'caption', text: 'a letter' });
    expect(taskValue('detect', { kind: 'boxes', task: 'detect', width: 10, height: 10, objects: [{ label: 'a', box: [0, 0, 5, 5] }], warnings: [] })).toMatchObject({ boxes: { width: 10 } });
  });

  it('refuses a value of the wrong shape, saying what is wrong', () => {
    expect(() => taskValue('detect', { objects: [{ label: 'a', box: [0, 0, 'x', 5] }] })).toThrow(ValueError);
    expect(() => taskValue('detect', { objects: [{ label: 'a', box: [0, 0, 'x', 5] }] })).toThrow(/its value is not a list of boxes \(objects\.0\.box\.2: /);
    expect(() => taskValue('caption', null)).toThrow(/its value is not a text/);
    expect(() => taskValue('table', { table: { rows: 1, cols: 1, cells: 'no' } })).toThrow(/not a table \(table\.cells/);
    expect(() => taskValue('vsr', { answer: 'maybe' })).toThrow(/not a true\/false verdict/);
    expect(() => taskValue('caption', { text: 'x'.repeat(300_000) })).toThrow(/not a text/);
    expect(() => taskValue('segment', { objects: [{ label: 'a', box: [0, 0, 1, 1], mask: { rle: { size: [-1, 2], counts: [] }, area: 0 } }] })).toThrow(/not a list of boxes/);
  });
});
