// A small hand-built OCR result (two blocks, special characters) for export tests.
import type { OcrLine, OcrPage, Quad } from '../types';

const q = (x: number, y: number, w: number, h: number): Quad => [[x, y], [x + w, y], [x + w, y + h], [x, y + h]];

function line(text: string, x: number, y: number, block: number): OcrLine {
  const words = text.split(' ');
  const charW = 12;
  let cx = x;
  const ws = words.map((w, i) => {
    const box = q(cx, y, w.length * charW, 24);
    cx += (w.length + 1) * charW;
    return { text: w, confidence: 0.9 - i * 0.01, box };
  });
  return { text, confidence: 0.88, box: q(x, y, text.length * charW, 24), words: ws, block };
}

export function fixturePage(): OcrPage {
  return {
    width: 800,
    height: 400,
    lines: [
      line('Tom & Jerry <say> "hi"', 50, 40, 0),
      line('second line here', 50, 70, 0),
      line('Another block', 450, 40, 1),
    ],
    rotationHint: 0,
    timings: { total: 1 },
  };
}
