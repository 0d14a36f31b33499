import { describe, expect, it } from 'vitest';
import { kernListing, positionLabel } from './music-kern';

const KERN = ['**kern\t**kern', '*clefF4\t*clefG2', '*M4/4\t*M4/4', '=1\t=1', '4C\t4e', '4D\t4f', '4E\t4g\t4b', '4F\t4a', '*-\t*-', ''].join('\n');

describe('kernListing', () => {
  it('marks the faulty line of a mismatched-spines error', () => {
    const listing = kernListing(KERN, { line: 7, column: null }, 2);
    expect(listing.lines.map((l) => l.number)).toEqual([5, 6, 7, 8, 9]);
    expect(listing.lines.filter((l) => l.marked).map((l) => l.fields)).toEqual([['4E', '4g', '4b']]);
    expect(listing.lines[2]!.markedField).toBeNull();
    expect(listing).toMatchObject({ hiddenBefore: 4, hiddenAfter: 0 });
  });

  it('marks the faulty spine when the error has a column', () => {
    const listing = kernListing(KERN, { line: 2, column: 2 }, 1);
    expect(listing.lines.map((l) => [l.number, l.marked, l.markedField])).toEqual([
      [1, false, null],
      [2, true, 1],
      [3, false, null],
    ]);
    expect(listing.hiddenAfter).toBe(6);
  });

  it('lists everything without an error, and survives an out-of-range line', () => {
    expect(kernListing(KERN, null).lines).toHaveLength(9);
    const beyond = kernListing('garbage', { line: 40, column: 3 });
    expect(beyond.lines).toEqual([{ number: 1, fields: ['garbage'], marked: false, markedField: null }]);
    expect(kernListing('', { line: 1, column: 1 }).lines).toEqual([{ number: 1, fields: [''], marked: true, markedField: 0 }]);
  });

  it('labels positions', () => {
    expect(positionLabel({ line: 7, column: null })).toBe('line 7');
    expect(positionLabel({ line: 3, column: 2 })).toBe('line 3, spine 2');
  });
});
