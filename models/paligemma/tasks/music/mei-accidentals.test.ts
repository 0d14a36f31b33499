import { describe, expect, it } from 'vitest';
import { addGesturalAccidentals } from './mei-accidentals';

const KERN = '**kern\t**kern\n*k[f#]\t*k[f#]\n4F# 4A\t4b-\n4r\t4ff##\n*-\t*-';

describe('addGesturalAccidentals', () => {
  it('adds @accid.ges from the kern token behind each Verovio note id', () => {
    const mei = [
      '<note xml:id="note-L3F1S1" oct="3" pname="f" />',
      '<note xml:id="note-L3F1S2" oct="3" pname="a"/>',
      '<note xml:id="note-L3F2" dur="4" oct="4" pname="b" accid="f">',
      '<note xml:id="note-L4F2" dur="4" oct="5" pname="f" accid.ges="ss" />',
      '<note xml:id="m-12" pname="c" />',
    ].join('\n');
    expect(addGesturalAccidentals(mei, KERN).split('\n')).toEqual([
      '<note xml:id="note-L3F1S1" oct="3" pname="f" accid.ges="s"/>',
      '<note xml:id="note-L3F1S2" oct="3" pname="a" accid.ges="n"/>',
      '<note xml:id="note-L3F2" dur="4" oct="4" pname="b" accid="f" accid.ges="f">',
      '<note xml:id="note-L4F2" dur="4" oct="5" pname="f" accid.ges="ss" />',
      '<note xml:id="m-12" pname="c" />',
    ]);
  });

  it('leaves ids that point outside the kern alone', () => {
    const tag = '<note xml:id="note-L99F1" pname="c"/>';
    expect(addGesturalAccidentals(tag, KERN)).toBe(tag);
  });
});
