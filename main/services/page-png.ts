// A rendered page (raw RGB from the document loader) as PNG bytes for the engine host: the PaliGemma
// engine takes encoded images, like the CLI, so the app and the CLI preprocess the same way.
// Lossless, and fast compression: the bytes only travel to another process on this machine.
import sharp from 'sharp';
import type { RawImage } from '../../models/ocr/types';

export async function encodePagePng(image: RawImage): Promise<Uint8Array> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .png({ compressionLevel: 1 })
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
