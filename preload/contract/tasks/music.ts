// A music-score result (models/paligemma/tasks/music/render.ts, analyzeMusic → MusicResult) as it crosses to the
// renderer: the checked **kern, Verovio's engraving as SVG pages, and the notes for playback. Every string and list is
// bounded; the analysis clips or drops what would exceed a bound (with a warning) rather than produce something this
// rejects.
import { z } from 'zod';

/** Must equal MUSIC_LIMITS in models/paligemma/tasks/music/result.ts (music.test.ts checks). */
export const MUSIC_MAX = {
  maxInputBytes: 100_000,
  maxPages: 20,
  maxSvgChars: 4_000_000,
  maxNotes: 20_000,
  maxWarnings: 50,
  maxMessageChars: 1_000,
  maxMs: 600_000,
} as const;

const Message = z.string().max(MUSIC_MAX.maxMessageChars);
const Ms = z.number().nonnegative().max(MUSIC_MAX.maxMs);

export const MusicParsed = z.object({
  /** The **kern text after bekern conversion; error lines refer to it. */
  kern: z.string().max(MUSIC_MAX.maxInputBytes),
  converted: z.boolean(),
  valid: z.boolean(),
  error: z
    .object({
      line: z.number().int().positive(),
      column: z.number().int().positive().nullable(),
      message: Message,
    })
    .nullable(),
  /** Plain SVG documents, shown only as <img> data: URLs, never inlined. */
  svgPages: z.array(z.string().max(MUSIC_MAX.maxSvgChars)).max(MUSIC_MAX.maxPages),
  notes: z
    .array(
      z
        .object({ onMs: Ms, offMs: Ms, pitch: z.number().int().min(0).max(127) })
        .refine((n) => n.offMs >= n.onMs, { message: 'a note must not end before it starts', path: ['offMs'] }),
    )
    .max(MUSIC_MAX.maxNotes),
  warnings: z.array(Message).max(MUSIC_MAX.maxWarnings),
});
export type MusicParsed = z.infer<typeof MusicParsed>;
