// Golden **kern scores for the music tests: realistic GrandStaff-like piano excerpts (left hand in the first spine,
// right hand in the second, as GrandStaff stores them) and malformed model outputs.

const T = '\t';
const score = (rows: string[][]): string => rows.map((r) => r.join(T)).join('\n') + '\n';

/** D major, 3/4: chords, a tie across the bar, beams, a right-hand voice split (*^ … *v), a final barline. */
export const PIANO_KERN = score([
  ['!!!COM: Paliscope test piece'],
  ['**kern', '**kern'],
  ['*clefF4', '*clefG2'],
  ['*k[f#c#]', '*k[f#c#]'],
  ['*D:', '*D:'],
  ['*M3/4', '*M3/4'],
  ['=1', '=1'],
  ['4D 4A', '8dL'],
  ['.', '8f#J'],
  ['4F# 4A', '4a'],
  ['4A 4d', '[4dd'],
  ['=2', '=2'],
  ['*', '*^'],
  ['2.D', '4dd]', '4f#'],
  ['.', '8eeL', '8gL'],
  ['.', '8ff#J', '8aJ'],
  ['.', '4gg', '4b'],
  ['=3', '=3', '=3'],
  ['*', '*v', '*v'],
  ['4DD 4D', '4.aa'],
  ['8AAL', '.'],
  ['8AJ', '8gg'],
  ['4r', '4ff#'],
  ['=4', '=4'],
  ['2.D 2.F# 2.A', '2.dd 2.ff#'],
  ['==', '=='],
  ['*-', '*-'],
]).replace(/^!!!COM: Paliscope test piece\t?/, '!!!COM: Paliscope test piece');

/** MIDI pitches sounding in PIANO_KERN in onset order (ties merged: the tied d5 sounds once). */
export const PIANO_NOTE_COUNT = 4 + 2 + 1 + 1 + 3 + 0 + 1 + 3 + 3 + 2 + 1 + 1 + 1 + 1 + 3 + 2 - 3;

/** A line with three fields under two spines (line 7). */
export const MISMATCHED_KERN = score([
  ['**kern', '**kern'],
  ['*clefF4', '*clefG2'],
  ['*M4/4', '*M4/4'],
  ['=1', '=1'],
  ['4C', '4e'],
  ['4D', '4f'],
  ['4E', '4g', '4b'],
  ['4F', '4a'],
  ['*-', '*-'],
]);

/** Cut off mid-score (the model hit its token limit): no *- terminators. */
export const TRUNCATED_KERN = score([
  ['**kern', '**kern'],
  ['*clefF4', '*clefG2'],
  ['*k[b-]', '*k[b-]'],
  ['*M2/4', '*M2/4'],
  ['=1', '=1'],
  ['8FL', '16r'],
  ['.', '16ffLL'],
  ['8cJ 8A', '16ee'],
  ['.', '16ddJJ'],
]).trimEnd();

export const GARBAGE_KERN = 'The image shows a page of sheet music with two staves.';

/** Bad tokens: a note without a duration and one without a pitch, on an otherwise sound score. */
export const BAD_TOKENS_KERN = score([
  ['**kern', '**kern'],
  ['*clefF4', '*clefG2'],
  ['4C', 'e'],
  ['4D', '4xyz'],
  ['*-', '*-'],
]);

/**
 * Harder rhythm and layout: a pickup, eighth-note triplets (12), a dotted rhythm, a rest, a clef change inside a
 * measure, a second voice that starts mid-measure, a key of three flats and a meter change.
 */
export const TRICKY_KERN = score([
  ['**kern', '**kern'],
  ['*clefF4', '*clefG2'],
  ['*k[b-e-a-]', '*k[b-e-a-]'],
  ['*M4/4', '*M4/4'],
  ['4r', '4g'],
  ['=1', '=1'],
  ['2C 2G', '12ccL'],
  ['.', '12b-'],
  ['.', '12a-J'],
  ['.', '8.gL'],
  ['.', '16fJ'],
  ['*clefG2', '*^'],
  ['2c 2e-', '2e-', '4r'],
  ['.', '.', '4c'],
  ['=2', '=2', '=2'],
  ['*M3/4', '*v', '*v'],
  ['2.c', '2.c 2.e- 2.g'],
  ['==', '=='],
  ['*-', '*-'],
]);

/**
 * The furniture of a real GrandStaff file: instrument and staff interpretations, a common-time meter symbol, a tempo,
 * an invisible first barline (=-), local comments, articulations (staccato ', accent ^, fermata ;), explicit stems,
 * a natural sign, and a left-hand voice split.
 */
export const GRANDSTAFF_KERN = score([
  ['!!!OTL: Minuet'],
  ['**kern', '**kern'],
  ['*part1', '*part1'],
  ['*staff2', '*staff1'],
  ['*Ipiano', '*Ipiano'],
  ['*clefF4', '*clefG2'],
  ['*k[b-]', '*k[b-]'],
  ['*F:', '*F:'],
  ['*M3/4', '*M3/4'],
  ['*met(3)', '*met(3)'],
  ['*MM120', '*MM120'],
  ['=-', '=-'],
  ['!', '! dolce'],
  ['4F/ 4A/ 4c/', "8f'L"],
  ['.', "8a'J"],
  ['4r', '4cc^'],
  ['4r', '4bn'],
  ['=2', '=2'],
  ['*^', '*'],
  ['2.F', '4c\\', '8gL'],
  ['.', '.', '8fJ'],
  ['.', '4B-', '4e'],
  ['.', '4A;', '4f;'],
  ['*v', '*v', '*'],
  ['==', '=='],
  ['*-', '*-'],
]);
