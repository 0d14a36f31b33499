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
