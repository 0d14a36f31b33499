// Exports of a music result: the kern itself, MEI and MIDI from Verovio (with the accidentals its Humdrum import
// drops put back, see mei-accidentals.ts), MusicXML from our own writer (Verovio cannot
// write MusicXML; see musicxml.ts).
//
// A result whose kern has a structural error exports the part before the error, as it was rendered; the .krn export
// is always the full text as read, so nothing the model wrote is lost.

import type { MusicResult } from './render';
import { loadKern } from './render';
import { withVerovio } from './verovio';
import { validateKern } from './validate';
import { kernToMusicXml } from './musicxml';
import { addGesturalAccidentals } from './mei-accidentals';

export type MusicExportFormat = 'krn' | 'mei' | 'musicxml' | 'mid';
export const MUSIC_EXPORT_FORMATS: readonly MusicExportFormat[] = ['krn', 'mei', 'musicxml', 'mid'];

export interface MusicExport {
  mime: string;
  extension: string;
  bytes: Uint8Array;
}

/** Rejects (with a message naming the reason) only when there is nothing to export in that format. */
export async function exportMusic(m: MusicResult, format: MusicExportFormat): Promise<MusicExport> {
  if (format === 'krn') {
    const text = m.kern.endsWith('\n') || m.kern === '' ? m.kern : `${m.kern}\n`;
    return { mime: 'text/x-kern', extension: 'krn', bytes: new TextEncoder().encode(text) };
  }
  const check = validateKern(m.kern);
  if (check.renderable === '') {
    throw new Error(`cannot export ${format}: the music output has no readable **kern (${check.error?.message ?? 'empty'})`);
  }
  if (format === 'musicxml') {
    const { xml } = kernToMusicXml(check.records.filter((r) => r.line <= check.renderableLines));
    return { mime: 'application/vnd.recordare.musicxml+xml', extension: 'musicxml', bytes: new TextEncoder().encode(xml) };
  }
  return withVerovio((toolkit) => {
    const out = { warnings: [] as string[], error: null as string | null };
    if (!loadKern(toolkit, check.renderable, out)) throw new Error(`cannot export ${format}: ${out.error ?? 'Verovio could not read the kern'}`);
    const mei = addGesturalAccidentals(toolkit.getMEI({ pageNo: 0, scoreBased: true }), check.renderable);
    if (format === 'mei') return { mime: 'application/mei+xml', extension: 'mei', bytes: new TextEncoder().encode(mei) };
    // MIDI from the corrected MEI: straight from the Humdrum import it would drop the key signature's sharps and flats.
    toolkit.setOptions({ inputFrom: 'mei' });
    if (!toolkit.loadData(mei)) throw new Error('cannot export mid: Verovio could not read back its own MEI');
    const base64 = toolkit.renderToMIDI();
    return { mime: 'audio/midi', extension: 'mid', bytes: new Uint8Array(Buffer.from(base64, 'base64')) };
  });
}
