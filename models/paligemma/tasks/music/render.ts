// Music score output → checked **kern, engraved SVG pages and the notes to play back.
//
// analyzeMusic never throws: every failure (oversized input, bekern that does not convert, a structural kern error,
// Verovio failing to load or to import) ends up in `error` / `warnings`, with whatever could still be rendered. When the
// kern has a structural error, the lines before it are rendered (closed with *- terminators) so the user sees how far
// the output was sound; `valid` stays false and `error` names the position.

import { bekernToKern } from './bekern';
import { validateKern } from './validate';
import { kernTokenAt } from './kern-ids';
import { MUSIC_LIMITS, type MusicError, type MusicNote, type MusicResult } from './result';
import { captureVerovioOutput, resetVerovio, withVerovio } from './verovio';
import type { VerovioToolkit } from 'verovio/esm';

export type { MusicError, MusicNote, MusicResult } from './result';
export { MUSIC_LIMITS } from './result';

/**
 * Verovio layout options: an A4-like page width (2100 units before scaling), drawn at 50 % (a full system is then
 * 1050 px wide: the side panel scales it down, an expanded view shows it at that size), page height and width fitted to
 * the content, no header / footer (a model's output
 * has no title, and Verovio's footer would print its own name on every page).
 */
export const VEROVIO_OPTIONS = {
  inputFrom: 'humdrum',
  pageWidth: 2100,
  pageHeight: 2970,
  adjustPageHeight: true,
  // A short excerpt (one system, as GrandStaff's are) would otherwise sit at the left of a page-wide white image.
  adjustPageWidth: true,
  scale: 50,
  header: 'none',
  footer: 'none',
  breaks: 'auto',
  svgViewBox: true,
  svgRemoveXlink: true,
} as const;

export async function analyzeMusic(raw: string): Promise<MusicResult> {
  const warnings: string[] = [];
  const bytes = new TextEncoder().encode(raw).length;
  if (bytes > MUSIC_LIMITS.maxInputBytes) {
    return failed('', false, {
      line: 1,
      column: null,
      message: `the music output is ${Math.round(bytes / 1000)} kB; the limit is ${MUSIC_LIMITS.maxInputBytes / 1000} kB`,
    }, warnings);
  }

  const conversion = bekernToKern(raw);
  warnings.push(...conversion.warnings);
  const { kern, converted } = conversion;
  const check = validateKern(kern);
  warnings.push(...check.warnings.map((w) => w.message));
  if (check.errors.length > 1) warnings.push(...check.errors.slice(1).map((e) => e.message));
  const error = check.error ? { line: check.error.line, column: check.error.column, message: check.error.message } : null;

  if (check.renderable === '') return failed(kern, converted, error, warnings);
  if (!check.valid) warnings.push(`rendered the part before line ${check.error!.line} only`);

  const engraved = await engrave(check.renderable);
  warnings.push(...engraved.warnings);
  return {
    kern,
    converted,
    valid: check.valid && engraved.error === null,
    error: error ? { ...error, message: clipMessage(error.message) } : engraved.error ? { line: 1, column: null, message: clipMessage(engraved.error) } : null,
    svgPages: engraved.svgPages,
    notes: engraved.notes,
    warnings: bounded(warnings),
  };
}

interface Engraving {
  svgPages: string[];
  notes: MusicNote[];
  warnings: string[];
  error: string | null;
}

/** Loads checked kern into the shared toolkit and renders it; never throws. */
export async function engrave(kern: string): Promise<Engraving> {
  const out: Engraving = { svgPages: [], notes: [], warnings: [], error: null };
  try {
    await withVerovio((toolkit) => engraveWith(toolkit, kern, out));
  } catch (error) {
    out.error = `the music engraver (Verovio) did not load: ${describe(error)}`;
  }
  return out;
}

function engraveWith(toolkit: VerovioToolkit, kern: string, out: Engraving): void {
  if (!loadKern(toolkit, kern, out)) return;
  const printed: string[] = [];
  try {
    captureVerovioOutput(() => renderLoaded(toolkit, kern, out), printed);
  } catch (error) {
    out.error = `Verovio could not render the score: ${describe(error)}`;
    resetVerovio();
  }
  out.warnings.push(...verovioMessages(printed, ''));
}

function renderLoaded(toolkit: VerovioToolkit, kern: string, out: Engraving): void {
  const pageCount = toolkit.getPageCount();
  if (pageCount > MUSIC_LIMITS.maxPages) out.warnings.push(`the score has ${pageCount} pages; showing the first ${MUSIC_LIMITS.maxPages}`);
  for (let page = 1; page <= Math.min(pageCount, MUSIC_LIMITS.maxPages); page++) {
    const svg = withIntrinsicSize(toolkit.renderToSVG(page, false));
    if (svg.length <= MUSIC_LIMITS.maxSvgChars) out.svgPages.push(svg);
    else out.warnings.push(`page ${page} is too large to show (${Math.round(svg.length / 1e6)} MB of SVG)`);
  }
  out.notes = notesFromTimemap(toolkit, kern);
  if (out.notes.length >= MUSIC_LIMITS.maxNotes) out.warnings.push(`playback keeps the first ${MUSIC_LIMITS.maxNotes} notes`);
}

/**
 * Gives Verovio's root <svg> width and height equal to its viewBox. With the viewBox alone an <img> has no intrinsic
 * size (browsers fall back to 300 × 150); without the viewBox (Verovio's other mode) it would not scale. With both,
 * the image shows at its engraved size and scales down to fit.
 */
export function withIntrinsicSize(svg: string): string {
  return svg.replace(/^(\s*<svg\b)([^>]*?)\sviewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/, (whole, open: string, attrs: string, w: string, h: string) =>
    /\swidth=/.test(attrs) ? whole : `${open}${attrs} width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"`,
  );
}

/**
 * Loads `kern` into the toolkit (call inside withVerovio); false, with out.error set, when Verovio cannot read it.
 */
export function loadKern(toolkit: VerovioToolkit, kern: string, out: { warnings: string[]; error: string | null }): boolean {
  const printed: string[] = [];
  try {
    toolkit.setOptions({ ...VEROVIO_OPTIONS });
    // Same kern, same SVG: otherwise Verovio suffixes every generated id with a random string.
    toolkit.resetXmlIdSeed(1);
    const loaded = captureVerovioOutput(() => toolkit.loadData(kern), printed);
    out.warnings.push(...verovioMessages(printed, toolkit.getLog()));
    if (!loaded || toolkit.getPageCount() === 0) {
      out.error = 'Verovio could not read the kern';
      return false;
    }
    return true;
  } catch (error) {
    out.warnings.push(...verovioMessages(printed, ''));
    out.error = `Verovio rejected the kern: ${describe(error)}`;
    resetVerovio();
    return false;
  }
}

/**
 * Sounding notes from Verovio's timemap. Verovio names the notes it imports from Humdrum `note-L<line>F<field>[S<chord
 * note>]`, so each timemap entry leads back to its kern token, and the pitch is read from that token: Verovio 6.3's
 * getMIDIValuesForElement ignores accidentals (an F♯ in D major comes back as F, 53 instead of 54 — measured), while a
 * kern token spells the sounding pitch in full. Verovio's value is the fallback for ids of another shape. The timemap
 * lists both halves of a tied note; a token that ends or continues a tie (`]`, `_`) extends the same-pitch note that
 * stops where it starts instead of sounding again.
 */
function notesFromTimemap(toolkit: VerovioToolkit, kern: string): MusicNote[] {
  const lines = kern.split('\n');
  const timemap = toolkit.renderToTimemap({ includeMeasures: false, includeRests: false });
  const onsets = new Map<string, number>();
  const notes: MusicNote[] = [];
  for (const entry of timemap) {
    for (const id of entry.on ?? []) onsets.set(id, entry.tstamp);
    for (const id of entry.off ?? []) {
      const onMs = onsets.get(id);
      if (onMs === undefined || notes.length >= MUSIC_LIMITS.maxNotes) continue;
      const token = kernTokenAt(lines, id);
      const pitch = (token !== undefined ? kernMidiPitch(token) : null) ?? toolkit.getMIDIValuesForElement(id).pitch;
      if (!Number.isInteger(pitch) || pitch < 0 || pitch > 127 || entry.tstamp > MUSIC_LIMITS.maxMs) continue;
      if (token !== undefined && /[\]_]/.test(token)) {
        const tied = notes.findLast((n) => n.pitch === pitch && n.offMs === onMs);
        if (tied) {
          tied.offMs = entry.tstamp;
          continue;
        }
      }
      notes.push({ onMs, offMs: entry.tstamp, pitch });
    }
  }
  return notes.sort((a, b) => a.onMs - b.onMs || a.pitch - b.pitch);
}

const SEMITONES: Record<string, number> = { c: 0, d: 2, e: 4, f: 5, g: 7, a: 9, b: 11 };

/** MIDI number of a kern note token (`c` is middle C, 60; `cc` 72, `C` 48, `CC` 36; `#` and `-` alter), or null. */
export function kernMidiPitch(token: string): number | null {
  const letters = /([a-g])\1*|([A-G])\2*/.exec(token)?.[0];
  if (!letters || /r/.test(token)) return null;
  const letter = letters.charAt(0);
  const lower = letter === letter.toLowerCase();
  const octave = lower ? 3 + letters.length : 4 - letters.length;
  const alter = (token.match(/#/g) ?? []).length - (token.match(/-/g) ?? []).length;
  return 12 * (octave + 1) + (SEMITONES[letter.toLowerCase()] ?? 0) + alter;
}

/** Verovio's console lines → short warnings (the repeated "Line is:" context is dropped). */
function verovioMessages(output: string[], log: string): string[] {
  const lines = [...output, ...log.split('\n')]
    .flatMap((l) => l.split('\n'))
    .map((l) => l.replace(/^!!/, '').trim())
    .filter((l) => l !== '' && !/^(Line is|Previous line is):/.test(l));
  return [...new Set(lines)].slice(0, 10).map((l) => `Verovio: ${l}`);
}

function failed(kern: string, converted: boolean, error: MusicError | null, warnings: string[]): MusicResult {
  return {
    kern,
    converted,
    valid: false,
    error: error ? { ...error, message: clipMessage(error.message) } : { line: 1, column: null, message: 'nothing to render' },
    svgPages: [],
    notes: [],
    warnings: bounded(warnings),
  };
}

function clipMessage(message: string): string {
  return message.length > MUSIC_LIMITS.maxMessageChars ? `${message.slice(0, MUSIC_LIMITS.maxMessageChars - 1)}…` : message;
}

function bounded(warnings: string[]): string[] {
  return warnings.slice(0, MUSIC_LIMITS.maxWarnings).map(clipMessage);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  // A C++ exception thrown inside the module surfaces as a bare WebAssembly.Exception with no message.
  // (WebAssembly.Exception is missing from TypeScript's lib for our target, hence the cast.)
  const WasmException = (WebAssembly as { Exception?: abstract new (...args: never[]) => object }).Exception;
  if (WasmException && error instanceof WasmException) return 'an internal error in its Humdrum reader';
  return String(error);
}
