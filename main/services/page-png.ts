// A rendered page (raw RGB from the document loader) as PNG bytes for the engine host: the PaliGemma
// engine takes encoded images, like the CLI, so the app and the CLI preprocess the same way.
// Lossless, and fast compression: the bytes only travel to another process on this machine.
import sharp from 'sharp';
import type { RawImage } from '../../models/ocr/types';

/** The page, or the part of it in `crop` (page pixels; the caller checked it lies on the page). */
export async function encodePagePng(image: RawImage, crop?: { x: number; y: number; width: number; height: number }): Promise<Uint8Array> {
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  if (crop) pipeline = pipeline.extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height });
  const png = await pipeline
    .png({ compressionLevel: 1 })
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
