// The music task's result and its bounds, kept free of Verovio and Node so that the contract test (type-checked for the
// browser too) can import them.

export interface MusicError {
  /** 1-based line in `kern`. */
  line: number;
  /** 1-based spine, null when the whole line is at fault. */
  column: number | null;
  message: string;
}

export interface MusicNote {
  onMs: number;
  offMs: number;
  /** MIDI note number (60 = middle C). */
  pitch: number;
}

export interface MusicResult {
  /** The **kern text (after bekern conversion); error positions refer to its lines. */
  kern: string;
  /** Whether the raw output was bekern (or had markers) that had to be converted. */
  converted: boolean;
  valid: boolean;
  error: MusicError | null;
  /** One SVG document per page; empty when nothing could be engraved. */
  svgPages: string[];
  /** In onset order. */
  notes: MusicNote[];
  warnings: string[];
}

/** Must equal MUSIC_MAX in preload/contract/tasks/music.ts (its test checks). */
export const MUSIC_LIMITS = {
  /** A GrandStaff system is a few kB of kern; 100 kB is far beyond any model's token budget. Conversion only shortens. */
  maxInputBytes: 100_000,
  maxPages: 20,
  /** One engraved page is 30–300 kB of SVG; a page beyond this is dropped with a warning. */
  maxSvgChars: 4_000_000,
  maxNotes: 20_000,
  maxWarnings: 50,
  maxMessageChars: 1_000,
  /** Ten minutes: anything longer is not a transcribed system. */
  maxMs: 600_000,
} as const;
