// One place decides how confident is confident enough; the overlay colours and the text panel
// both read it.
export type ConfidenceTone = 'high' | 'mid' | 'low';

export const HIGH_CONFIDENCE = 0.9;
export const MID_CONFIDENCE = 0.7;

export function confidenceTone(confidence: number): ConfidenceTone {
  if (confidence >= HIGH_CONFIDENCE) return 'high';
  if (confidence >= MID_CONFIDENCE) return 'mid';
  return 'low';
}

export const formatConfidence = (c: number): string => `${Math.round(c * 100)} %`;

/**
 * How each band is shown besides its colour, for people who do not tell red, amber and green apart: a glyph in text
 * lists and a line pattern on the page (the overlay's solid, dashed and dotted strokes).
 */
export const CONFIDENCE_MARKS: Record<ConfidenceTone, { glyph: string; name: string; stroke: 'solid' | 'dashed' | 'dotted' }> = {
  high: { glyph: '✓', name: 'high', stroke: 'solid' },
  mid: { glyph: '~', name: 'middling', stroke: 'dashed' },
  low: { glyph: '!', name: 'low', stroke: 'dotted' },
};
