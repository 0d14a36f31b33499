// GrandStaff "bekern" (and the close "ekern") → standard Humdrum **kern.
//
// The optical-music checkpoints are trained on GrandStaff, which ships each score both as **kern and as a tokenised
// form in which a kern token is split into sub-tokens (duration, pitch, accidental, beam, …) joined by a separator, and
// in which the tab between spines and the line break between records may be spelled as markers. Which exact form the
// PaliGemma 2 checkpoint emits is not documented, so this reader accepts every spelling we know of and reports what it
// did:
//
//   sub-token separators (removed, the pieces are joined):  `·` (U+00B7), `@`
//   spine separator (→ tab):                                `<t>`, `<tab>`, a literal `\t`
//   record separator (→ newline):                           `<b>`, `<n>`, `<nl>`, `<br>`, `<eol>`, a literal `\n`
//   space inside a chord (→ ' '):                           `<s>`, `<space>`
//   exclusive interpretations `**bekern`, `**ekern`, `**ekern_1.0`, `**bkern` (→ `**kern`)
//   `<bos>`, `<eos>`, `<pad>`, `<sos>` are dropped, and everything after the first `<eos>`.
//
// When markers replace the tabs and newlines, the remaining plain spaces are ambiguous: some models print every
// sub-token separated by a space ("4 c # <t> 4 e"). If `<s>` never occurs we rebuild the tokens of a field from its
// space-separated pieces: a piece that starts with a duration digit after a complete note (one that already has a
// pitch or a rest) starts a new chord note; anything else is glued to the current token.

export interface BekernConversion {
  kern: string;
  /** true when anything other than stripping `<eos>` / trailing whitespace was changed. */
  converted: boolean;
  warnings: string[];
}

const SPECIAL = /<(?:bos|sos|pad)>/g;
const TAB_MARKERS = /<(?:t|tab)>|\\t/g;
const LINE_MARKERS = /<(?:b|n|nl|br|eol)>|\\n/g;
const SPACE_MARKERS = /<(?:s|space)>/g;
const SUBTOKEN_SEPARATORS = /[·@]/g;
const EXCLUSIVE_ALIASES = /\*\*(?:bekern|ekern(?:_\d+(?:\.\d+)?)?|bkern)\b/g;

export function bekernToKern(raw: string): BekernConversion {
  const warnings: string[] = [];
  let text = raw;
  const eos = text.indexOf('<eos>');
  if (eos >= 0) {
    if (text.slice(eos + 5).trim() !== '') warnings.push('ignored text after <eos>');
    text = text.slice(0, eos);
  }
  text = text.replace(/\r\n?/g, '\n').replace(SPECIAL, '');
  const before = text;

  const hadLineMarkers = occurs(LINE_MARKERS, text);
  const hadTabMarkers = occurs(TAB_MARKERS, text);
  const hadSpaceMarkers = occurs(SPACE_MARKERS, text);
  const hadSeparators = occurs(SUBTOKEN_SEPARATORS, text);
  const hadAliases = occurs(EXCLUSIVE_ALIASES, text);

  if (hadLineMarkers || hadTabMarkers) {
    // Markers carry the structure, so real whitespace is only sub-token spacing: newlines that come with markers are
    // noise (a model line-wrapping its output), tabs too.
    const records = text.replace(/\n/g, ' ').replace(LINE_MARKERS, '\n').split('\n');
    text = records
      .map((record) =>
        record
          .replace(/\t/g, ' ')
          .split(TAB_MARKERS)
          .map((field) => rebuildField(field, hadSpaceMarkers))
          .join('\t'),
      )
      .filter((line, i, all) => line !== '' || i < all.length - 1)
      .join('\n');
  } else if (hadSpaceMarkers) {
    text = text.replace(SPACE_MARKERS, ' ');
  }
  if (hadSeparators) text = text.replace(SUBTOKEN_SEPARATORS, '');
  if (hadAliases) text = text.replace(EXCLUSIVE_ALIASES, '**kern');

  // Trailing spaces are never meaningful (a trailing tab is: an empty field, reported by the validator).
  text = text.replace(/ +$/gm, '').replace(/\n+$/, '');
  // Leading blank lines would shift every position we report; drop them.
  text = text.replace(/^(?:[ \t]*\n)+/, '');

  const converted = text !== before.replace(/\n+$/, '').replace(/^(?:[ \t]*\n)+/, '');
  if (hadLineMarkers || hadTabMarkers) warnings.push('bekern: restored tabs and line breaks from markers');
  if (hadSeparators) warnings.push('bekern: joined sub-tokens split by · or @');
  if (hadAliases) warnings.push('bekern: renamed the exclusive interpretation to **kern');
  return { kern: text, converted, warnings };
}

/** Whether a (global, hence stateful) pattern occurs in text, without touching the pattern's lastIndex. */
function occurs(pattern: RegExp, text: string): boolean {
  return new RegExp(pattern.source).test(text);
}

/** One spine field whose sub-tokens may be separated by plain spaces (see the header comment). */
function rebuildField(field: string, spaceMarkersUsed: boolean): string {
  if (field.trimStart().startsWith('!')) return field.trim().replace(SPACE_MARKERS, ' ');
  if (spaceMarkersUsed) return field.replace(/ +/g, '').replace(SPACE_MARKERS, ' ');
  const pieces = field.split(/ +/).filter((p) => p !== '');
  const head = pieces[0] ?? '';
  if (pieces.length <= 1) return head;
  // Interpretations and barlines are never chords.
  if (/^[*=]/.test(head)) return pieces.join('');
  const notes: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const completeNote = /[a-gA-Gr]/.test(current);
    if (current !== '' && completeNote && /^[0-9]/.test(piece)) {
      notes.push(current);
      current = piece;
    } else {
      current += piece;
    }
  }
  if (current !== '') notes.push(current);
  return notes.join(' ');
}
