import { describe, expect, it } from 'vitest';
import { LOC_MAX, locToPixels, parseBoxes, parseText, taskOfPrompt } from './parse';

const loc = (v: number): string => `<loc${String(v).padStart(4, '0')}>`;
const seg = (v: number): string => `<seg${String(v).padStart(3, '0')}>`;
/** Encode a pixel box the way big_vision does: normalise by the original size, round(c·1023), order y,x,y,x. */
function encode(box: [number, number, number, number], w: number, h: number): string {
  const [x0, y0, x1, y1] = box;
  return [y0 / h, x0 / w, y1 / h, x1 / w].map((c) => loc(Math.round(c * LOC_MAX))).join('');
}

describe('detection golden boxes (original pixels, non-square images)', () => {
  const sizes = [
    { width: 640, height: 480 },
    { width: 2480, height: 3508 }, // A4 at 300 dpi
    { width: 1700, height: 400 },
    { width: 37, height: 911 },
  ];
  for (const size of sizes) {
    it(`${size.width}×${size.height}: boxes land within half a bin of the true pixels`, () => {
      const { width: w, height: h } = size;
      const truth: Array<[number, number, number, number]> = [
        [0, 0, w, h], // whole image: the /1023 decoding must reach the far edges exactly
        [w * 0.1, h * 0.6, w * 0.35, h * 0.95],
        [w * 0.5, h * 0.02, w * 0.99, h * 0.3],
      ];
      const raw = `${encode(truth[0]!, w, h)} page ; ${encode(truth[1]!, w, h)} stamp ; ${encode(truth[2]!, w, h)} signature\n`;
      const r = parseBoxes('detect', raw, size);
      expect(r.warnings).toEqual([]);
      expect(r.objects.map((o) => o.label)).toEqual(['page', 'stamp', 'signature']);
      r.objects.forEach((o, i) => {
        const t = truth[i]!;
        // Half a bin: the quantisation error of round(c·1023).
        const tolX = w / LOC_MAX / 2 + 1e-9;
        const tolY = h / LOC_MAX / 2 + 1e-9;
        expect(Math.abs(o.box[0] - t[0])).toBeLessThanOrEqual(tolX);
        expect(Math.abs(o.box[1] - t[1])).toBeLessThanOrEqual(tolY);
        expect(Math.abs(o.box[2] - t[2])).toBeLessThanOrEqual(tolX);
        expect(Math.abs(o.box[3] - t[3])).toBeLessThanOrEqual(tolY);
      });
      expect(r.objects[0]!.box).toEqual([0, 0, w, h]);
    });
  }

  it('x follows the width and y the height (loc order is y_min, x_min, y_max, x_max)', () => {
    const r = parseBoxes('detect', `${loc(0)}${loc(1023)}${loc(1023)}${loc(1023)} line`, { width: 1000, height: 200 });
    // y from 0 to the bottom, x collapsed at the right edge → empty in x → skipped.
    expect(r.objects).toEqual([]);
    expect(r.warnings[0]).toMatch(/object 1: empty box/);
    expect(locToPixels([100, 200, 300, 400], { width: 1023 * 2, height: 1023 })).toEqual([400, 100, 800, 300]);
  });

  it('parses the doc example and keeps the raw locs', () => {
    const raw = '<loc0123><loc0045><loc0890><loc0600> cat ; <loc0300><loc0512><loc0980><loc1010> dog';
    const r = parseBoxes('detect', raw, { width: 1023, height: 2046 });
    expect(r.objects).toEqual([
      { label: 'cat', box: [45, 246, 600, 1780], locs: [123, 45, 890, 600] },
      { label: 'dog', box: [512, 600, 1010, 1960], locs: [300, 512, 980, 1010] },
    ]);
    expect(r.warnings).toEqual([]);
  });
});

describe('segmentation', () => {
  const segs = [12, 45, 127, 3, 88, 64, 10, 99, 1, 76, 33, 120, 5, 91, 47, 62];
  it('keeps the box and the 16 codebook indices (masks are decoded from them in analyze.ts)', () => {
    const raw = `${loc(100)}${loc(200)}${loc(800)}${loc(900)}${segs.map(seg).join('')} cat`;
    const r = parseBoxes('segment', raw, { width: 1023, height: 1023 });
    expect(r.warnings).toEqual([]);
    expect(r.objects).toEqual([{ label: 'cat', box: [200, 100, 900, 800], locs: [100, 200, 800, 900], seg: segs }]);
  });
  it('accepts a single object without a label', () => {
    const r = parseBoxes('segment', `${loc(0)}${loc(0)}${loc(10)}${loc(10)}${segs.map(seg).join('')}`, { width: 100, height: 100 });
    expect(r.objects).toHaveLength(1);
    expect(r.objects[0]!.label).toBe('');
    expect(r.warnings).toEqual([]);
  });
  it('keeps the box but not the mask when seg tokens are short', () => {
    const raw = `${loc(0)}${loc(0)}${loc(10)}${loc(10)}${segs.slice(0, 9).map(seg).join('')} cat ; ${loc(5)}${loc(5)}${loc(50)}${loc(50)}${segs.map(seg).join('')} dog`;
    const r = parseBoxes('segment', raw, { width: 100, height: 100 });
    expect(r.objects.map((o) => [o.label, o.seg?.length])).toEqual([['cat', undefined], ['dog', 16]]);
    expect(r.warnings).toEqual(['object 1: 9 seg tokens, need 16; box kept without mask']);
  });
  it('warns about seg tokens without locs and still parses the next object', () => {
    const raw = `${segs.map(seg).join('')} ghost ; ${loc(5)}${loc(5)}${loc(50)}${loc(50)}${segs.map(seg).join('')} dog`;
    const r = parseBoxes('segment', raw, { width: 100, height: 100 });
    expect(r.objects.map((o) => o.label)).toEqual(['dog']);
    expect(r.warnings).toContain('seg tokens without a preceding box (4 loc tokens) were ignored');
    expect(r.warnings.some((w) => w.includes('"ghost"'))).toBe(true);
  });
  it('rejects seg values above 127 for the mask only', () => {
    const raw = `${loc(5)}${loc(5)}${loc(50)}${loc(50)}${[...segs.slice(0, 15), 200].map(seg).join('')} dog`;
    const r = parseBoxes('segment', raw, { width: 100, height: 100 });
    expect(r.objects[0]!.seg).toBeUndefined();
    expect(r.warnings).toEqual(['object 1: seg value above 127; box kept without mask']);
  });
});

describe('malformed detection output → partial result plus warnings', () => {
  const size = { width: 200, height: 100 };
  it('three loc tokens: that object is skipped, the others kept', () => {
    const r = parseBoxes('detect', `${loc(1)}${loc(2)}${loc(3)} cat ; ${loc(10)}${loc(10)}${loc(500)}${loc(500)} dog`, size);
    expect(r.objects.map((o) => o.label)).toEqual(['dog']);
    expect(r.warnings).toEqual(['object 1 ("cat"): 3 loc tokens, need 4; skipped']);
  });
  it('truncated final group (max tokens hit mid-box)', () => {
    const r = parseBoxes('detect', `${loc(10)}${loc(10)}${loc(500)}${loc(500)} dog ; ${loc(7)}${loc(8)}<loc0`, size);
    expect(r.objects.map((o) => o.label)).toEqual(['dog']);
    expect(r.warnings).toEqual(['output ends in a cut-off token "<loc0"', 'object 2: 2 loc tokens, need 4; skipped']);
  });
  it('a long run of loc tokens is read 4 at a time (as the reference parser does); the leftover is reported', () => {
    const r = parseBoxes('detect', `${loc(10)}${loc(10)}${loc(500)}${loc(500)}${loc(20)}${loc(20)}${loc(600)}${loc(600)}${loc(30)} cat`, size);
    expect(r.objects.map((o) => o.locs)).toEqual([[10, 10, 500, 500], [20, 20, 600, 600]]);
    expect(r.warnings).toEqual(['object 3 ("cat"): 1 loc tokens, need 4; skipped', '2 objects have no label: 1, 2']);
  });
  it('junk between objects and before the first one', () => {
    const r = parseBoxes('detect', `hello ${loc(10)}${loc(10)}${loc(500)}${loc(500)} dog ; zzz ; ${loc(20)}${loc(20)}${loc(600)}${loc(600)} cat<eos>ignored`, size);
    expect(r.objects.map((o) => o.label)).toEqual(['dog', 'cat']);
    expect(r.warnings).toEqual(['text without a box ignored: "hello"', 'object 1: text after its separator ignored: "zzz ;"']);
  });
  it('out-of-range loc values and empty boxes are skipped', () => {
    const r = parseBoxes('detect', `${loc(10)}${loc(10)}${loc(1500)}${loc(500)} a ; ${loc(50)}${loc(10)}${loc(50)}${loc(500)} b`, size);
    expect(r.objects).toEqual([]);
    expect(r.warnings).toEqual([
      'object 1: loc value above 1023 (10, 10, 1500, 500); skipped',
      'object 2: empty box (y 50→50, x 10→500); skipped',
      'no complete object in the output',
    ]);
  });
  it('plain text with no loc tokens at all', () => {
    const r = parseBoxes('detect', 'a cat on a mat', size);
    expect(r.objects).toEqual([]);
    expect(r.warnings).toEqual(['text without a box ignored: "a cat on a mat"', 'no complete object in the output']);
  });
  it('never throws on hostile input', () => {
    for (const raw of ['', '<', '<loc', ';;;;', '<loc0001>'.repeat(999), '<seg001><loc0001>;<seg002>', '\u0000<loc9999>']) {
      expect(() => parseBoxes('detect', raw, size)).not.toThrow();
      expect(() => parseBoxes('segment', raw, size)).not.toThrow();
      expect(() => parseBoxes('ocr-boxes', raw, size)).not.toThrow();
    }
    expect(parseBoxes('detect', `${loc(1)}${loc(1)}${loc(5)}${loc(5)} a`, { width: 0, height: 10 }).warnings[0]).toMatch(/not positive/);
  });
});

describe('OCR with boxes', () => {
  it('words with 4-loc boxes, separated by " ; " or whitespace', () => {
    const raw = `${loc(210)}${loc(102)}${loc(265)}${loc(390)} EXIT ; ${loc(300)}${loc(410)}${loc(352)}${loc(700)} Platform 9; 3/4 ${loc(400)}${loc(0)}${loc(450)}${loc(100)} Gate`;
    const r = parseBoxes('ocr-boxes', raw, { width: 1023, height: 1023 });
    expect(r.objects.map((o) => o.label)).toEqual(['EXIT', 'Platform 9; 3/4', 'Gate']);
    expect(r.objects[1]!.box).toEqual([410, 300, 700, 352]);
    expect(r.warnings).toEqual([]);
  });
  it('8 loc tokens: a quadrilateral, kept as its enclosing box', () => {
    const raw = `${loc(10)}${loc(20)}${loc(12)}${loc(80)}${loc(40)}${loc(82)}${loc(38)}${loc(18)} tilted`;
    const r = parseBoxes('ocr-boxes', raw, { width: 1023, height: 1023 });
    expect(r.objects[0]!.box).toEqual([18, 10, 82, 40]);
    expect(r.objects[0]!.locs).toHaveLength(8);
  });
  it('a word without text is kept with a warning', () => {
    const r = parseBoxes('ocr-boxes', `${loc(10)}${loc(20)}${loc(40)}${loc(80)}`, { width: 1023, height: 1023 });
    expect(r.objects).toHaveLength(1);
    expect(r.warnings).toEqual(['object 1: no text']);
  });
});

describe('text tasks', () => {
  it('VSR yes/no/true/false → boolean, anything else unparsed', () => {
    expect(parseText('vsr', 'true\n').answer).toBe(true);
    expect(parseText('vsr', ' Yes.').answer).toBe(true);
    expect(parseText('vsr', 'FALSE').answer).toBe(false);
    expect(parseText('vsr', 'no<eos>').answer).toBe(false);
    const r = parseText('vsr', 'maybe');
    expect(r.answer).toBeNull();
    expect(r.warnings).toEqual(['VSR answer "maybe" is not true/false/yes/no']);
  });
  it('caption and answer keep the text verbatim (trimmed)', () => {
    expect(parseText('caption', 'a blue car\n')).toEqual({ task: 'caption', objects: [], text: 'a blue car', warnings: [] });
    expect(parseText('answer', '2').text).toBe('2');
    expect(parseText('answer', '').warnings).toEqual(['empty output']);
    expect(parseText('caption', `${loc(1)} x`).warnings).toEqual(['caption output contains loc/seg tokens']);
    // The global regex must not carry state between calls.
    expect(parseText('caption', `${loc(1)} x`).warnings).toEqual(['caption output contains loc/seg tokens']);
  });
  it('task from prompt prefix', () => {
    expect(taskOfPrompt('detect cat ; dog')).toBe('detect');
    expect(taskOfPrompt('segment cat')).toBe('segment');
    expect(taskOfPrompt('caption en')).toBe('caption');
    expect(taskOfPrompt('ocr')).toBeUndefined();
  });
});
