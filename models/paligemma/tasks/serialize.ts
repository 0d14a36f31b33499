// The inverse of parse.ts: a reviewed result → the suffix PaliGemma would have to write for it, so reviewed results
// become fine-tuning examples (models/dataset/). `parseBoxes(task, serializeBoxes(…))` gives the reviewed boxes back
// within one bin, `parseText(serializeText(t))` the text exactly (serialize.test.ts proves both).
//
// Bins: parse.ts reads a loc value v as v / 1023 of the image's width or height (big_vision's decoding); big_vision
// writes training data as round(c · 1023) of the normalised coordinate c, so we do the same, clamped to 0…1023. A
// reviewed edge then comes back within half a bin.
//
// What cannot be written so that it parses back the same is refused with a SerializeError naming the object and the
// reason — never silently changed: a label holding " ; " or a `<loc…>` token, an empty box, text holding `<eos>`.
import { LOC_MAX, SEG_COUNT, SEG_MAX, locToPixels, type Box, type ImageSize } from './parse';

export class SerializeError extends Error {
  override name = 'SerializeError';
}

/** A coordinate in pixels → its loc bin along an axis of `extent` pixels. */
export function pixelToLoc(v: number, extent: number): number {
  return Math.min(LOC_MAX, Math.max(0, Math.round((v / extent) * LOC_MAX)));
}

/** [x0, y0, x1, y1] pixels → [y_min, x_min, y_max, x_max] bins, the model's order. */
export function boxToLocs(box: readonly number[], size: ImageSize): [number, number, number, number] {
  const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = box;
  return [pixelToLoc(y0, size.height), pixelToLoc(x0, size.width), pixelToLoc(y1, size.height), pixelToLoc(x1, size.width)];
}

/** The pixel box parse.ts reads from bins (the same function it uses). */
export function locsToPixelBox(locs: readonly number[], size: ImageSize): Box {
  return locToPixels(locs, size);
}

export const locToken = (v: number): string => `<loc${String(v).padStart(4, '0')}>`;
export const segToken = (v: number): string => `<seg${String(v).padStart(3, '0')}>`;

const TOKEN_RE = /<loc\d{4}>|<seg\d{3}>/;

/** A label or word as the parser will read it back (trimmed); refuses what would not survive the trip. */
function checkedLabel(task: 'detect' | 'segment' | 'ocr-boxes', label: string, where: string): string {
  const t = label.replace(/\s+/g, ' ').trim();
  if (TOKEN_RE.test(t) || t.includes('<eos>')) throw new SerializeError(`${where}: the ${task === 'ocr-boxes' ? 'text' : 'label'} ${JSON.stringify(t)} holds a model token`);
  // parse.ts ends a label at the first ';' (detect, segment) or at ' ;' followed by space or the end (ocr-boxes).
  if (task === 'ocr-boxes' ? /\s;(\s|$)/.test(t) : t.includes(';')) throw new SerializeError(`${where}: the ${task === 'ocr-boxes' ? 'text' : 'label'} ${JSON.stringify(t)} holds the object separator ";"`);
  if (task === 'ocr-boxes' && !t) throw new SerializeError(`${where}: a word box without its text`);
  return t;
}

function checkedLocs(locs: readonly number[], where: string, box: readonly number[]): void {
  const [y0 = 0, x0 = 0, y1 = 0, x1 = 0] = locs;
  if (!(y1 > y0 && x1 > x0)) throw new SerializeError(`${where}: the box [${box.map((v) => Math.round(v)).join(', ')}] is less than one bin (1/1023 of the image) wide or high`);
}

/**
 * detect / ocr-boxes: `<locY0><locX0><locY1><locX1> label` per object, joined by " ; ". `size` is the size of the image
 * the example shows (the page, or the region for a region run); boxes are in its pixels.
 */
export function serializeBoxes(task: 'detect' | 'ocr-boxes', objects: readonly { label: string; box: readonly number[] }[], size: ImageSize): string {
  if (!(size.width > 0 && size.height > 0)) throw new SerializeError(`image size ${size.width}×${size.height} is not positive`);
  return objects.map((o, i) => {
    const where = `object ${i + 1}`;
    if (o.box.length !== 4 || !o.box.every(Number.isFinite)) throw new SerializeError(`${where}: the box is not four numbers`);
    const locs = boxToLocs(o.box, size);
    checkedLocs(locs, where, o.box);
    const label = checkedLabel(task, o.label, where);
    return locs.map(locToken).join('') + (label ? ` ${label}` : '');
  }).join(' ; ');
}

/** segment: 4 loc + 16 seg tokens + label per object, joined by " ; " (codes from mask/segment-encode.ts). */
export function serializeSegments(objects: readonly { label: string; locs: readonly number[]; codes: readonly number[] }[]): string {
  return objects.map((o, i) => {
    const where = `object ${i + 1}`;
    if (o.locs.length !== 4 || o.locs.some((v) => !Number.isInteger(v) || v < 0 || v > LOC_MAX)) throw new SerializeError(`${where}: loc bins must be 4 integers in 0…${LOC_MAX}`);
    checkedLocs(o.locs, where, o.locs);
    if (o.codes.length !== SEG_COUNT || o.codes.some((v) => !Number.isInteger(v) || v < 0 || v > SEG_MAX)) throw new SerializeError(`${where}: need ${SEG_COUNT} seg codes in 0…${SEG_MAX}`);
    const label = checkedLabel('segment', o.label, where);
    return o.locs.map(locToken).join('') + o.codes.map(segToken).join('') + (label ? ` ${label}` : '');
  }).join(' ; ');
}

/** caption / describe / answer / ocr / report: the text as reviewed, trimmed (the parsers trim too). */
export function serializeText(text: string): string {
  const t = text.replace(/\r\n?/g, '\n').trim();
  if (!t) throw new SerializeError('the text is empty');
  if (t.includes('<eos>')) throw new SerializeError('the text holds "<eos>", which ends a model output');
  if (TOKEN_RE.test(t)) throw new SerializeError('the text holds loc/seg tokens');
  return t;
}

/** vsr: "true" or "false"; a verdict that is neither cannot teach anything. */
export function serializeVerdict(answer: boolean | null): string {
  if (answer === null) throw new SerializeError('the verdict is neither true nor false');
  return answer ? 'true' : 'false';
}
