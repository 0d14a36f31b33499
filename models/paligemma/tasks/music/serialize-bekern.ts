// Reviewed **kern → the GrandStaff "bekern" form an optical-music checkpoint writes, the inverse of bekern.ts: the
// header `**kern` becomes `**ekern_1.0`, records are joined by `<b>`, spines by `<t>`, the notes of a chord by `<s>`,
// and each note token is split into sub-tokens (duration, dots, pitch, accidentals, then every other sign alone)
// joined by `·`. Interpretations, barlines and comments stay whole.
//
// Which split points GrandStaff's tokeniser uses is not documented (bekern.ts says the same of the reader); they do
// not matter for reading back, because the reader joins the sub-tokens again. What does matter is that
// `bekernToKern(serializeBekern(k)).kern` is `k` (trailing whitespace aside) — serialize-bekern.test.ts proves it on
// the golden scores, and that the notes Verovio plays are the same.
import { SerializeError } from '../serialize';

/** Text the reader would take for a marker or a separator: it cannot be written back unchanged. */
const RESERVED = /[·@]|<(?:t|tab|b|n|nl|br|eol|s|space|bos|sos|pad|eos)>|\\[tn]/;

/** Splits one kern note (no spaces) into sub-tokens: `4.cc#L` → `4 . cc # L`. */
export function noteSubTokens(note: string): string[] {
  const out: string[] = [];
  const re = /\d+(?:%\d+)?|\.+|([a-gA-G])\1*|r|[#\-n]+|./g;
  for (const m of note.matchAll(re)) out.push(m[0]);
  return out;
}

function field(text: string, kind: 'data' | 'other'): string {
  if (kind === 'other' || text === '.' ) return text;
  return text.split(' ').map((note) => noteSubTokens(note).join('·')).join('<s>');
}

/** Normalises what the reader normalises: line ends, trailing spaces, trailing and leading blank lines. */
export function normalizeKern(kern: string): string {
  return kern.replace(/\r\n?/g, '\n').replace(/ +$/gm, '').replace(/\n+$/, '').replace(/^(?:[ \t]*\n)+/, '');
}

export function serializeBekern(kern: string): string {
  const k = normalizeKern(kern);
  if (!k.trim()) throw new SerializeError('the score is empty');
  const bad = RESERVED.exec(k);
  if (bad) throw new SerializeError(`the score holds ${JSON.stringify(bad[0])}, which bekern uses as a marker`);
  return k.split('\n').map((line) => {
    if (line.startsWith('!!')) return line; // a global comment: one field, kept whole
    return line.split('\t').map((f) => {
      if (/^\*\*kern$/.test(f)) return '**ekern_1.0';
      const kind = /^[*=!]/.test(f) ? 'other' : 'data';
      if (kind === 'data' && /\s{2,}|^\s|\s$/.test(f)) throw new SerializeError(`the field ${JSON.stringify(f)} has spaces a chord does not have`);
      return field(f, kind);
    }).join('<t>');
  }).join('<b>');
}
