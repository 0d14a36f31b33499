import { describe, expect, it } from 'vitest';
import { bekernToKern } from './bekern';
import { GRANDSTAFF_KERN, PIANO_KERN, TRICKY_KERN } from './fixtures';
import { analyzeMusic } from './render';
import { noteSubTokens, normalizeKern, serializeBekern } from './serialize-bekern';

describe('serializeBekern is the inverse of bekernToKern', () => {
  for (const [name, kern] of Object.entries({ PIANO_KERN, TRICKY_KERN, GRANDSTAFF_KERN })) {
    it(`${name}: the kern text comes back, and Verovio plays the same notes`, async () => {
      const reviewed = await analyzeMusic(kern);
      expect(reviewed.valid).toBe(true);
      const suffix = serializeBekern(reviewed.kern);
      expect(suffix).not.toMatch(/[\t\n]/);
      expect(suffix.startsWith('**ekern_1.0<t>**ekern_1.0') || suffix.includes('<b>**ekern_1.0<t>**ekern_1.0')).toBe(true);
      const back = bekernToKern(suffix);
      expect(back.kern).toBe(normalizeKern(reviewed.kern));
      const played = await analyzeMusic(suffix);
      expect(played.valid).toBe(true);
      expect(played.notes).toEqual(reviewed.notes);
    });
  }

  it('splits notes into sub-tokens and chords with <s>', () => {
    expect(noteSubTokens('4.cc#L')).toEqual(['4', '.', 'cc', '#', 'L']);
    expect(noteSubTokens('[8AA-J')).toEqual(['[', '8', 'AA', '-', 'J']);
    expect(serializeBekern('**kern\n4D 4A\n*-')).toBe('**ekern_1.0<b>4·D<s>4·A<b>*-');
  });

  it('refuses a score holding text the reader takes for a marker', () => {
    expect(() => serializeBekern('**kern\n!comment with <b> inside\n4c\n*-')).toThrow(/holds "<b>"/);
    expect(() => serializeBekern('**kern\n4c·\n*-')).toThrow(/holds "·"/);
    expect(() => serializeBekern('')).toThrow(/empty/);
  });
});
