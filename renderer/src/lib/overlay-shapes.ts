// The overlay layer draws shapes in image pixel coordinates; this is their generic form. Any model
// output (OCR lines now, detections and masks later) becomes a list of these.
export type Point = readonly [number, number];

/** Colour roles, mapped to CSS classes so light and dark themes can choose the colours. */
export type ShapeTone = 'high' | 'mid' | 'low' | 'weak-word' | 'hit' | 'debug' | 'object' | 'region';

export interface OverlayShape {
  id: string;
  points: readonly Point[];
  tone: ShapeTone;
  /** Shown on hover. */
  label?: string;
  /** Drawn on the page above the shape's top-left corner (detected objects' labels). */
  caption?: string;
  /** Shapes that can be hovered and clicked; the others are drawn only. */
  interactive?: boolean;
}

export function rectPoints(x: number, y: number, width: number, height: number): Point[] {
  return [
    [x, y],
    [x + width, y],
    [x + width, y + height],
    [x, y + height],
  ];
}
