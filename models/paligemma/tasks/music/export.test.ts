import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMidi } from 'midi-file';
import { analyzeMusic } from './render';
import { exportMusic } from './export';
import { withVerovio } from './verovio';
import { GARBAGE_KERN, MISMATCHED_KERN, PIANO_KERN } from './fixtures';

const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
// .ci/run installs xmllint; elsewhere say that the well-formedness checks below are left out.
if (!hasXmllint) console.warn('music export tests: xmllint is not installed, so MEI and MusicXML are not checked for well-formedness');
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** [tick, pitch] of every note-on in a MIDI file, sorted. */
function midiNotes(bytes: Uint8Array): [number, number][] {
  const midi = parseMidi(bytes);
  const notes: [number, number][] = [];
  for (const track of midi.tracks) {
    let tick = 0;
    for (const e of track) {
      tick += e.deltaTime;
      if (e.type === 'noteOn' && (e.velocity ?? 0) > 0) notes.push([tick, e.noteNumber!]);
    }
  }
  return notes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** Loads a score in another format into Verovio and returns its MIDI notes (Verovio as the independent reader). */
async function midiNotesVia(format: 'xml' | 'mei', data: string): Promise<[number, number][]> {
  return withVerovio((toolkit) => {
    toolkit.setOptions({ inputFrom: format });
    expect(toolkit.loadData(data)).toBeTruthy();
    expect(toolkit.getPageCount()).toBeGreaterThan(0);
    return midiNotes(new Uint8Array(Buffer.from(toolkit.renderToMIDI(), 'base64')));
  });
}

function wellFormed(data: Uint8Array, name: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'paliscope-music-'));
  const file = join(dir, name);
  writeFileSync(file, data);
  execFileSync('xmllint', ['--noout', '--nonet', file]);
}

describe('exportMusic', () => {
  it('exports the kern text as .krn', async () => {
    const m = await analyzeMusic(PIANO_KERN);
    const out = await exportMusic(m, 'krn');
    expect(out).toMatchObject({ mime: 'text/x-kern', extension: 'krn' });
    expect(text(out.bytes)).toBe(PIANO_KERN);
  });

  it('exports MIDI that a MIDI parser reads back with every sounding note', async () => {
    const m = await analyzeMusic(PIANO_KERN);
    const out = await exportMusic(m, 'mid');
    expect(out).toMatchObject({ mime: 'audio/midi', extension: 'mid' });
    expect(text(out.bytes.slice(0, 4))).toBe('MThd');
    const notes = midiNotes(out.bytes);
    expect(notes).toHaveLength(30);
    // Same pitches as the playback notes (which come from the kern tokens): MIDI keeps the key's sharps.
    expect(notes.map((n) => n[1]).sort()).toEqual(m.notes.map((n) => n.pitch).sort());
  });

  it('exports MEI that is well-formed XML and that Verovio reads back to the same notes', async () => {
    const m = await analyzeMusic(PIANO_KERN);
    const out = await exportMusic(m, 'mei');
    expect(out).toMatchObject({ mime: 'application/mei+xml', extension: 'mei' });
    const mei = text(out.bytes);
    expect(mei).toContain('<mei ');
    if (hasXmllint) wellFormed(out.bytes, 'score.mei');
    const direct = midiNotes((await exportMusic(m, 'mid')).bytes);
    expect(await midiNotesVia('mei', mei)).toEqual(direct);
  });

  it('exports MusicXML that is well-formed and that Verovio reads back to the same notes at the same times', async () => {
    const m = await analyzeMusic(PIANO_KERN);
    const out = await exportMusic(m, 'musicxml');
    expect(out).toMatchObject({ mime: 'application/vnd.recordare.musicxml+xml', extension: 'musicxml' });
    const xml = text(out.bytes);
    expect(xml).toContain('<score-partwise version="4.0">');
    expect(xml).toContain('<key><fifths>2</fifths></key><time><beats>3</beats><beat-type>4</beat-type></time><staves>2</staves>');
    expect(xml).toContain('<clef number="2"><sign>F</sign><line>4</line></clef><clef number="1"><sign>G</sign><line>2</line></clef>');
    expect(xml.match(/<measure /g)).toHaveLength(4);
    expect(xml).toContain('<tie type="start"/>');
    expect(xml).toContain('<beam number="1">begin</beam>');
    expect(xml).toContain('<bar-style>light-heavy</bar-style>');
    if (hasXmllint) wellFormed(out.bytes, 'score.musicxml');
    const direct = midiNotes((await exportMusic(m, 'mid')).bytes);
    expect(await midiNotesVia('xml', xml)).toEqual(direct);
  });

  it('exports the part before a structural error, and refuses when nothing is readable', async () => {
    const partial = await analyzeMusic(MISMATCHED_KERN);
    expect(midiNotes((await exportMusic(partial, 'mid')).bytes).map((n) => n[1])).toEqual([48, 64, 50, 65]);
    const xml = text((await exportMusic(partial, 'musicxml')).bytes);
    expect(xml.match(/<note>/g)).toHaveLength(4);
    expect(text((await exportMusic(partial, 'krn')).bytes)).toBe(MISMATCHED_KERN);
    const garbage = await analyzeMusic(GARBAGE_KERN);
    await expect(exportMusic(garbage, 'mei')).rejects.toThrow(/cannot export mei: .*exclusive interpretation header/);
  });
});
