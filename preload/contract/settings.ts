// The person's settings, kept by main in the user-data folder: how models run (execution provider, threads, preferred
// weight type, the vision-feature cache), how PDFs are rendered, and the colour theme. Everything the renderer sends
// is checked against these schemas in main; the file on disk is checked the same way when it is read.
import { z } from 'zod';

export const THEME_CHOICES = ['system', 'light', 'dark', 'contrast-light', 'contrast-dark'] as const;
export const ThemeChoice = z.enum(THEME_CHOICES);
export type ThemeChoice = z.infer<typeof ThemeChoice>;

/** onnxruntime-node's execution providers; 'auto' lets the engine pick (the machine's accelerator, then CPU). */
export const PROVIDER_CHOICES = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
export const ProviderChoice = z.enum(PROVIDER_CHOICES);
export type ProviderChoice = z.infer<typeof ProviderChoice>;

/** Weight types a model folder may hold; 'auto' lets the session plan choose for the provider and the memory. */
export const DTYPE_CHOICES = ['auto', 'fp32', 'fp16', 'int8', 'uint8', 'q8', 'q4', 'q4f16', 'bnb4'] as const;
export const DtypeChoice = z.enum(DTYPE_CHOICES);

export const PDF_DPI = { min: 72, max: 600, default: 150 } as const;
export const MAX_THREADS = 256;
export const VISION_CACHE_MB = { min: 0, max: 8192, default: 256 } as const;

export const AppSettings = z.object({
  provider: ProviderChoice,
  /** onnxruntime's intra-op threads; null: one per physical core. */
  threads: z.number().int().min(1).max(MAX_THREADS).nullable(),
  dtype: DtypeChoice,
  /** Resolution PDFs are rendered at when opened (their page size in pixels follows it). */
  pdfDpi: z.number().int().min(PDF_DPI.min).max(PDF_DPI.max),
  /** Vision-encoder features kept for pages seen again (0 turns the cache off). */
  visionCacheMb: z.number().int().min(VISION_CACHE_MB.min).max(VISION_CACHE_MB.max),
  theme: ThemeChoice,
  /**
   * Shortcuts of one character key without Ctrl (R, J, F, +, ?, …). Off for people whose speech input or screen reader
   * sends such keys by itself (WCAG 2.1.4); Ctrl combinations, arrows, Page Up/Down, Home, End and Esc stay.
   */
  singleKeyShortcuts: z.boolean(),
  /** The built-in OCR's recognizer: null for the bundled PP-OCRv4 one, else a folder the person picked (.onnx + .txt). */
  ocrRecognizer: z.string().min(1).max(4096).nullable(),
}).strict();
export type AppSettings = z.infer<typeof AppSettings>;

export const DEFAULT_SETTINGS: AppSettings = {
  provider: 'auto', threads: null, dtype: 'auto', pdfDpi: PDF_DPI.default, visionCacheMb: VISION_CACHE_MB.default, theme: 'system', singleKeyShortcuts: true,
  ocrRecognizer: null,
};

/**
 * A change: only the fields given are set. A recognizer folder comes only from main's folder dialog
 * (settings.chooseOcrRecognizer), never as a path from the renderer: a change can only go back to the built-in one.
 */
export const SettingsChange = AppSettings.partial().extend({ ocrRecognizer: z.null().optional() }).strict();
export type SettingsChange = z.infer<typeof SettingsChange>;

export const SettingsView = z.object({
  settings: AppSettings,
  /** Every provider with whether this machine offers it, and why not when it does not. */
  providers: z.array(z.object({ name: ProviderChoice, available: z.boolean(), reason: z.string().nullable() })),
  machine: z.object({ platform: z.string(), arch: z.string(), physicalCores: z.number().int().positive(), logicalCores: z.number().int().positive() }),
  /** Where things live on disk (shown, never sent back). */
  locations: z.object({ settingsFile: z.string(), userData: z.string(), modelsFolders: z.array(z.string()), store: z.string() }),
  /** Set when the settings file could not be read and the defaults are in use: what was wrong with it. */
  problem: z.string().nullable(),
});
export type SettingsView = z.infer<typeof SettingsView>;
