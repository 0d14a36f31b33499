// Pure parsers for PaliGemma task outputs (docs/paligemma.md §5.3, §5.4, §6). No Electron, no DOM: the main process
// and `paliscope parse` share them, so the renderer never interprets model text itself.
//
// Model output is untrusted: anything malformed yields a partial result plus warnings naming what was wrong; the
// parsers never throw.
//
// Bin → pixel mapping. A loc token holds one coordinate of the 896/448/224 square the model saw (the page was squashed
// to it, aspect ratio not kept, §3.1), so scaling x by the ORIGINAL width and y by the ORIGINAL height undoes the
// squash. big_vision (the code the checkpoints were trained and evaluated with) encodes a normalised coordinate c ∈ [0,1]
// as round(c·1023) and decodes with v/1023 (§5.3); we follow it, so <loc1023> is the right/bottom edge exactly. The
// HF blog / demo divide by 1024 instead: < 0.1 % of the image size apart, but with /1024 a full-width box would stop
// one bin short of the edge.

export const LOC_MAX = 1023;
export const SEG_MAX = 127;
export const SEG_COUNT = 16;

export type Task = 'detect' | 'segment' | 'ocr-boxes' | 'vsr' | 'caption' | 'answer';

/** [x0, y0, x1, y1] in original image pixels. */
export type Box = [number, number, number, number];

export interface ParsedObject {
  /** Label (detect / segment) or the word's transcription (ocr-boxes); '' when the model gave none. */
  label: string;
  box: Box;
  /** Raw loc values in model order: y_min, x_min, y_max, x_max (8 values for an OCR quadrilateral). */
  locs: number[];
  /**
   * segment only: the 16 VQ-VAE codebook indices (4×4, row-major), as parsed; analyze.ts decodes them to a mask with
   * the VQ-VAE decoder (§5.4, mask/). Absent when they were missing or invalid.
   */
  seg?: number[];
}

export interface ParseResult {
  task: Task;
  /** detect / segment / ocr-boxes. */
  objects: ParsedObject[];
  /** caption / answer / vsr: the text, trimmed. */
  text?: string;
  /** vsr: true / false, or null when the answer was neither. */
  answer?: boolean | null;
  warnings: string[];
}

export interface ImageSize { width: number; height: number }

type Lexeme = { kind: 'loc'; v: number; raw: string } | { kind: 'seg'; v: number; raw: string } | { kind: 'text'; s: string };

const TOKEN_RE = /<loc(\d{4})>|<seg(\d{3})>/g;

function lex(raw: string): Lexeme[] {
  const out: Lexeme[] = [];
  let last = 0;
  for (const m of raw.matchAll(TOKEN_RE)) {
    const at = m.index;
    if (at > last) out.push({ kind: 'text', s: raw.slice(last, at) });
    if (m[1] !== undefined) out.push({ kind: 'loc', v: Number(m[1]), raw: m[0] });
    else out.push({ kind: 'seg', v: Number(m[2]), raw: m[0] });
    last = at + m[0].length;
  }
  if (last < raw.length) out.push({ kind: 'text', s: raw.slice(last) });
  return out;
}

/** Strip what the decoder may leave around the answer: <eos>, a trailing newline (§6). */
function clean(raw: string): string {
  let s = raw;
  const eos = s.indexOf('<eos>');
  if (eos >= 0) s = s.slice(0, eos);
  return s.replace(/\r?\n$/, '');
}

function short(s: string, n = 40): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return JSON.stringify(t.length > n ? `${t.slice(0, n)}…` : t);
}

export function locToPixels(locs: readonly number[], size: ImageSize): Box {
  // locs: y_min, x_min, y_max, x_max (big_vision /1023 decoding, see the header).
  const [y0 = 0, x0 = 0, y1 = 0, x1 = 0] = locs;
  const sx = size.width / LOC_MAX;
  const sy = size.height / LOC_MAX;
  return [x0 * sx, y0 * sy, x1 * sx, y1 * sy];
}

interface Group { locs: number[]; segs: number[]; text: string; startsAt: number }

/** Split the lexemes into objects: an object is a run of loc tokens, then seg tokens, then text. */
function group(lexemes: Lexeme[], warnings: string[]): Group[] {
  const groups: Group[] = [];
  let cur: Group | undefined;
  let n = 0;
  let seenSegWithoutLoc = false;
  for (const l of lexemes) {
    if (l.kind === 'loc') {
      if (!cur || cur.segs.length > 0 || cur.text.trim() !== '' || cur.locs.length === 0) {
        if (cur) groups.push(cur);
        cur = { locs: [], segs: [], text: '', startsAt: ++n };
      }
      cur.locs.push(l.v);
    } else if (l.kind === 'seg') {
      if (!cur || cur.locs.length === 0 || cur.text.trim() !== '') {
        if (!seenSegWithoutLoc) warnings.push('seg tokens without a preceding box (4 loc tokens) were ignored');
        seenSegWithoutLoc = true;
        if (cur && cur.locs.length > 0) groups.push(cur);
        cur = { locs: [], segs: [], text: '', startsAt: n };
        continue;
      }
      cur.segs.push(l.v);
    } else {
      if (!cur) {
        cur = { locs: [], segs: [], text: '', startsAt: 0 };
      }
      cur.text += l.s;
    }
  }
  if (cur) groups.push(cur);
  return groups;
}

/**
 * A run of more than 4 loc tokens is read 4 at a time, as Google's reference parser does (its regex takes 4 locs, then
 * an optional label): every full quadruple is an object, and the text and seg tokens belong to the last piece. An
 * ocr-boxes group of exactly 8 stays whole: that is a quadrilateral (§6).
 */
function splitRuns(task: string, groups: Group[]): Group[] {
  const out: Group[] = [];
  for (const g of groups) {
    if (g.locs.length <= 4 || (task === 'ocr-boxes' && g.locs.length === 8)) {
      out.push(g);
      continue;
    }
    for (let i = 0; i < g.locs.length; i += 4) {
      const last = i + 4 >= g.locs.length;
      out.push({ locs: g.locs.slice(i, i + 4), segs: last ? g.segs : [], text: last ? g.text : '', startsAt: g.startsAt });
    }
  }
  return out;
}

/**
 * detect / segment / ocr-boxes. `size` is the ORIGINAL image size in pixels.
 */
export function parseBoxes(task: 'detect' | 'segment' | 'ocr-boxes', raw: string, size: ImageSize): ParseResult {
  const warnings: string[] = [];
  const objects: ParsedObject[] = [];
  let s = clean(raw);
  if (!(size.width > 0 && size.height > 0)) {
    warnings.push(`image size ${size.width}×${size.height} is not positive; boxes cannot be placed`);
    return { task, objects, warnings };
  }
  const cutOff = /<(l(o(c\d{0,3})?)?|s(e(g\d{0,2})?)?)?$/.exec(s);
  if (cutOff && cutOff[0].length > 1) {
    // Generation stopped mid-token (max tokens): drop the fragment so it is not read as a label.
    warnings.push(`output ends in a cut-off token ${short(cutOff[0])}`);
    s = s.slice(0, cutOff.index);
  }
  let objNo = 0;
  const unlabelled: number[] = [];
  for (const g of splitRuns(task, group(lex(s), warnings))) {
    if (g.locs.length === 0) {
      // Text with no box: before the first object, or after a seg run that had no box.
      const t = g.text.replace(/^[\s;]+|[\s;]+$/g, '');
      if (t) warnings.push(`text without a box ignored: ${short(t)}`);
      continue;
    }
    objNo++;
    const where = `object ${objNo}`;
    // The label runs to the separator " ; "; anything after it before the next box is junk.
    let text = g.text;
    let junk = '';
    const sep = task === 'ocr-boxes' ? /\s;(\s|$)/.exec(text) : /;/.exec(text);
    if (sep) {
      junk = text.slice(sep.index + sep[0].length);
      text = text.slice(0, sep.index);
    }
    if (junk.replace(/[\s;]+/g, '')) warnings.push(`${where}: text after its separator ignored: ${short(junk)}`);
    const label = text.trim();

    const quad = task === 'ocr-boxes' && g.locs.length === 8;
    if (g.locs.length !== 4 && !quad) {
      warnings.push(`${where}${label ? ` (${short(label)})` : ''}: ${g.locs.length} loc tokens, need 4${task === 'ocr-boxes' ? ' (or 8)' : ''}; skipped`);
      continue;
    }
    if (g.locs.some((v) => v > LOC_MAX)) {
      warnings.push(`${where}: loc value above ${LOC_MAX} (${g.locs.join(', ')}); skipped`);
      continue;
    }
    let locs = g.locs;
    if (quad) {
      // 4 points as (y, x) pairs, order UNVERIFIED (§6): keep the enclosing box, which does not depend on the order.
      const ys = [g.locs[0], g.locs[2], g.locs[4], g.locs[6]] as number[];
      const xs = [g.locs[1], g.locs[3], g.locs[5], g.locs[7]] as number[];
      locs = [Math.min(...ys), Math.min(...xs), Math.max(...ys), Math.max(...xs)];
    }
    const [ly0 = 0, lx0 = 0, ly1 = 0, lx1 = 0] = locs;
    if (ly1 <= ly0 || lx1 <= lx0) {
      warnings.push(`${where}: empty box (y ${ly0}→${ly1}, x ${lx0}→${lx1}); skipped`);
      continue;
    }
    const obj: ParsedObject = { label, box: locToPixels(locs, size), locs: [...g.locs] };
    if (task === 'segment') {
      if (g.segs.length !== SEG_COUNT) warnings.push(`${where}: ${g.segs.length} seg tokens, need ${SEG_COUNT}; box kept without mask`);
      else if (g.segs.some((v) => v > SEG_MAX)) warnings.push(`${where}: seg value above ${SEG_MAX}; box kept without mask`);
      else obj.seg = [...g.segs];
    } else if (g.segs.length > 0) {
      warnings.push(`${where}: ${g.segs.length} seg tokens in a ${task} output ignored`);
    }
    if (task !== 'segment' && !label) unlabelled.push(objNo);
    if (/[<>]/.test(label)) warnings.push(`${where}: label contains stray markup ${short(label)}`);
    objects.push(obj);
  }
  if (unlabelled.length > 0) {
    // One line, not one per object: an untrained model can emit dozens of bare boxes.
    const what = task === 'ocr-boxes' ? 'text' : 'label';
    warnings.push(unlabelled.length === 1 ? `object ${unlabelled[0]}: no ${what}` : `${unlabelled.length} objects have no ${what}: ${unlabelled.join(', ')}`);
  }
  if (objects.length === 0 && s.trim() !== '') warnings.push('no complete object in the output');
  return { task, objects, warnings };
}

export function parseText(task: 'caption' | 'answer' | 'vsr', raw: string): ParseResult {
  const warnings: string[] = [];
  const text = clean(raw).trim();
  if (!text) warnings.push('empty output');
  if (TOKEN_RE.test(text)) warnings.push(`${task} output contains loc/seg tokens`);
  TOKEN_RE.lastIndex = 0;
  if (task !== 'vsr') return { task, objects: [], text, warnings };
  const w = text.toLowerCase().replace(/[.!]+$/, '').trim();
  let answer: boolean | null = null;
  if (w === 'true' || w === 'yes') answer = true;
  else if (w === 'false' || w === 'no') answer = false;
  else if (text) warnings.push(`VSR answer ${short(text)} is not true/false/yes/no`);
  return { task, objects: [], text, answer, warnings };
}

/** The task a prompt asks for, when Paliscope knows how to parse it (prompt prefixes of §5.1–§5.2). */
export function taskOfPrompt(prompt: string): Task | undefined {
  const p = prompt.trim().toLowerCase();
  if (p.startsWith('detect ')) return 'detect';
  if (p.startsWith('segment ')) return 'segment';
  if (p.startsWith('caption') || p.startsWith('describe')) return 'caption';
  if (p.startsWith('answer ')) return 'answer';
  return undefined;
}
