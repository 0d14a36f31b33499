// Limits both sides need at run time (the renderer refuses an oversized file before reading it);
// kept free of zod so the renderer may import it.

/** Upper bound for a file sent as bytes (drag and drop, the headless host's file picker). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** The most tokens one model run may generate. */
export const MAX_NEW_TOKENS = 1024;

/**
 * The extensions of truth files an evaluation reads (models/eval/truth-files.ts reads the same; a test proves it): the
 * renderer sends only these from a folder the person picks.
 */
export const TRUTH_FILE_EXTENSIONS = ['.txt', '.xml', '.html', '.htm', '.krn', '.smi', '.smiles', '.json'] as const;
/** The most truth files one upload carries. */
export const MAX_TRUTH_UPLOAD_FILES = 20_000;
