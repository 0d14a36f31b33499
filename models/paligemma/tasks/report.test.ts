import { describe, expect, it } from 'vitest';
import { parseReport } from './report';

describe('parseReport', () => {
  it('splits inline MIMIC-CXR style sections and keeps their text verbatim', () => {
    const r = parseReport('FINDINGS: Heart size is normal. No pleural effusion. IMPRESSION: No acute cardiopulmonary process.<eos>');
    expect(r.sections).toEqual([
      { heading: 'FINDINGS', text: 'Heart size is normal. No pleural effusion.' },
      { heading: 'IMPRESSION', text: 'No acute cardiopulmonary process.' },
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('accepts usual headings in any case, one per line, and keeps text before the first', () => {
    const r = parseReport('Portable AP chest.\nFindings: Lungs are clear.\nImpression:   Normal study.\n');
    expect(r.sections).toEqual([
      { heading: null, text: 'Portable AP chest.' },
      { heading: 'Findings', text: 'Lungs are clear.' },
      { heading: 'Impression', text: 'Normal study.' },
    ]);
  });

  it('does not split on an abbreviation with a colon inside a sentence', () => {
    const r = parseReport('Compared with the prior CT: no change in the nodule.');
    expect(r.sections).toEqual([{ heading: null, text: 'Compared with the prior CT: no change in the nodule.' }]);
  });

  it('does not invent a heading for plain findings', () => {
    const r = parseReport('Heart size is normal. No pleural effusion or pneumothorax.');
    expect(r.sections).toEqual([{ heading: null, text: 'Heart size is normal. No pleural effusion or pneumothorax.' }]);
  });

  it('warns on empty output and on stray location tokens', () => {
    expect(parseReport('<eos>').warnings).toEqual(['empty output']);
    expect(parseReport('FINDINGS: <loc0001> clear').warnings).toEqual(['report contains loc/seg tokens']);
  });

  it('keeps an empty section when the output was cut off after a heading', () => {
    const r = parseReport('FINDINGS: Clear lungs. IMPRESSION:');
    expect(r.sections.at(-1)).toEqual({ heading: 'IMPRESSION', text: '' });
  });
});
