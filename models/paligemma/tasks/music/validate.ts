// Structural check of a Humdrum **kern text, with positions (line, spine).
//
// Why by hand: Verovio's Humdrum reader (verovio 6.3, `verovio/wasm-hum`) is a renderer, not a validator. Measured
// on this version: a line with more fields than spines makes `loadData` throw a bare `WebAssembly.Exception` (no
// message; the text "Error on line 3: Expected 2 fields, but found 3" only goes to the module's stderr, without a
// column); text that is not Humdrum at all returns false with an empty log; nonsense tokens such as `4qqq` are
// accepted silently; missing `*-` terminators only print a warning to stderr. No library on npm validates Humdrum in
// JavaScript (humlib is C++). So we check the structure ourselves before handing the text to Verovio, and Verovio's
// own messages are kept only as extra warnings.
//
// Rules (Humdrum reference, "The Humdrum syntax"):
//   - `!!…` lines are global comments and have no fields;
//   - the first other line is the exclusive-interpretation header: every field `**name`;
//   - every following line has exactly as many tab-separated fields as there are active spines, and all its fields
//     are of one kind: interpretations (`*…`), local comments (`!…`) or data (anything else; `=…` barlines);
//   - spine operators change the count for the NEXT line: `*^` splits one spine in two, a run of adjacent `*v` joins
//     into one, `*-` ends a spine, `*+` adds one, `*x` (in adjacent pairs) swaps two;
//   - a file ends with every spine terminated by `*-`; when it does not, the output was most likely cut off (the model
//     hit its token limit), which is a warning, not an error;
//   - **kern data tokens: `.` (null), or space-separated chord notes each with a duration (`4`, `8.`, `0` breve, `3%2`)
//     and a pitch (`c`, `cc`, `C`, `CC`, with `#`, `-`, `n`) or `r`; a grace note (`q`) may lack a duration.

export interface KernIssue {
  /** 1-based line in the kern text. */
  line: number;
  /** 1-based spine (field) index, or null when the problem concerns the whole line. */
  column: number | null;
  message: string;
}

export type RecordKind = 'global-comment' | 'exclusive' | 'interpretation' | 'comment' | 'barline' | 'data';

export interface KernField {
  text: string;
  /** 1-based index of the header spine this field descends from (a staff, for piano kern). */
  track: number;
  /** 0-based position among the fields of the same track on this line (the voice after a `*^` split). */
  sub: number;
  /** The exclusive interpretation of the track, e.g. `**kern`. */
  exclusive: string;
}

export interface KernRecord {
  line: number;
  kind: RecordKind;
  fields: KernField[];
  /** Global comments only. */
  text?: string;
}

export interface KernValidation {
  valid: boolean;
  /** The first error (the one shown to the user); null when valid. */
  error: KernIssue | null;
  /** Every error found, in order. Checking goes on after token errors, stops at the first structural one. */
  errors: KernIssue[];
  warnings: KernIssue[];
  /** Records read before the first structural error (all of them when the structure is sound). */
  records: KernRecord[];
  /**
   * A renderable text: the lines before the first error, closed with `*-` on every open spine. Equal to the input
   * (plus a terminator line when it was missing) when valid; '' when nothing usable came before the error.
   */
  renderable: string;
  /** How many leading lines of the input `renderable` keeps (before its added terminator line). */
  renderableLines: number;
  /** Spine count at the end of `records`. */
  openSpines: number;
}

const RECIP = /^(?:\d+(?:%\d+)?)\.*$/;

export function validateKern(kern: string): KernValidation {
  const result = validateLines(kern);
  // An output cut off by the token limit usually ends inside a line: fewer fields than spines, or a half-written
  // token. When that last line is the only thing wrong, it is left out with a warning, like a missing terminator.
  const lines = kern.replace(/\s+$/, '').split('\n');
  const last = lines.length;
  const cutMidLine =
    result.errors.length > 0 &&
    result.errors.every((e) => e.line === last) &&
    result.openSpines > 0 &&
    (/: \d+ fields? but \d+ spines$/.test(result.errors[0]?.message ?? '') || result.errors.every((e) => e.column !== null));
  if (!cutMidLine || last < 2) return result;
  const fields = (lines[last - 1] ?? '').split('\t').length;
  if (fields > result.openSpines) return result;
  const shortened = validateLines(lines.slice(0, -1).join('\n'));
  if (!shortened.valid) return result;
  shortened.warnings.unshift({ line: last, column: null, message: `line ${last}: incomplete last line left out (output cut off?)` });
  return shortened;
}

function validateLines(kern: string): KernValidation {
  const lines = kern.split('\n');
  while (lines.length > 0 && (lines[lines.length - 1] ?? '').trim() === '') lines.pop();
  const errors: KernIssue[] = [];
  const warnings: KernIssue[] = [];
  const records: KernRecord[] = [];
  // Per active spine: its track and exclusive interpretation.
  let spines: { track: number; exclusive: string }[] | null = null;
  let nextTrack = 1;
  let structuralStop = false;
  let lastGoodLine = 0;

  for (let i = 0; i < lines.length && !structuralStop; i++) {
    const lineNo = i + 1;
    const line = (lines[i] ?? '').replace(/\r$/, '');
    const structural = (column: number | null, message: string): void => {
      errors.push({ line: lineNo, column, message: `line ${lineNo}${column === null ? '' : `, spine ${column}`}: ${message}` });
      structuralStop = true;
    };

    if (line.startsWith('!!')) {
      records.push({ line: lineNo, kind: 'global-comment', fields: [], text: line });
      if (errors.length === 0) lastGoodLine = lineNo;
      continue;
    }
    if (line.trim() === '') {
      structural(null, 'empty line (Humdrum allows none inside a score)');
      break;
    }
    const texts = line.split('\t');

    if (spines === null) {
      const bad = texts.findIndex((t) => !/^\*\*\S+$/.test(t));
      if (bad >= 0) {
        structural(bad + 1, `expected the exclusive interpretation header (**kern for every spine), found "${clip(texts[bad] ?? '')}"`);
        break;
      }
      spines = texts.map((t) => ({ track: nextTrack++, exclusive: t }));
      if (!spines.some((s) => s.exclusive === '**kern')) {
        warnings.push({ line: lineNo, column: null, message: `line ${lineNo}: no **kern spine (found ${texts.join(', ')})` });
      }
      records.push({ line: lineNo, kind: 'exclusive', fields: fieldsOf(texts, spines) });
      lastGoodLine = lineNo;
      continue;
    }

    if (spines.length === 0) {
      structural(null, 'text after every spine was terminated with *-');
      break;
    }
    if (texts.length !== spines.length) {
      structural(null, `${texts.length} field${texts.length === 1 ? '' : 's'} but ${spines.length} spine${spines.length === 1 ? '' : 's'}`);
      break;
    }
    const empty = texts.findIndex((t) => t === '');
    if (empty >= 0) {
      structural(empty + 1, 'empty field (use "." for a null token)');
      break;
    }

    const first = texts[0] ?? '';
    const kind: RecordKind = first.startsWith('*') ? 'interpretation' : first.startsWith('!') ? 'comment' : first.startsWith('=') ? 'barline' : 'data';
    const fields = fieldsOf(texts, spines);

    if (kind === 'interpretation') {
      const mixed = texts.findIndex((t) => !t.startsWith('*'));
      if (mixed >= 0) {
        structural(mixed + 1, `"${clip(texts[mixed] ?? '')}" on an interpretation line (every field must start with *)`);
        break;
      }
      const next = applySpineOperators(texts, spines, () => nextTrack++);
      if (typeof next === 'string') {
        const column = Number(/^(\d+):/.exec(next)?.[1] ?? 0) || null;
        structural(column, next.replace(/^\d+:/, ''));
        break;
      }
      records.push({ line: lineNo, kind, fields });
      spines = next;
      if (errors.length === 0) lastGoodLine = lineNo;
      continue;
    }
    if (kind === 'comment') {
      const mixed = texts.findIndex((t) => !t.startsWith('!'));
      if (mixed >= 0) {
        structural(mixed + 1, `"${clip(texts[mixed] ?? '')}" on a comment line (every field must start with !)`);
        break;
      }
    } else {
      const misplaced = texts.findIndex((t) => t.startsWith('*') || t.startsWith('!'));
      if (misplaced >= 0) {
        structural(misplaced + 1, `"${clip(texts[misplaced] ?? '')}" on a data line (interpretations and comments need lines of their own)`);
        break;
      }
      if (kind === 'barline' && texts.some((t) => !t.startsWith('='))) {
        const col = texts.findIndex((t) => !t.startsWith('='));
        warnings.push({ line: lineNo, column: col + 1, message: `line ${lineNo}, spine ${col + 1}: barline in some spines only` });
      }
      if (kind === 'data') {
        texts.forEach((t, c) => {
          if (spines?.[c]?.exclusive !== '**kern' || t.startsWith('=')) return;
          const problem = kernTokenProblem(t);
          if (problem) errors.push({ line: lineNo, column: c + 1, message: `line ${lineNo}, spine ${c + 1}: ${problem}` });
        });
      }
    }
    records.push({ line: lineNo, kind, fields });
    if (errors.length === 0) lastGoodLine = lineNo;
  }

  if (spines === null && errors.length === 0) {
    errors.push({ line: 1, column: null, message: 'line 1: empty output (no **kern header)' });
  }
  const openSpines = spines?.length ?? 0;
  if (errors.length === 0 && openSpines > 0) {
    const last = lines.length;
    warnings.push({
      line: last,
      column: null,
      message: `line ${last}: the score ends without *- on its ${openSpines} spine${openSpines === 1 ? '' : 's'} (output cut off?)`,
    });
  }

  return {
    valid: errors.length === 0,
    error: errors[0] ?? null,
    errors,
    warnings,
    records,
    renderable: renderableText(lines, records, lastGoodLine),
    renderableLines: lastGoodLine,
    openSpines,
  };
}

function fieldsOf(texts: string[], spines: { track: number; exclusive: string }[]): KernField[] {
  const seen = new Map<number, number>();
  return texts.map((text, c) => {
    const { track, exclusive } = spines[c] ?? { track: 0, exclusive: '' };
    const sub = seen.get(track) ?? 0;
    seen.set(track, sub + 1);
    return { text, track, sub, exclusive };
  });
}

/** The spines after an interpretation line, or "column:message" when its operators are malformed. */
function applySpineOperators(
  texts: string[],
  spines: { track: number; exclusive: string }[],
  newTrack: () => number,
): { track: number; exclusive: string }[] | string {
  const next: { track: number; exclusive: string }[] = [];
  for (let c = 0; c < texts.length; c++) {
    const t = texts[c] ?? '';
    const spine = spines[c] ?? { track: 0, exclusive: '' };
    if (t === '*^') {
      next.push({ ...spine }, { ...spine });
    } else if (t === '*v') {
      let end = c;
      while (end + 1 < texts.length && texts[end + 1] === '*v') end++;
      if (end === c) return `${c + 1}:a lone *v (joining needs at least two adjacent *v)`;
      next.push({ ...spine });
      c = end;
    } else if (t === '*-') {
      // The spine ends here.
    } else if (t === '*+') {
      next.push({ ...spine }, { track: newTrack(), exclusive: spine.exclusive });
    } else if (t === '*x') {
      if (texts[c + 1] !== '*x') return `${c + 1}:a lone *x (exchanging needs two adjacent *x)`;
      next.push({ ...(spines[c + 1] ?? spine) }, { ...spine });
      c++;
    } else if (t.startsWith('**')) {
      return `${c + 1}:a second exclusive interpretation "${clip(t)}" inside the score`;
    } else {
      next.push({ ...spine });
    }
  }
  return next;
}

/** Why a **kern data token is not a readable note, chord or rest; null when it is. */
export function kernTokenProblem(token: string): string | null {
  if (token === '.') return null;
  for (const note of token.split(' ')) {
    if (note === '') return `"${clip(token)}": empty chord note (two spaces)`;
    if (note === '.') continue;
    const duration = /\d+(?:%\d+)?\.*/.exec(note)?.[0];
    const pitch = /([a-g])\1*|([A-G])\2*/.exec(note)?.[0];
    const rest = /r/.test(note);
    if (!pitch && !rest) return `"${clip(note)}": no pitch (a–g, A–G) and no rest (r)`;
    if (pitch && /[a-gA-G]/.test(note.replace(pitch, ''))) {
      // e.g. "4cd": two different pitch letters in one note.
      return `"${clip(note)}": more than one pitch in one note (chord notes are separated by spaces)`;
    }
    if (duration === undefined || !RECIP.test(duration)) {
      if (!/q/.test(note)) return `"${clip(note)}": no duration (such as 4, 8., 16)`;
    }
  }
  return null;
}

function renderableText(lines: string[], records: KernRecord[], lastGoodLine: number): string {
  const kept = records.filter((r) => r.line <= lastGoodLine);
  if (!kept.some((r) => r.kind === 'exclusive')) return '';
  const body = lines.slice(0, lastGoodLine).map((l) => l.replace(/\r$/, ''));
  // Spine count after the last kept line: replay the kept interpretation lines.
  let open = 0;
  const seed: { track: number; exclusive: string }[] = [];
  for (const r of kept) {
    if (r.kind === 'exclusive') {
      seed.push(...r.fields.map((f) => ({ track: f.track, exclusive: f.exclusive })));
      open = seed.length;
    } else if (r.kind === 'interpretation') {
      const next = applySpineOperators(
        r.fields.map((f) => f.text),
        Array.from({ length: open }, () => ({ track: 0, exclusive: '' })),
        () => 0,
      );
      if (typeof next !== 'string') open = next.length;
    }
  }
  if (open > 0) body.push(Array.from({ length: open }, () => '*-').join('\t'));
  return body.join('\n') + '\n';
}

function clip(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}
