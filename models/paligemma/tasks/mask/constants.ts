// The shapes of PaliGemma segmentation (docs/paligemma.md §5.4), in a module with no Node imports so the pure parts
// (mask.ts) stay importable anywhere.
export const NUM_CODES = 128;
export const CODES_PER_MASK = 16;
export const MASK_SIZE = 64;
