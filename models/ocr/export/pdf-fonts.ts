// Fonts for the searchable PDF's text layer. Helvetica (WinAnsi) only encodes Latin-1, so the
// text layer embeds subsets of two freely licensed (SIL OFL 1.1) Noto fonts shipped with the app:
// Noto Sans (Latin with its extensions, Greek, Cyrillic; 0.6 MB) and Noto Sans SC (CJK ideographs,
// kana, full-width forms; 10.5 MB). Only the glyphs a document uses are embedded.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const PDF_FONT_FILES = ['NotoSans-Regular.ttf', 'NotoSansSC_400Regular.ttf'] as const;

export interface PdfFontContext {
  /** Usually process.env; PALISCOPE_PDF_FONTS names a folder holding PDF_FONT_FILES. */
  env?: Record<string, string | undefined>;
  /** Electron's process.resourcesPath when packaged (fonts in resources/fonts). */
  resourcesPath?: string;
}

/** The text-layer font files, in order of preference for each character. */
export function defaultPdfFonts(ctx: PdfFontContext = { env: process.env, resourcesPath: (process as { resourcesPath?: string }).resourcesPath }): string[] {
  const fromEnv = ctx.env?.PALISCOPE_PDF_FONTS;
  if (fromEnv) return PDF_FONT_FILES.map((f) => path.join(fromEnv, f));
  if (ctx.resourcesPath) {
    const packaged = path.join(ctx.resourcesPath, 'fonts');
    if (PDF_FONT_FILES.every((f) => existsSync(path.join(packaged, f)))) return PDF_FONT_FILES.map((f) => path.join(packaged, f));
  }
  const require = createRequire(import.meta.url);
  // The packages' entry points sit in dist/ (fonts-latin) and at the root (noto-sans-sc).
  const latin = path.join(path.dirname(require.resolve('@embedpdf/fonts-latin')), '..', 'fonts', PDF_FONT_FILES[0]);
  const cjk = path.join(path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc')), '400Regular', PDF_FONT_FILES[1]);
  return [latin, cjk];
}
