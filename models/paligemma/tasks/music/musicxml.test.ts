import { describe, expect, it } from 'vitest';
import { parseMidi } from 'midi-file';
import { kernToMusicXml } from './musicxml';
import { validateKern } from './validate';
import { analyzeMusic } from './render';
import { exportMusic } from './export';
import { withVerovio } from './verovio';
import { GRANDSTAFF_KERN, PIANO_KERN, TRICKY_KERN } from './fixtures';

function midiNotes(base64OrBytes: string | Uint8Array): [number, number][] {
  const bytes = typeof base64OrBytes === 'string' ? new Uint8Array(Buffer.from(base64OrBytes, 'base64')) : base64OrBytes;
  const notes: [number, number][] = [];
  for (const track of parseMidi(bytes).tracks) {
    let tick = 0;
    for (const e of track) {
      tick += e.deltaTime;
      if (e.type === 'noteOn' && (e.velocity ?? 0) > 0) notes.push([tick, e.noteNumber!]);
    }
  }
  return notes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

describe('kernToMusicXml', () => {
  it('writes the piano score as one part on two staves, voices after a split, exact divisions', () => {
    const { xml, warnings } = kernToMusicXml(validateKern(PIANO_KERN).records, 'A <test> & more');
    expect(warnings).toEqual([]);
    expect(xml).toContain('<work-title>A &#60;test&#62; &#38; more</work-title>');
    expect(xml).toContain('<divisions>2</divisions>');
    // Measure 2: the right hand's two voices (1 and 2 on staff 1), then the left hand (voice 5 on staff 2).
    const m2 = xml.slice(xml.indexOf('<measure number="2">'), xml.indexOf('<measure number="3">'));
    expect(m2.match(/<voice>\d<\/voice>/g)?.map((v) => v.replace(/\D/g, ''))).toEqual(['1', '1', '1', '1', '2', '2', '2', '2', '5']);
    expect(m2.match(/<backup><duration>6<\/duration><\/backup>/g)).toHaveLength(2);
    // The sharps come from the key: no printed accidental on F# in D major.
    expect(m2).toContain('<step>F</step><alter>1</alter><octave>5</octave></pitch><duration>1</duration><voice>1</voice><type>eighth</type><staff>1</staff>');
  });

  it('handles a pickup, triplets, dotted notes, a clef change, a voice entering late and a meter change', () => {
    const { xml, warnings } = kernToMusicXml(validateKern(TRICKY_KERN).records);
    expect(warnings).toEqual([]);
    expect(xml).toContain('<measure number="0" implicit="yes">');
    expect(xml).toContain('<divisions>12</divisions>');
    expect(xml).toContain('<key><fifths>-3</fifths></key>');
    expect(xml).toContain('<type>eighth</type><time-modification><actual-notes>3</actual-notes><normal-notes>2</normal-notes></time-modification>');
    expect(xml).toContain('<duration>9</duration><voice>1</voice><type>eighth</type><dot/>');
    // The bass staff switches to treble clef halfway through measure 1, after its half-note chord.
    expect(xml).toMatch(/<duration>24<\/duration><voice>5<\/voice><type>half<\/type><staff>2<\/staff><\/note>\s*<attributes><clef number="2"><sign>G<\/sign><line>2<\/line><\/clef><\/attributes>/);
    // The second right-hand voice enters on beat 3: a forward of two beats first.
    expect(xml).toContain('<forward><duration>24</duration><voice>2</voice><staff>1</staff></forward>');
    expect(xml).toContain('<measure number="2">\n      <attributes><time><beats>3</beats><beat-type>4</beat-type></time></attributes>');
    expect(xml).toContain('<notations><tuplet type="start"/></notations>');
    expect(xml.match(/<tuplet type="stop"\/>/g)).toHaveLength(1);
  });

  it('reads back in Verovio with the same notes at the same times as the MIDI made from the kern', async () => {
    for (const kern of [PIANO_KERN, TRICKY_KERN, GRANDSTAFF_KERN]) {
      const m = await analyzeMusic(kern);
      expect(m.valid).toBe(true);
      const direct = midiNotes((await exportMusic(m, 'mid')).bytes);
      const viaXml = await withVerovio((toolkit) => {
        toolkit.setOptions({ inputFrom: 'xml' });
        expect(toolkit.loadData(kernToMusicXml(validateKern(kern).records).xml)).toBeTruthy();
        return midiNotes(toolkit.renderToMIDI());
      });
      expect(viaXml).toEqual(direct);
    }
  });
});
