// Loading the OCR models into onnxruntime sessions: read, rewritten (graph-rewrite.ts), and for the built-in
// recognizer made int8 (quantize.ts); and finding how many classes a recognizer reads. Kept apart from engine.ts,
// which only runs sessions.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { optimizeOcrGraph } from './graph-rewrite';
import int8Calibration from './int8-ranges.json';
import { quantizeRecognizer, sha256, type Int8Calibration } from './quantize';
import { ocrSessionOptions } from './session-options';
import type { EngineOptions } from './types';

/** The recognizer's input height, and PP-OCR's minimum batch width (its training width). */
export const REC_H = 48;
export const REC_MIN_W = 320;

/** The model's bytes as this engine runs them: read (unless given) and rewritten (graph-rewrite.ts). */
async function engineGraph(file: string, log?: EngineOptions['logger'], contents?: Uint8Array): Promise<Uint8Array> {
  try {
    const { bytes, fused, folded } = optimizeOcrGraph(contents ?? (await readFile(file)));
    if (fused || folded) log?.debug?.(`ocr: ${path.basename(file)}: ${fused} hard-swish activations fused, ${folded} affine pairs folded into convolutions`);
    return bytes;
  } catch (err) {
    throw new Error(`cannot load OCR model ${file}: ${(err as Error).message}`);
  }
}

async function loadSession(file: string, bytes: Uint8Array, threads: number, spin: boolean): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, ocrSessionOptions(threads, spin));
  } catch (err) {
    throw new Error(`cannot load OCR model ${file}: ${(err as Error).message}`);
  }
}

export async function loadModel(file: string, threads: number, spin: boolean, log?: EngineOptions['logger'], contents?: Uint8Array): Promise<{ session: ort.InferenceSession; bytes: Uint8Array }> {
  const bytes = await engineGraph(file, log, contents);
  return { session: await loadSession(file, bytes, threads, spin), bytes };
}

/**
 * The recognizer: rewritten, then with int8 convolutions when the calibration table was measured on this very file
 * (quantize.ts). Any other recognizer — one a person chose — runs in float.
 */
export async function loadRecognizer(file: string, threads: number, spin: boolean, int8: boolean, log?: EngineOptions['logger'], contents?: Uint8Array): Promise<{ session: ort.InferenceSession; bytes: Uint8Array }> {
  let original: Uint8Array;
  try {
    original = contents ?? (await readFile(file));
  } catch (err) {
    throw new Error(`cannot load OCR model ${file}: ${(err as Error).message}`);
  }
  let bytes = await engineGraph(file, log, original);
  const table = int8Calibration as Int8Calibration;
  if (int8 && sha256(original) === table.modelSha256) {
    bytes = quantizeRecognizer(bytes, table.ranges);
    log?.debug?.(`ocr: ${path.basename(file)}: int8 convolutions (${Object.keys(table.ranges).length} calibrated activations)`);
  }
  return { session: await loadSession(file, bytes, threads, spin), bytes };
}

/** Class count of a recognizer that does not declare it: one run on a blank minimum-width line. */
export async function probeClasses(session: ort.InferenceSession): Promise<number> {
  const blank = new ort.Tensor('float32', new Float32Array(3 * REC_H * REC_MIN_W), [1, 3, REC_H, REC_MIN_W]);
  const out = (await session.run({ [session.inputNames[0]!]: blank }))[session.outputNames[0]!]!;
  const dims = out.dims as number[];
  if (dims.length !== 3) throw new Error(`its output has shape [${dims.join(', ')}], not [batch, steps, classes]`);
  return dims[2]!;
}

/** Static class count of a recognizer's output (last dimension), when the model declares it. */
export function recognizerClasses(session: ort.InferenceSession): number | undefined {
  const meta = (session as { outputMetadata?: readonly { isTensor: boolean; shape?: readonly (number | string)[] }[] }).outputMetadata?.[0];
  const last = meta && meta.isTensor ? meta.shape?.[meta.shape.length - 1] : undefined;
  return typeof last === 'number' ? last : undefined;
}
