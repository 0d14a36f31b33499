// A segmentation mask (models/paligemma/tasks/mask/segment.ts, decodeSegments) as it crosses to the renderer: COCO
// run-length encoding over the whole page, uncompressed counts in column-major order starting with a run of zeros,
// as pycocotools. Bounded, and checked to cover the page exactly, so the renderer can decode it without more checks.
import { z } from 'zod';

/** Largest page side a mask may describe (pixels). */
export const MASK_MAX_SIDE = 100_000;
/**
 * Most runs a mask may have. A decoded mask is a 64×64 map resized into its box: each page column crosses the
 * threshold at most ~64 times, so ≤ 129 runs per column (mask.test.ts checks a worst case); 2M allows a box
 * 15 000 px wide.
 */
export const MASK_MAX_COUNTS = 2_000_000;

const Side = z.number().int().min(1).max(MASK_MAX_SIDE);

export const MaskRle = z.object({
  /** [height, width] of the page, in pixels. */
  size: z.tuple([Side, Side]),
  counts: z.array(z.number().int().nonnegative()).min(1).max(MASK_MAX_COUNTS),
}).refine((r) => r.counts.reduce((a, b) => a + b, 0) === r.size[0] * r.size[1], {
  message: 'mask counts must add up to height × width',
  path: ['counts'],
});
export type MaskRle = z.infer<typeof MaskRle>;

export const SegmentMask = z.object({
  rle: MaskRle,
  /** Pixels inside the mask. */
  area: z.number().int().nonnegative(),
});
export type SegmentMask = z.infer<typeof SegmentMask>;
