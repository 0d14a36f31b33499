// The kern listing shown beside an invalid music result: the lines around the error, numbered, with the faulty line
// and (when known) its faulty spine marked. Returned as plain parts for the view to interpolate as text.

export interface KernListingLine {
  /** 1-based line number in the kern text. */
  number: number;
  /** The line's tab-separated fields. */
  fields: string[];
  marked: boolean;
  /** 0-based index of the marked field, or null. */
  markedField: number | null;
}

export interface KernListing {
  lines: KernListingLine[];
  /** Lines left out before and after the excerpt. */
  hiddenBefore: number;
  hiddenAfter: number;
}

/** `radius` lines either side of `error.line` (the whole text when there is no error line). */
export function kernListing(kern: string, error: { line: number; column: number | null } | null, radius = 8): KernListing {
  const all = kern.split('\n');
  if (all.length > 1 && all[all.length - 1] === '') all.pop();
  const target = error ? Math.min(Math.max(error.line, 1), Math.max(all.length, 1)) : null;
  const from = target === null ? 1 : Math.max(1, target - radius);
  const to = target === null ? all.length : Math.min(all.length, target + radius);
  const lines: KernListingLine[] = [];
  for (let n = from; n <= to; n++) {
    const marked = error !== null && n === error.line;
    const fields = (all[n - 1] ?? '').split('\t');
    const markedField = marked && error.column !== null && error.column <= fields.length ? error.column - 1 : null;
    lines.push({ number: n, fields, marked, markedField });
  }
  return { lines, hiddenBefore: from - 1, hiddenAfter: Math.max(0, all.length - to) };
}

/** "line 7", "line 3, spine 2". */
export function positionLabel(error: { line: number; column: number | null }): string {
  return error.column === null ? `line ${error.line}` : `line ${error.line}, spine ${error.column}`;
}

const CLEFS: Record<string, string> = { G2: 'treble', F4: 'bass', C3: 'alto', C4: 'tenor', C1: 'soprano', F3: 'baritone', X: 'percussion' };
const PITCH_NAMES = ['C', 'C♯', 'D', 'E♭', 'E', 'F', 'F♯', 'G', 'A♭', 'A', 'B♭', 'B'];

/** A MIDI pitch as a note name with its octave (60 → "C4"). */
export function pitchName(midi: number): string {
  return `${PITCH_NAMES[midi % 12]}${Math.floor(midi / 12) - 1}`;
}

/**
 * The score in one line of words, the text alternative of its engraving: parts and clefs, key, metre, bars, notes
 * and their range, length. Read from the **kern's interpretation lines (model output: only patterns are picked out,
 * so nothing else of the text reaches the sentence) and from the notes main computed for playback.
 */
export function kernSummary(kern: string, notes: readonly { onMs: number; offMs: number; pitch: number }[]): string {
  const lines = kern.split('\n').map((l) => l.split('\t'));
  const parts = lines.find((f) => f[0]?.startsWith('**'))?.filter((f) => f === '**kern').length ?? 0;
  const clefs = lines.find((f) => f.some((x) => /^\*clef/.test(x)))?.map((x) => /^\*clef([A-Z][0-9]?)$/.exec(x)?.[1]).filter((c): c is string => !!c) ?? [];
  const key = lines.flat().map((x) => /^\*([A-Ga-g])([#-]?):$/.exec(x)).find((m) => m);
  const meter = lines.flat().map((x) => /^\*M(\d{1,2}\/\d{1,2})$/.exec(x)?.[1]).find((m) => m);
  const bars = new Set(lines.map((f) => /^=(\d+)/.exec(f[0] ?? '')?.[1]).filter((b) => b !== undefined)).size;
  const out: string[] = [];
  if (parts > 0) {
    const named = clefs.map((c) => `${CLEFS[c] ?? c} clef`);
    out.push(`${parts} ${parts === 1 ? 'part' : 'parts'}${named.length ? ` (${[...new Set(named)].join(', ')})` : ''}`);
  }
  if (key) {
    const accidental = key[2] === '#' ? '♯' : key[2] === '-' ? '♭' : '';
    out.push(`${key[1]!.toUpperCase()}${accidental} ${key[1] === key[1]!.toUpperCase() ? 'major' : 'minor'}`);
  }
  if (meter) out.push(meter);
  if (bars > 0) out.push(`${bars} ${bars === 1 ? 'bar' : 'bars'}`);
  if (notes.length > 0) {
    const pitches = notes.map((n) => n.pitch);
    const [low, high] = [Math.min(...pitches), Math.max(...pitches)];
    out.push(`${notes.length} ${notes.length === 1 ? 'note' : 'notes'}${low === high ? ` (${pitchName(low)})` : ` from ${pitchName(low)} to ${pitchName(high)}`}`);
    out.push(`${(Math.max(...notes.map((n) => n.offMs)) / 1000).toFixed(1)} s`);
  } else {
    out.push('no notes');
  }
  return out.join(' · ');
}
