// Verovio 6.3's Humdrum importer leaves out the accidental of a note that the key signature already alters: in D major
// `4f#` becomes `<note pname="f" oct="4"/>` with neither @accid nor @accid.ges, and Verovio's own MIDI export of that
// MEI then plays F natural (measured: MIDI 53 for F♯3). MEI expects @accid.ges for the sounding alteration, so we add
// it from the kern, which spells every sounding pitch in full. Verovio names imported notes after their kern position
// (`note-L<line>F<field>[S<chord note>]`), which is how a note finds its token. Notes that already carry @accid.ges are
// left alone; notes of another id shape are left alone too.

import { kernTokenAt } from './kern-ids';

const GESTURAL: Record<number, string> = { [-2]: 'ff', [-1]: 'f', 0: 'n', 1: 's', 2: 'ss' };

export function addGesturalAccidentals(mei: string, kern: string): string {
  const lines = kern.split('\n');
  return mei.replace(/<note\b[^>]*>/g, (tag) => {
    if (/\baccid\.ges=/.test(tag)) return tag;
    const id = /\bxml:id="([^"]+)"/.exec(tag)?.[1];
    const token = id ? kernTokenAt(lines, id) : undefined;
    if (token === undefined || /r/.test(token)) return tag;
    const alter = (token.match(/#/g) ?? []).length - (token.match(/-/g) ?? []).length;
    const value = GESTURAL[alter];
    if (value === undefined) return tag;
    return tag.replace(/\s*(\/?)>$/, ` accid.ges="${value}"$1>`);
  });
}
