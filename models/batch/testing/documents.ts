// Small documents for the batch tests: a three-page TIFF (each page its own colour and size) and a bad file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

export async function threePageTiff(path: string): Promise<void> {
  const pages = await Promise.all(
    ['#ffffff', '#ffeecc', '#cceeff'].map((background) => sharp({ create: { width: 300, height: 400, channels: 3, background } }).png().toBuffer()),
  );
  writeFileSync(path, await sharp(pages, { join: { animated: true } }).tiff({ compression: 'lzw' }).toBuffer());
}

/** A folder with a three-page TIFF, a one-page PNG and a file that only claims to be a PNG. */
export async function batchFolder(dir: string): Promise<{ tiff: string; png: string; bad: string }> {
  const tiff = join(dir, 'letters.tiff');
  await threePageTiff(tiff);
  const png = join(dir, 'note.png');
  writeFileSync(png, await sharp({ create: { width: 200, height: 120, channels: 3, background: '#f4f4f0' } }).png().toBuffer());
  const bad = join(dir, 'broken.png');
  writeFileSync(bad, 'This is a text file saved with a .png extension.\n');
  return { tiff, png, bad };
}
