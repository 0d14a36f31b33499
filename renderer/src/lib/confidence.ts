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
