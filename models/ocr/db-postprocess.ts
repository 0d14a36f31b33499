// DB (Differentiable Binarization) post-process: probability map → scored, unclipped text quads.
// Contours are found as 8-connected components of the binary map; the min-area rectangle of a
// component equals that of its outer contour (both are the rectangle of the convex hull), so a
// flood fill is enough and no contour tracer is needed.
import { insideConvex, minAreaRect, unclip, bbox } from './geometry';
import type { DetectionOptions, Point, Quad } from './types';

export interface ProbMap {
  data: Float32Array;
  width: number;
  height: number;
}

export interface DetectedBox {
  /** Corners in probability-map pixels, clockwise from top-left. */
  quad: Quad;
  score: number;
}

// limitSideLen measured on four bench/ocr pages (1275×1650, 150 DPI): 960 → mean page CER 0.28 %,
// 1280 → 0.13 %, 1600 → 0.13 %; 1280 keeps the accuracy with fewer detector pixels.
export const DEFAULT_DETECTION: DetectionOptions = {
  limitSideLen: 1280,
  minShortSide: 48,
  thresh: 0.3,
  boxThresh: 0.6,
  unclipRatio: 1.5,
  minSize: 3,
  maxCandidates: 1000,
};

/** Labels 8-connected foreground components; returns each component's boundary pixel centres. */
export function connectedComponents(binary: Uint8Array, width: number, height: number): Point[][] {
  const labels = new Int32Array(width * height);
  const out: Point[][] = [];
  const stack: number[] = [];
  let next = 0;
  for (let start = 0; start < binary.length; start++) {
    if (!binary[start] || labels[start]) continue;
    next++;
    labels[start] = next;
    stack.push(start);
    const boundary: Point[] = [];
    while (stack.length) {
      const idx = stack.pop()!;
      const x = idx % width;
      const y = (idx - x) / width;
      let isEdge = false;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        for (let dx = -1; dx <= 1; dx++) {
          if (!dx && !dy) continue;
          const nx = x + dx;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) {
            isEdge = true;
            continue;
          }
          const n = ny * width + nx;
          if (!binary[n]) {
            isEdge = true;
            continue;
          }
          if (!labels[n]) {
            labels[n] = next;
            stack.push(n);
          }
        }
      }
      // Only boundary pixels can be hull vertices; interior ones are skipped to keep hulls cheap.
      if (isEdge) boundary.push([x, y]);
    }
    out.push(boundary);
  }
  return out;
}

/** Mean probability inside a convex quad (the "fast" box score of PP-OCR). */
export function boxScore(map: ProbMap, quad: Quad): number {
  const b = bbox(quad);
  const x0 = Math.max(0, Math.floor(b.x0));
  const x1 = Math.min(map.width - 1, Math.ceil(b.x1));
  const y0 = Math.max(0, Math.floor(b.y0));
  const y1 = Math.min(map.height - 1, Math.ceil(b.y1));
  let sum = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (!insideConvex(quad, x, y)) continue;
      sum += map.data[y * map.width + x]!;
      n++;
    }
  }
  return n ? sum / n : 0;
}

export function dbPostprocess(map: ProbMap, opts: DetectionOptions): DetectedBox[] {
  const { width, height, data } = map;
  const binary = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) binary[i] = data[i]! > opts.thresh ? 1 : 0;
  const components = connectedComponents(binary, width, height);
  // Largest first, as PP-OCR caps the candidate count after sorting contours by size.
  components.sort((a, b) => b.length - a.length);
  const boxes: DetectedBox[] = [];
  for (const comp of components.slice(0, opts.maxCandidates)) {
    if (comp.length < 3) continue;
    const rect = minAreaRect(comp);
    if (Math.min(rect.width, rect.height) < opts.minSize) continue;
    const score = boxScore(map, rect.quad);
    if (score < opts.boxThresh) continue;
    const grown = unclip(rect.quad, opts.unclipRatio);
    if (grown.length < 3) continue;
    const big = minAreaRect(grown);
    if (Math.min(big.width, big.height) < opts.minSize + 2) continue;
    boxes.push({ quad: big.quad, score });
  }
  return boxes;
}
