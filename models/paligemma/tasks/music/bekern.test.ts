import { describe, expect, it } from 'vitest';
import { bekernToKern } from './bekern';
import { validateKern } from './validate';
import { PIANO_KERN } from './fixtures';

/** Splits a kern token into bekern-style sub-tokens: duration, pitch, accidentals, each other signifier. */
function subTokens(note: string): string[] {
  return note.match(/\d+(?:%\d+)?\.*|([a-gA-G])\1*|#+|-+|[^\s]/g) ?? [];
}

/** PIANO_KERN as a tokenised model output: `·` between sub-tokens, markers for tab / newline / chord space. */
function toDottedBekern(kern: string): string {
  return kern
    .trimEnd()
    .split('\n')
    .map((line) =>
      line
        .split('\t')
        .map((field) => (/^[*!=]/.test(field) ? field : field.split(' ').map((n) => subTokens(n).join('·')).join('<s>')))
        .join('<t>'),
    )
    .join('<b>')
    .replace(/\*\*kern/g, '**ekern_1.0');
}

/** The same, with plain spaces between sub-tokens and no chord marker (another plausible form). */
function toSpacedBekern(kern: string): string {
  return kern
    .trimEnd()
    .split('\n')
    .map((line) => line.split('\t').map((field) => (/^[*!=]/.test(field) ? field : field.split(' ').map((n) => subTokens(n).join(' ')).join(' '))).join(' <t> '))
    .join(' <b> ');
}

describe('bekernToKern', () => {
  it('passes plain **kern through unchanged', () => {
    const r = bekernToKern(PIANO_KERN);
    expect(r.kern).toBe(PIANO_KERN.trimEnd());
    expect(r.converted).toBe(false);
    expect(r.warnings).toEqual([]);
  });

  it('strips <eos> and anything after it without calling that a conversion', () => {
    const r = bekernToKern(`${PIANO_KERN}<eos><pad><pad>`);
    expect(r.kern).toBe(PIANO_KERN.trimEnd());
    expect(r.converted).toBe(false);
    expect(bekernToKern(`${PIANO_KERN}<eos>4c`).warnings).toContain('ignored text after <eos>');
  });

  it('converts ·-separated bekern with <t> <b> <s> markers and the ekern header back to the golden kern', () => {
    const bekern = toDottedBekern(PIANO_KERN);
    expect(bekern).toContain('4·D<s>4·A<t>8·d·L<b>');
    const r = bekernToKern(`${bekern}<eos>`);
    expect(r.kern).toBe(PIANO_KERN.trimEnd());
    expect(r.converted).toBe(true);
    expect(validateKern(r.kern).valid).toBe(true);
  });

  it('rebuilds chords from space-separated sub-tokens when there is no chord marker', () => {
    const spaced = toSpacedBekern(PIANO_KERN);
    expect(spaced).toContain('2. D 2. F # 2. A <t> 2. dd 2. ff #');
    const r = bekernToKern(spaced);
    expect(r.kern).toBe(PIANO_KERN.trimEnd());
    expect(r.converted).toBe(true);
  });

  it('accepts @ separators and literal \\t / \\n escapes', () => {
    const r = bekernToKern('**kern\\t**kern\\n*clefF4\\t*clefG2\\n4@C\\t4@e@#\\n*-\\t*-');
    expect(r.kern).toBe('**kern\t**kern\n*clefF4\t*clefG2\n4C\t4e#\n*-\t*-');
  });

  it('leaves text that is not music alone (the validator reports it)', () => {
    const r = bekernToKern('a page of sheet music');
    expect(r.kern).toBe('a page of sheet music');
    expect(r.converted).toBe(false);
  });
});
