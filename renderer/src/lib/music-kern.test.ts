import { describe, expect, it } from 'vitest';
import { kernListing, kernSummary, pitchName, positionLabel } from './music-kern';

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

describe('kernSummary', () => {
  const notes = [60, 64, 62, 65, 64, 67, 65, 69].map((pitch, i) => ({ onMs: Math.floor(i / 2) * 500, offMs: Math.floor(i / 2) * 500 + 500, pitch }));

  it('says parts and clefs, metre, bars, the notes with their range and the length', () => {
    expect(kernSummary(KERN, notes)).toBe('2 parts (bass clef, treble clef) · 4/4 · 1 bar · 8 notes from C4 to A4 · 2.0 s');
  });

  it('names the key from its *X: token, minor in lower case, with its accidental', () => {
    const kern = ['**kern', '*clefG2', '*k[b-]', '*d:', '*M3/4', '=1', '4d', '=2', '4f', '==', '*-'].join('\n');
    expect(kernSummary(kern, [{ onMs: 0, offMs: 600, pitch: 62 }])).toBe('1 part (treble clef) · D minor · 3/4 · 2 bars · 1 note (D4) · 0.6 s');
    expect(kernSummary(kern.replace('*d:', '*B-:'), [])).toBe('1 part (treble clef) · B♭ major · 3/4 · 2 bars · no notes');
  });

  it('takes nothing else of the text into the sentence', () => {
    const hostile = ['**kern', '*clef<img src=x onerror=alert(1)>', '*M<b>4/4</b>', '=1', '4c', '*-'].join('\n');
    expect(kernSummary(hostile, [])).toBe('1 part · 1 bar · no notes');
  });

  it('names pitches with their octave', () => {
    expect([21, 60, 61, 70, 108].map(pitchName)).toEqual(['A0', 'C4', 'C♯4', 'B♭4', 'C8']);
  });
});
