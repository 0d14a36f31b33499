// Synthetic scanned pages with known text: SVG text rendered by sharp (librsvg), then optionally
// rotated, blurred, noised and JPEG-compressed like a 150-DPI office scan. Used by the tests and
// by bench/ocr. Wrapping uses a conservative per-font character width estimate, so ground truth
// is exactly the lines as drawn.
import sharp from 'sharp';
import type { RawImage } from '../types';
import { seededRandom } from '../../runtime/sampler';

export interface SynthPageSpec {
  paragraphs: readonly string[];
  width: number;
  height: number;
  font: string;
  /** Font size in px (150 DPI: 10 pt ≈ 21 px). */
  size: number;
  columns: 1 | 2;
  /** Degrees, positive = clockwise. */
  rotate?: number;
  blur?: number;
  /** Standard deviation of additive Gaussian noise, in grey levels. */
  noise?: number;
  jpegQuality?: number;
  /** Grey levels of the ink and the paper (default 17 and 255); closer together = low contrast. */
  ink?: number;
  paper?: number;
  seed?: number;
}

export interface SynthPage {
  image: RawImage;
  /** Lines in reading order; blocks (paragraphs/columns) separated by an empty string. */
  lines: string[];
  /** Plain text in reading order, blank line between blocks. */
  text: string;
}

/** Average advance width per em of each font family, measured generously so lines never overflow. */
const EM_WIDTH: Record<string, number> = {
  'DejaVu Sans': 0.6,
  'DejaVu Serif': 0.6,
  'Liberation Serif': 0.5,
  'Liberation Sans': 0.53,
  'DejaVu Sans Mono': 0.62,
  'DejaVu Sans Condensed': 0.55,
  'DejaVu Serif Condensed': 0.55,
  'DejaVu Sans Light': 0.6,
  'Liberation Sans Narrow': 0.45,
  'Liberation Mono': 0.62,
};

function wrap(text: string, maxChars: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (!word) continue;
    if (line && line.length + 1 + word.length > maxChars) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The sampler's seeded generator (mulberry32), so every generated page is reproducible. */
export const rng = seededRandom;

export async function synthPage(spec: SynthPageSpec): Promise<SynthPage> {
  const margin = Math.round(spec.width * 0.08);
  const gutter = Math.round(spec.size * 2.5);
  const colW = spec.columns === 2 ? (spec.width - 2 * margin - gutter) / 2 : spec.width - 2 * margin;
  const maxChars = Math.floor(colW / (spec.size * (EM_WIDTH[spec.font] ?? 0.62)));
  const lead = Math.round(spec.size * 1.45);
  const paraGap = lead;
  const maxY = spec.height - margin;
  const texts: string[] = [];
  const gtBlocks: string[][] = [];
  let col = 0;
  let y = margin + spec.size;
  outer: for (const para of spec.paragraphs) {
    const wrapped = wrap(para, maxChars);
    let block: string[] = [];
    for (const l of wrapped) {
      if (y > maxY) {
        if (block.length) gtBlocks.push(block);
        block = [];
        if (spec.columns === 2 && col === 0) {
          col = 1;
          y = margin + spec.size;
        } else break outer;
      }
      const x = margin + col * (colW + gutter);
      texts.push(`<text x="${x}" y="${y}">${esc(l)}</text>`);
      block.push(l);
      y += lead;
    }
    if (block.length) gtBlocks.push(block);
    y += paraGap;
  }
  const rot = spec.rotate ? ` transform="rotate(${spec.rotate} ${spec.width / 2} ${spec.height / 2})"` : '';
  const grey = (v: number) => `rgb(${v},${v},${v})`;
  const paper = grey(spec.paper ?? 255);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${spec.width}" height="${spec.height}"><rect width="100%" height="100%" fill="${paper}"/><g font-family="${esc(spec.font)}" font-size="${spec.size}" fill="${grey(spec.ink ?? 17)}"${rot}>${texts.join('')}</g></svg>`;
  let pipe = sharp(Buffer.from(svg)).flatten({ background: paper }).removeAlpha();
  if (spec.blur) pipe = pipe.blur(spec.blur);
  let { data, info } = await pipe.raw().toBuffer({ resolveWithObject: true });
  if (spec.noise) {
    const rand = rng(spec.seed ?? 1);
    const buf = Buffer.from(data);
    for (let i = 0; i < buf.length; i += 3) {
      // Box-Muller; the same offset on all three channels, like sensor luminance noise.
      const n = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand()) * spec.noise;
      for (let c = 0; c < 3; c++) buf[i + c] = Math.max(0, Math.min(255, buf[i + c]! + n));
    }
    data = buf;
  }
  if (spec.jpegQuality) {
    const jpeg = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: spec.jpegQuality }).toBuffer();
    ({ data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true }));
  }
  const image: RawImage = { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 };
  const lines = gtBlocks.flatMap((b, i) => (i ? ['', ...b] : b));
  return { image, lines, text: gtBlocks.map((b) => b.join('\n')).join('\n\n') };
}
