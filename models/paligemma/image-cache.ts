// Vision features cached per (model, image content, resolution), so asking a second question about the same page
// skips preprocessing and the vision encoder (the most expensive part of a short prompt at 448/896 px).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ByteLru } from '../runtime/lru';

export interface CachedFeatures { features: Float32Array; width: number; height: number }

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Decoded pixels, as the document loader renders a page: interleaved RGB, row by row. */
export interface RawPixels { data: Uint8Array; width: number; height: number; channels: 3 }
/** An image for the engine: encoded bytes, a file path, or decoded pixels (no encode and decode round trip). */
export type ImageInput = Buffer | string | RawPixels;

/** The image and its hash; paths are read once here so hashing and decoding see the same content. */
export async function loadImageBytes(image: ImageInput): Promise<{ bytes: Buffer | RawPixels; hash: string }> {
  if (typeof image === 'object' && !Buffer.isBuffer(image)) {
    // The size is part of the content: the same bytes at another width are another image.
    const hash = createHash('sha256').update(`${image.width}x${image.height}x${image.channels}:`).update(image.data).digest('hex');
    return { bytes: image, hash };
  }
  const bytes = typeof image === 'string' ? await readFile(image) : image;
  return { bytes, hash: contentHash(bytes) };
}

export class ImageFeatureCache {
  private readonly lru: ByteLru<CachedFeatures>;
  constructor(maxBytes: number) { this.lru = new ByteLru(maxBytes); }

  static key(modelKey: string, hash: string, resolution: number): string { return `${modelKey}|${resolution}|${hash}`; }

  get(key: string): CachedFeatures | undefined { return this.lru.get(key); }
  set(key: string, v: CachedFeatures): void { this.lru.set(key, v, v.features.byteLength); }
  clear(): void { this.lru.clear(); }
  get stats(): { entries: number; bytes: number; hits: number; misses: number } {
    return { entries: this.lru.size, bytes: this.lru.bytes, hits: this.lru.hits, misses: this.lru.misses };
  }
}
