// Small schemas every part of the contract uses.
import { z } from 'zod';

export const Empty = z.object({}).strict();
/** Raw bytes (a file's content); Electron's IPC clones them, the headless host base64-encodes them. */
export const Bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected bytes (a Uint8Array)' });
export const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'an id of letters, digits, _ and -');
/** A box [x0, y0, x1, y1] in pixels of an image. */
export const PixelBox = z.tuple([z.number(), z.number(), z.number(), z.number()]);
