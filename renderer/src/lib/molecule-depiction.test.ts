import { describe, expect, it } from 'vitest';
import { formatWeight, formulaParts, invalidReason, svgDataUrl } from './molecule-depiction';

describe('svgDataUrl', () => {
  it('base64-encodes the UTF-8 bytes so the URL decodes back to the same SVG', () => {
    const svg = "<svg xmlns='http://www.w3.org/2000/svg'><title>β-alanine – ü</title></svg>";
    const url = svgDataUrl(svg);
    expect(url.startsWith('data:image/svg+xml;base64,')).toBe(true);
    const decoded = new TextDecoder().decode(Uint8Array.from(atob(url.split(',')[1]!), (c) => c.charCodeAt(0)));
    expect(decoded).toBe(svg);
  });
  it('handles a depiction of several megabytes', () => {
    const svg = `<svg>${'<path d="M 0 0 L 10 10"/>'.repeat(100_000)}</svg>`;
    const url = svgDataUrl(svg);
    expect(atob(url.split(',')[1]!)).toBe(svg);
  });
});

describe('formatWeight / formulaParts', () => {
  it('weight to two decimals with the unit; none as a dash', () => {
    expect(formatWeight(180.159)).toBe('180.16 g/mol');
    expect(formatWeight(null)).toBe('—');
  });
  it('splits symbols, counts and the charge (magnitude before sign)', () => {
    expect(formulaParts('C9H8O4')).toEqual([
      { text: 'C', kind: 'symbol' }, { text: '9', kind: 'count' },
      { text: 'H', kind: 'symbol' }, { text: '8', kind: 'count' },
      { text: 'O', kind: 'symbol' }, { text: '4', kind: 'count' },
    ]);
    expect(formulaParts('C4H12N+').at(-1)).toEqual({ text: '+', kind: 'charge' });
    expect(formulaParts('O4S-2').at(-1)).toEqual({ text: '2-', kind: 'charge' });
    expect(formulaParts('C2H5*').map((p) => p.text).join('')).toBe('C2H5*');
    expect(formulaParts('ClNa').map((p) => p.text)).toEqual(['Cl', 'Na']);
  });
});

describe('invalidReason', () => {
  it('drops the repeated heading and never returns nothing', () => {
    expect(invalidReason("Invalid SMILES: unclosed ring for input: 'C1'")).toBe("unclosed ring for input: 'C1'");
    expect(invalidReason('Empty output: the model produced no SMILES.')).toBe('Empty output: the model produced no SMILES.');
    expect(invalidReason(null)).toBe('RDKit could not read it.');
  });
});
