// A reviewed value → the suffix of its training example, with the inverse serializers beside the task parsers
// (models/paligemma/tasks/*serialize*). Boxes are written relative to the image the example shows: the page, or for a
// run on a region the region, since that crop is what the model saw.
import { SerializeError, serializeBoxes, serializeSegments, serializeText, serializeVerdict } from '../paligemma/tasks/serialize';
import { serializeTable } from '../paligemma/tasks/table/serialize-table';
import { serializeSmiles } from '../paligemma/tasks/molecule/serialize-smiles';
import { serializeBekern } from '../paligemma/tasks/music/serialize-bekern';
import { cropRle, encodeSegments, type DecodeCodes } from '../paligemma/tasks/mask/segment-encode';
import type { CocoRle } from '../paligemma/tasks/mask/mask';
import type { VaeEncoderWeights } from '../paligemma/tasks/mask/vae-encoder-weights';
import type { BoxesValue, TaskValue } from './values';

export interface Size { width: number; height: number }
export interface Region { x: number; y: number; width: number; height: number }

/** The VQ-VAE for segmentation suffixes: the encoder writes the codes, the decoder measures their IoU. */
export interface SegmentCodec { encoder: VaeEncoderWeights; decode: DecodeCodes }

export interface Suffix {
  suffix: string;
  /** segment: per object, the IoU of the reviewed mask and the mask its 16 codes decode to. */
  maskIou?: number[];
}

/** Row-major 0/1 map → column-major COCO RLE. */
function bitmapToRle(bits: Float32Array, w: number, h: number): CocoRle {
  const counts: number[] = [];
  let v = 0, run = 0;
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      const b = bits[y * w + x]! > 0 ? 1 : 0;
      if (b !== v) { counts.push(run); v = b; run = 0; }
      run++;
    }
  }
  counts.push(run);
  return { size: [h, w], counts };
}

/** Objects moved into the region's pixels; a box outside the region cannot be written for it. */
function inRegion(objects: BoxesValue['objects'], region: Region | null): BoxesValue['objects'] {
  if (!region) return objects;
  const tol = 0.5;
  return objects.map((o, i) => {
    const [x0, y0, x1, y1] = o.box;
    if (x0 < region.x - tol || y0 < region.y - tol || x1 > region.x + region.width + tol || y1 > region.y + region.height + tol) {
      throw new SerializeError(`object ${i + 1} (${o.label || 'no label'}) lies outside the region the model saw`);
    }
    const clamp = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
    const box: [number, number, number, number] = [clamp(x0 - region.x, region.width), clamp(y0 - region.y, region.height), clamp(x1 - region.x, region.width), clamp(y1 - region.y, region.height)];
    const mask = o.mask ? { ...o.mask, rle: bitmapToRle(cropRle(o.mask.rle, region.x, region.y, region.x + region.width, region.y + region.height), region.width, region.height) } : o.mask;
    return { ...o, box, mask };
  });
}

/**
 * The suffix for a reviewed value. `page` is the size of the page in the store's pixels (what boxes are measured in);
 * `region` the part of it the model saw, if any. Throws SerializeError when the value cannot be written faithfully.
 */
export async function makeSuffix(v: TaskValue, page: Size, region: Region | null, codec: SegmentCodec | null): Promise<Suffix> {
  switch (v.task) {
    case 'caption': case 'describe': case 'answer': case 'ocr': case 'report':
      return { suffix: serializeText(v.text) };
    case 'vsr':
      return { suffix: serializeVerdict(v.answer) };
    case 'detect': case 'ocr-boxes': {
      const size = region ?? { width: v.boxes.width ?? page.width, height: v.boxes.height ?? page.height };
      return { suffix: serializeBoxes(v.task, inRegion(v.boxes.objects, region), size) };
    }
    case 'segment': {
      if (!codec) throw new SerializeError('segmentation needs the VQ-VAE (vae-oid.npz) to encode its masks');
      const size = region ?? { width: v.boxes.width ?? page.width, height: v.boxes.height ?? page.height };
      const objects = inRegion(v.boxes.objects, region).map((o, i) => {
        if (!o.mask) throw new SerializeError(`object ${i + 1} (${o.label || 'no label'}) has no mask (a box moved or drawn in review keeps only its box)`);
        return { label: o.label, box: o.box, mask: o.mask.rle };
      });
      let encoded;
      try {
        encoded = await encodeSegments(objects, { width: Math.round(size.width), height: Math.round(size.height) }, codec.encoder, codec.decode);
      } catch (e) {
        if (e instanceof RangeError) throw new SerializeError(e.message);
        throw e;
      }
      return { suffix: serializeSegments(encoded), maskIou: encoded.map((e) => e.iou ?? 0) };
    }
    case 'table':
      return { suffix: serializeTable({ ...v.table, warnings: v.table.warnings ?? [] }) };
    case 'molecule':
      return { suffix: serializeSmiles({ ...v.molecule, error: v.molecule.error ?? null }) };
    case 'music':
      if (!v.music.valid) throw new SerializeError('the score is not valid **kern');
      return { suffix: serializeBekern(v.music.kern) };
  }
}
