// The evaluation sets, generated deterministically with their ground truth (no downloaded data):
// A4 pages at 150 DPI (1240×1754) of public-domain English prose in ten fonts at 17–24 px, one
// and two columns —
//   clean:    as rendered;
//   degraded: the same kind of pages with the defects of poor office scans (skew, blur, sensor
//             noise, JPEG compression, low contrast), a different mix on each page;
//   scripts:  accented Latin, Greek and Cyrillic prose, clean, for per-script CER.
import { PROSE, SCRIPT_PROSE, type Script } from '../../models/ocr/testing/prose';
import { synthPage, type SynthPage, type SynthPageSpec } from '../../models/ocr/testing/synth';

export type PageSet = 'clean' | 'degraded' | 'scripts';

export interface EvalPage extends SynthPage {
  set: PageSet;
  name: string;
  spec: SynthPageSpec;
  script?: Script;
}

type Style = Omit<SynthPageSpec, 'paragraphs' | 'width' | 'height'>;

const FONTS: readonly [string, number, 1 | 2][] = [
  ['DejaVu Serif', 20, 1],
  ['Liberation Serif', 21, 2],
  ['Liberation Sans', 19, 1],
  ['DejaVu Sans', 18, 2],
  ['Liberation Sans Narrow', 22, 1],
  ['DejaVu Sans Condensed', 19, 2],
  ['DejaVu Serif Condensed', 20, 1],
  ['Liberation Mono', 18, 1],
  ['DejaVu Sans Light', 21, 2],
  ['DejaVu Sans Mono', 17, 2],
];

/** One scan defect mix per page: every defect appears on several pages. */
const DEFECTS: readonly (Partial<Style> & { tag: string })[] = [
  { tag: 'rot1.5-jpeg60', rotate: 1.5, jpegQuality: 60 },
  { tag: 'blur0.8-noise8', blur: 0.8, noise: 8 },
  { tag: 'lowcontrast-jpeg70', ink: 120, paper: 215, jpegQuality: 70 },
  { tag: 'rot-2.5-noise10-jpeg55', rotate: -2.5, noise: 10, jpegQuality: 55 },
  { tag: 'blur1-jpeg50', blur: 1, jpegQuality: 50 },
  { tag: 'rot3-lowcontrast', rotate: 3, ink: 100, paper: 200 },
  { tag: 'noise14', noise: 14 },
  { tag: 'rot-1-blur0.6-noise6-jpeg65', rotate: -1, blur: 0.6, noise: 6, jpegQuality: 65 },
  { tag: 'lowcontrast-blur0.7-noise6', ink: 110, paper: 225, blur: 0.7, noise: 6 },
  { tag: 'rot2-jpeg45', rotate: 2, jpegQuality: 45 },
];

const SCRIPT_FONTS: Record<Script, [string, number]> = {
  'latin-ext': ['DejaVu Serif', 20],
  greek: ['Liberation Sans', 20],
  cyrillic: ['DejaVu Sans', 19],
};

const slug = (font: string) => font.toLowerCase().replace(/[^a-z]+/g, '');
const WIDTH = 1240;
const HEIGHT = 1754;

/** Builds the pages of the chosen sets; `limit` keeps the first N pages of each set. */
export async function buildEvalPages(sets: readonly PageSet[], limit = Infinity): Promise<EvalPage[]> {
  const pages: EvalPage[] = [];
  const add = async (set: PageSet, name: string, style: Style, paragraphs: readonly string[], script?: Script) => {
    const spec: SynthPageSpec = { ...style, paragraphs, width: WIDTH, height: HEIGHT };
    pages.push({ set, name, spec, ...(script ? { script } : {}), ...(await synthPage(spec)) });
  };
  // Rotate through the texts so pages differ; repeat them so the page fills up.
  const prose = (i: number) => Array.from({ length: 16 }, (_, k) => PROSE[(i + k) % PROSE.length]!);
  for (const set of ['clean', 'degraded'] as const) {
    if (!sets.includes(set)) continue;
    for (const [i, [font, size, columns]] of FONTS.slice(0, limit).entries()) {
      const defect = set === 'degraded' ? DEFECTS[i % DEFECTS.length]! : undefined;
      const { tag, ...damage } = defect ?? { tag: 'clean' };
      await add(set, `${slug(font)}${size}-${columns}col-${tag}`, { font, size, columns, seed: 1000 + i, ...damage }, prose(i + (set === 'degraded' ? 3 : 0)));
    }
  }
  if (sets.includes('scripts')) {
    for (const script of (Object.keys(SCRIPT_FONTS) as Script[]).slice(0, limit)) {
      const [font, size] = SCRIPT_FONTS[script];
      const paragraphs = Array.from({ length: 6 }, (_, k) => SCRIPT_PROSE[script][k % SCRIPT_PROSE[script].length]!);
      await add('scripts', `${script}-${slug(font)}${size}`, { font, size, columns: 1, seed: 7 }, paragraphs, script);
    }
  }
  return pages;
}
