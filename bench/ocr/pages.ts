// The evaluation set: letter-size pages at 150 DPI (1275×1650) of public-domain English prose in
// several fonts and sizes, one and two columns, with the defects of office scans (skew up to ±3°,
// blur, sensor noise, JPEG compression). Every page is generated deterministically with its
// ground truth, so the benchmark needs no downloaded data.
import { PROSE } from '../../models/ocr/testing/prose';
import { synthPage, type SynthPage, type SynthPageSpec } from '../../models/ocr/testing/synth';

export interface EvalPage extends SynthPage {
  name: string;
  spec: SynthPageSpec;
}

type Variant = Omit<SynthPageSpec, 'paragraphs' | 'width' | 'height'> & { name: string };

export const VARIANTS: readonly Variant[] = [
  { name: 'serif22-1col-clean', font: 'DejaVu Serif', size: 22, columns: 1 },
  { name: 'libserif23-2col-clean', font: 'Liberation Serif', size: 23, columns: 2 },
  { name: 'sans21-1col-rot1.5-jpeg70', font: 'Liberation Sans', size: 21, columns: 1, rotate: 1.5, jpegQuality: 70 },
  { name: 'dvsans20-2col-rot-2.5-noise-jpeg60', font: 'DejaVu Sans', size: 20, columns: 2, rotate: -2.5, noise: 6, jpegQuality: 60 },
  { name: 'libserif25-1col-blur0.8-jpeg75', font: 'Liberation Serif', size: 25, columns: 1, blur: 0.8, jpegQuality: 75 },
  { name: 'serif19-2col-rot3-blur-noise-jpeg55', font: 'DejaVu Serif', size: 19, columns: 2, rotate: 3, blur: 0.6, noise: 10, jpegQuality: 55 },
  { name: 'sans24-1col-rot-3-noise12', font: 'Liberation Sans', size: 24, columns: 1, rotate: -3, noise: 12 },
  { name: 'mono20-1col-blur1-jpeg50', font: 'DejaVu Sans Mono', size: 20, columns: 1, blur: 1, jpegQuality: 50 },
  { name: 'sans18-2col-jpeg80', font: 'Liberation Sans', size: 18, columns: 2, jpegQuality: 80 },
  { name: 'serif28-1col-rot0.7-noise-jpeg65', font: 'DejaVu Serif', size: 28, columns: 1, rotate: 0.7, noise: 8, jpegQuality: 65 },
];

/** Builds the pages; `limit` keeps only the first N variants (for quick runs). */
export async function buildEvalPages(limit = VARIANTS.length): Promise<EvalPage[]> {
  const pages: EvalPage[] = [];
  for (const [i, v] of VARIANTS.slice(0, limit).entries()) {
    // Rotate through the texts so pages differ; repeat them so two-column pages fill up.
    const paragraphs = Array.from({ length: 10 }, (_, k) => PROSE[(i + k) % PROSE.length]!);
    const { name, ...style } = v;
    const spec: SynthPageSpec = { ...style, paragraphs, width: 1275, height: 1650, seed: 1000 + i };
    pages.push({ name, spec, ...(await synthPage(spec)) });
  }
  return pages;
}
