/** Shared by the documents test files: fixture location and pixel probes. */
import { fileURLToPath } from 'node:url';
import { makeFixtures } from '../../e2e/fixtures/make-fixtures';
import type { RawImage } from './types';

/** Generated fixtures live in the gitignored .cache so runs reuse them. */
export const FIXTURE_DIR = fileURLToPath(new URL('../../.cache/fixtures', import.meta.url));

export function fixtures(): ReturnType<typeof makeFixtures> {
  return makeFixtures(FIXTURE_DIR);
}

export function pixel(img: RawImage, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * 3;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
}

/** Mean brightness; distinguishes a blank render from one with content. */
export function darkPixelShare(img: RawImage, threshold = 128): number {
  let dark = 0;
  for (let i = 0; i < img.data.length; i += 3) {
    if ((img.data[i]! + img.data[i + 1]! + img.data[i + 2]!) / 3 < threshold) dark++;
  }
  return dark / (img.width * img.height);
}

/** Largest gap between 5 ms interval ticks while `work` runs: how long the
 *  calling thread's event loop was blocked. */
export async function maxEventLoopGap<T>(work: () => Promise<T>): Promise<{ gap: number; ms: number; result: T }> {
  let last = performance.now();
  let gap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 5);
  const t0 = performance.now();
  try {
    const result = await work();
    const ms = performance.now() - t0;
    gap = Math.max(gap, performance.now() - last);
    return { gap, ms, result };
  } finally {
    clearInterval(timer);
  }
}
