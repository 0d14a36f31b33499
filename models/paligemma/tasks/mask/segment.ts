// Segmentation objects (box + 16 codebook indices, from parse.ts) → COCO RLE masks over the image, with the VQ-VAE
// decoder loaded once per checkpoint file. Where the app keeps that file, and how one is imported, live here too.
//
// The decoder runs as an ONNX graph on onnxruntime, one intra-op thread (bench/mask: 40–90× faster than the
// TypeScript decoder on the 2-core build machine, 2–6 ms a mask; the session costs 25–180 ms once per file, the first
// in a process including onnxruntime's start-up). The TypeScript decoder is the fallback when onnxruntime cannot
// create the session.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOnnxMaskDecoder } from './decoder-onnx';
import { MAX_NPZ_BYTES } from './npz';
import { decodeMasks } from './decoder-ts';
import { objectMask, type CocoRle, type ImageSize, type PixelBox } from './mask';
import { CODES_PER_MASK, NUM_CODES, loadVaeWeights } from './vae-weights';

/** The file name big_vision publishes the checkpoint under, and the one the app keeps. */
export const VAE_FILE_NAME = 'vae-oid.npz';

export interface SegmentObject { box: [number, number, number, number]; seg?: number[] }
export interface SegmentMaskResult { rle: CocoRle; area: number }
export interface DecodedSegments { masks: (SegmentMaskResult | null)[]; warnings: string[] }

export interface MaskDecoder {
  readonly backend: 'onnx' | 'typescript';
  /** Why the TypeScript fallback is in use (onnxruntime's error), for the log. */
  readonly fallbackReason?: string;
  decode(codes: number[][]): Promise<Float32Array[]>;
}

/** Decoders cached per file; a file replaced on disk (new size or mtime) is loaded again. */
const decoders = new Map<string, { stamp: string; decoder: Promise<MaskDecoder> }>();

function stampOf(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

async function makeDecoder(path: string): Promise<MaskDecoder> {
  const weights = loadVaeWeights(path); // throws naming the path
  try {
    const onnx = await createOnnxMaskDecoder(weights);
    return { backend: 'onnx', decode: (codes) => onnx.decode(codes) };
  } catch (e) {
    return { backend: 'typescript', fallbackReason: (e as Error).message, decode: async (codes) => decodeMasks(weights, codes) };
  }
}

/** The decoder for a checkpoint file, loaded on first use and cached. Rejects with an Error naming the path. */
export function maskDecoderFor(vaePath: string): Promise<MaskDecoder> {
  const stamp = stampOf(vaePath);
  const hit = decoders.get(vaePath);
  if (hit && hit.stamp === stamp) return hit.decoder;
  const decoder = makeDecoder(vaePath);
  decoders.set(vaePath, { stamp, decoder });
  // A failed load is not cached: the user may fix the file and try again.
  decoder.catch(() => { if (decoders.get(vaePath)?.decoder === decoder) decoders.delete(vaePath); });
  return decoder;
}

function problem(o: SegmentObject | null | undefined): string | null {
  if (!o || !Array.isArray(o.box) || o.box.length !== 4 || !o.box.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return 'has no valid box';
  }
  if (o.seg === undefined) return 'has no seg codes (4 loc tokens without the 16 <segNNN> tokens)';
  if (!Array.isArray(o.seg) || o.seg.length !== CODES_PER_MASK) return `has ${Array.isArray(o.seg) ? o.seg.length : 'no'} seg codes, need ${CODES_PER_MASK}`;
  const bad = o.seg.find((c) => !Number.isInteger(c) || c < 0 || c >= NUM_CODES);
  if (bad !== undefined) return `has seg code ${bad} outside 0…${NUM_CODES - 1}`;
  return null;
}

/**
 * One mask per object, in order; `null` (with a warning naming the object) where an object has no usable box or seg
 * codes. Never throws for bad objects. Rejects with an Error naming `vaePath` when the checkpoint is missing or
 * corrupt — only if some object needs it.
 */
export async function decodeSegments(objects: SegmentObject[], imageSize: ImageSize, vaePath: string): Promise<DecodedSegments> {
  const warnings: string[] = [];
  const masks: (SegmentMaskResult | null)[] = objects.map(() => null);
  if (!(Number.isInteger(imageSize.width) && Number.isInteger(imageSize.height) && imageSize.width > 0 && imageSize.height > 0)) {
    warnings.push(`image size ${imageSize.width}×${imageSize.height} is not positive whole pixels; no masks`);
    return { masks, warnings };
  }
  const todo: number[] = [];
  objects.forEach((o, i) => {
    const why = problem(o);
    if (why) warnings.push(`object ${i + 1}: ${why}; no mask`);
    else todo.push(i);
  });
  if (todo.length === 0) return { masks, warnings };

  const decoder = await maskDecoderFor(vaePath);
  const logits = await decoder.decode(todo.map((i) => objects[i]!.seg!));
  todo.forEach((i, k) => {
    const m = objectMask(logits[k]!, objects[i]!.box as PixelBox, imageSize);
    if (m.area === 0) warnings.push(`object ${i + 1}: the decoded mask is empty inside its box`);
    masks[i] = m;
  });
  return { masks, warnings };
}

/** Where the app keeps the checkpoint: `<modelsDir>/vae-oid.npz`, or null when it is not there. */
export function findVae(modelsDir: string): string | null {
  const p = join(modelsDir, VAE_FILE_NAME);
  try {
    return statSync(p).isFile() ? p : null;
  } catch {
    return null;
  }
}

/**
 * Checks `src` is a usable VQ-VAE checkpoint (every decoder tensor present with the right shape), then copies it to
 * `<modelsDir>/vae-oid.npz` through a temporary file and a rename, so a reader never sees a partial file and a bad
 * file never replaces a good one. Returns the destination path.
 */
export function importVae(src: string, modelsDir: string): string {
  let bytes: Uint8Array;
  try {
    const size = statSync(src).size;
    if (size > MAX_NPZ_BYTES) throw new Error(`${src}: ${(size / 2 ** 30).toFixed(1)} GiB is too large for a VQ-VAE checkpoint`);
    bytes = readFileSync(src);
  } catch (e) {
    if (!(e as NodeJS.ErrnoException).code) throw e;
    throw new Error(`${src}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read (${(e as Error).message})`}`);
  }
  return importVaeBytes(bytes, src, modelsDir);
}

/** The same for a file's bytes (a file the person picked in the app); `src` names it in messages. */
export function importVaeBytes(bytes: Uint8Array, src: string, modelsDir: string): string {
  if (bytes.byteLength > MAX_NPZ_BYTES) throw new Error(`${src}: ${(bytes.byteLength / 2 ** 30).toFixed(1)} GiB is too large for a VQ-VAE checkpoint`);
  // Validate the bytes we copy (not the path again), so a file changed meanwhile cannot slip through.
  loadVaeWeights(bytes, src); // throws naming src and the tensor
  mkdirSync(modelsDir, { recursive: true });
  const dest = join(modelsDir, VAE_FILE_NAME);
  const tmp = join(modelsDir, `.${VAE_FILE_NAME}.${process.pid}.${Date.now()}.part`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Error(`importing ${src} into ${modelsDir}: ${(e as Error).message}`);
  }
  return dest;
}
