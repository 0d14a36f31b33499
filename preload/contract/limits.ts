// Limits both sides need at run time (the renderer refuses an oversized file before reading it);
// kept free of zod so the renderer may import it.

/** Upper bound for a file sent as bytes (drag and drop, the headless host's file picker). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** The most tokens one model run may generate. */
export const MAX_NEW_TOKENS = 1024;
