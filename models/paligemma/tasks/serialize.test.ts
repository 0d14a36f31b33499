import { describe, expect, it } from 'vitest';
import { parseBoxes, parseText, LOC_MAX } from './parse';
import { parseReport } from './report';
import { SerializeError, boxToLocs, serializeBoxes, serializeSegments, serializeText, serializeVerdict } from './serialize';

// A seeded generator, so a failure names boxes that can be reproduced.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const SIZES = [{ width: 640, height: 480 }, { width: 1275, height: 1650 }, { width: 2480, height: 3508 }, { width: 300, height: 97 }];

describe('serializeBoxes is the inverse of parseBoxes', () => {
  for (const size of SIZES) {
    it(`detect on ${size.width}×${size.height}: every box comes back within one bin, labels exactly`, () => {
      const r = rng(size.width);
      const objects = Array.from({ length: 25 }, (_, i) => {
        const x0 = r() * size.width * 0.9, y0 = r() * size.height * 0.9;
        const x1 = Math.min(size.width, x0 + 5 + r() * size.width * 0.3), y1 = Math.min(size.height, y0 + 5 + r() * size.height * 0.3);
        return { label: ['table', 'figure', 'stamp', 'signature block', 'page number'][i % 5]!, box: [x0, y0, x1, y1] };
      });
      objects.push({ label: 'whole page', box: [0, 0, size.width, size.height] });
      const suffix = serializeBoxes('detect', objects, size);
      const back = parseBoxes('detect', suffix, size);
      expect(back.warnings).toEqual([]);
      expect(back.objects).toHaveLength(objects.length);
      back.objects.forEach((o, i) => {
        expect(o.label).toBe(objects[i]!.label);
        const binX = size.width / LOC_MAX, binY = size.height / LOC_MAX;
        o.box.forEach((v, k) => expect(Math.abs(v - objects[i]!.box[k]!)).toBeLessThanOrEqual((k % 2 ? binY : binX) * 0.5 + 1e-9));
      });
      // The page edges are exact: <loc1023> is the right / bottom edge.
      expect(back.objects.at(-1)!.box).toEqual([0, 0, size.width, size.height]);
    });
  }

  it('writes the documented format: y, x, y, x bins, a space, the label, objects joined by " ; "', () => {
    const s = serializeBoxes('detect', [{ label: 'cat', box: [45 * 2, 123, 600 * 2, 890] }, { label: 'dog', box: [0, 0, 2046, 1023] }], { width: 2046, height: 1023 });
    expect(s).toBe('<loc0123><loc0045><loc0890><loc0600> cat ; <loc0000><loc0000><loc1023><loc1023> dog');
  });

  it('ocr-boxes: words with spaces and semicolons inside survive; text is the label', () => {
    const size = { width: 1000, height: 800 };
    const words = [{ label: 'EXIT', box: [10, 20, 200, 60] }, { label: 'Platform 9;3/4', box: [300, 20, 600, 60] }, { label: 'a ;b', box: [10, 100, 90, 140] }];
    const back = parseBoxes('ocr-boxes', serializeBoxes('ocr-boxes', words, size), size);
    expect(back.warnings).toEqual([]);
    expect(back.objects.map((o) => o.label)).toEqual(['EXIT', 'Platform 9;3/4', 'a ;b']);
  });

  it('an empty result is an empty suffix, which parses to no objects', () => {
    expect(serializeBoxes('detect', [], { width: 10, height: 10 })).toBe('');
    expect(parseBoxes('detect', '', { width: 10, height: 10 }).objects).toEqual([]);
  });

  it('refuses what would not parse back the same, naming the object', () => {
    const size = { width: 1000, height: 1000 };
    expect(() => serializeBoxes('detect', [{ label: 'a ; b', box: [0, 0, 10, 10] }], size)).toThrow(/object 1: the label "a ; b" holds the object separator/);
    expect(() => serializeBoxes('detect', [{ label: 'x', box: [0, 0, 10, 10] }, { label: '<loc0001>', box: [0, 0, 10, 10] }], size)).toThrow(/object 2: .*model token/);
    expect(() => serializeBoxes('detect', [{ label: 'sliver', box: [10, 10, 10.2, 500] }], size)).toThrow(/object 1: the box .* less than one bin/);
    expect(() => serializeBoxes('ocr-boxes', [{ label: ' ', box: [0, 0, 100, 100] }], size)).toThrow(/word box without its text/);
    expect(() => serializeBoxes('ocr-boxes', [{ label: 'a ; b', box: [0, 0, 100, 100] }], size)).toThrow(SerializeError);
    expect(() => serializeBoxes('detect', [{ label: 'x', box: [0, 0, 1, 1] }], { width: 0, height: 5 })).toThrow(/not positive/);
  });
});

describe('serializeSegments', () => {
  it('writes 4 loc + 16 seg tokens and the label; parse reads back the same bins and codes', () => {
    const size = { width: 800, height: 600 };
    const locs = boxToLocs([80, 60, 400, 300], size);
    const codes = Array.from({ length: 16 }, (_, i) => (i * 37) % 128);
    const s = serializeSegments([{ label: 'cat', locs, codes }, { label: 'dog', locs: [0, 0, 1023, 1023], codes: new Array(16).fill(127) }]);
    const back = parseBoxes('segment', s, size);
    expect(back.warnings).toEqual([]);
    expect(back.objects.map((o) => [o.label, o.locs, o.seg])).toEqual([['cat', locs, codes], ['dog', [0, 0, 1023, 1023], new Array(16).fill(127)]]);
  });

  it('refuses codes that are not 16 in 0…127', () => {
    expect(() => serializeSegments([{ label: 'x', locs: [0, 0, 5, 5], codes: [1, 2] }])).toThrow(/need 16 seg codes/);
    expect(() => serializeSegments([{ label: 'x', locs: [0, 0, 5, 5], codes: new Array(16).fill(128) }])).toThrow(/need 16 seg codes/);
    expect(() => serializeSegments([{ label: 'x', locs: [0, 0, 5, 1024], codes: new Array(16).fill(1) }])).toThrow(/loc bins/);
  });
});

describe('text, reports and verdicts', () => {
  it('captions, answers and OCR text parse back exactly (multi-line, unicode, punctuation)', () => {
    for (const t of ['a blue and white car parked on a street', 'OPEN DAILY 9-5\nMain Street Bakery', '12', 'Größe: 3 µm — «ok»; fine.']) {
      expect(parseText('caption', serializeText(t)).text).toBe(t);
      expect(parseText('answer', serializeText(t)).text).toBe(t);
    }
  });

  it('a report keeps its sections as written', () => {
    const text = 'FINDINGS: Heart size is normal. No pleural effusion.\nIMPRESSION: No acute disease.';
    const back = parseReport(serializeText(text));
    expect(back.text).toBe(text);
    expect(back.sections.map((s) => s.heading)).toEqual(['FINDINGS', 'IMPRESSION']);
  });

  it('VSR writes true / false, which parse back to the verdict', () => {
    expect(parseText('vsr', serializeVerdict(true)).answer).toBe(true);
    expect(parseText('vsr', serializeVerdict(false)).answer).toBe(false);
    expect(() => serializeVerdict(null)).toThrow(/neither true nor false/);
  });

  it('refuses empty text and text holding <eos> or loc tokens', () => {
    expect(() => serializeText('  \n ')).toThrow(/empty/);
    expect(() => serializeText('done<eos>more')).toThrow(/<eos>/);
    expect(() => serializeText('see <loc0001>')).toThrow(/loc\/seg tokens/);
  });
});
