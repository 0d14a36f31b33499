// Music metrics on **kern: symbol error rate (SER) and line error rate (LER), as in the GrandStaff / end-to-end OMR
// literature (Ríos-Vila et al.): edit distance between token sequences over the length of the truth's.
//
// Tokens: each record (line) is split at tabs into spine fields and each field at spaces into chord notes; every
// note, rest, barline or interpretation is one token, and the tab between fields and the end of each record are
// tokens of their own (<t>, <b>), as in GrandStaff's serialisation, so a lost spine or a merged record costs symbols.
// Lines are compared whole for LER. Normalisation: NFC, \r\n → \n, trailing white space of a record dropped, empty
// records dropped.
import { editDistance } from './edit-distance';
import { MAX_TEXT_CHARS } from './text';

export function kernRecords(kern: string): string[] {
  const s = typeof kern === 'string' ? kern.slice(0, MAX_TEXT_CHARS) : '';
  return s.normalize('NFC').replace(/\r\n?/g, '\n').split('\n').map((l) => l.replace(/\s+$/u, '')).filter((l) => l !== '');
}

export function kernTokens(records: readonly string[]): string[] {
  const out: string[] = [];
  for (const r of records) {
    r.split('\t').forEach((field, i) => {
      if (i > 0) out.push('<t>');
      out.push(...field.split(' ').filter((t) => t !== ''));
    });
    out.push('<b>');
  }
  return out;
}

export interface MusicScores { ser: number; ler: number }

export function musicScores(truth: string, prediction: string, notes: string[] = []): MusicScores {
  if (typeof prediction === 'string' && prediction.length > MAX_TEXT_CHARS) notes.push(`the prediction was cut to ${MAX_TEXT_CHARS} characters`);
  const tr = kernRecords(truth), pr = kernRecords(prediction);
  const tt = kernTokens(tr), pt = kernTokens(pr);
  if (!tt.length) notes.push('the truth has no **kern record');
  const rate = (e: number, n: number) => (n ? e / n : e ? 1 : 0);
  return { ser: rate(editDistance(tt, pt), tt.length), ler: rate(editDistance(tr, pr), tr.length) };
}
