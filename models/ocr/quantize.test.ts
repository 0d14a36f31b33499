import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOcrEngine } from './engine';
import { optimizeOcrGraph } from './graph-rewrite';
import int8Calibration from './int8-ranges.json';
import { MODEL_FILES, defaultOcrModelDir } from './model-dir';
import { calibrationTensors, int8PerChannel, quantizeRecognizer, sha256, uint8Params, type Int8Calibration } from './quantize';
import { PROSE } from './testing/prose';
import { synthPage } from './testing/synth';
import { ModelProtoType } from '../onnx/proto';
import { editDistance } from '../eval/edit-distance';

const table = int8Calibration as Int8Calibration;
let original: Uint8Array;
let floatGraph: Uint8Array;
/** Recognizer inputs of one generated page, cut as the engine cuts them. */
const lines: { data: Float32Array; dims: number[] }[] = [];

beforeAll(async () => {
  original = await readFile(path.join(defaultOcrModelDir({}), MODEL_FILES.rec));
  floatGraph = optimizeOcrGraph(original).bytes;
  const engine = await createOcrEngine({ threads: 2, recLanes: 1, int8: false, onRecognizerInput: (data, dims) => lines.push({ data: data.slice(), dims: [...dims] }) });
  const page = await synthPage({ paragraphs: PROSE.slice(0, 3), width: 900, height: 500, font: 'Liberation Serif', size: 21, columns: 1, seed: 3 });
  await engine.recognize(page.image);
  await engine.dispose();
}, 120_000);

/**
 * Each line as plain CTC reads it: the best class per time step, repeats merged, blanks (class 0) dropped, and the
 * space class (the last) dropped too — this recognizer's own spaces come and go at near-ties whatever the precision,
 * which is why the engine places word spaces from the gaps in the line (spacing.ts) rather than from that class.
 */
async function readLines(bytes: Uint8Array): Promise<number[][]> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const read: number[][] = [];
  for (const { data, dims } of lines) {
    const t = (await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', data, dims) }))[s.outputNames[0]!]!;
    const [batch, steps, classes] = t.dims as [number, number, number];
    const p = t.data as Float32Array;
    for (let b = 0; b < batch; b++) {
      const ids: number[] = [];
      let prev = -1;
      for (let row = b * steps; row < (b + 1) * steps; row++) {
        let k = 0;
        for (let c = 1; c < classes; c++) if (p[row * classes + c]! > p[row * classes + k]!) k = c;
        if (k !== prev && k !== 0 && k !== classes - 1) ids.push(k);
        prev = k;
      }
      read.push(ids);
    }
  }
  await s.release();
  return read;
}

describe('int8 recognizer', () => {
  it('the shipped calibration is for the shipped recognizer and covers every convolution it quantizes', () => {
    // Fails when the model package changes without a new calibration (npx tsx models/ocr/int8-calibrate.ts).
    expect(table.modelSha256).toBe(sha256(original));
    expect(Object.keys(table.ranges).sort()).toEqual(calibrationTensors(floatGraph).sort());
  });

  it('reads a page\'s lines as the float recognizer does, to within 1 % of the characters (spaces aside)', async () => {
    const q = quantizeRecognizer(floatGraph, table.ranges);
    const model = ModelProtoType.decode(q) as unknown as { opset_import: { version: number }[]; graph: { node: { op_type: string }[] } };
    expect(Number(model.opset_import[0]!.version)).toBe(14);
    expect(model.graph.node.filter((n) => n.op_type === 'HardSwish').length).toBeGreaterThan(20);
    expect(model.graph.node.filter((n) => n.op_type === 'QuantizeLinear')).toHaveLength(2 * 24);
    const [a, b] = await Promise.all([readLines(floatGraph), readLines(q)]);
    const chars = a.reduce((n, l) => n + l.length, 0);
    expect(chars).toBeGreaterThan(300);
    // Characters that differ between the float and the int8 reading of the same lines: under 1 %.
    const edits = a.reduce((n, l, i) => n + editDistance(l.map(String), b[i]!.map(String)), 0);
    expect(edits / chars).toBeLessThan(0.01);
  });

  it('refuses a convolution without a calibrated range, naming it', () => {
    const ranges = { ...table.ranges };
    const [first] = calibrationTensors(floatGraph);
    delete ranges[first!];
    expect(() => quantizeRecognizer(floatGraph, ranges)).toThrow(new RegExp(`no calibrated range for convolution .*\\(${first}\\)`));
  });

  it('refuses a graph with an op whose meaning the opset upgrade could change', () => {
    const model = ModelProtoType.decode(floatGraph) as unknown as { graph: { node: { op_type: string }[] } };
    model.graph.node.find((n) => n.op_type === 'Sigmoid')!.op_type = 'Upsample';
    expect(() => quantizeRecognizer(ModelProtoType.encode(model as never).finish(), table.ranges)).toThrow(/ops the int8 rewrite does not handle: Upsample/);
  });

  it('scales: uint8 covers the range and zero exactly; int8 weights are symmetric per output channel', () => {
    const p = uint8Params({ min: -1, max: 3 });
    expect(p.scale).toBeCloseTo(4 / 255);
    expect(p.zero).toBe(64);
    expect(uint8Params({ min: 0.5, max: 2 }).zero).toBe(0);
    const { q, scales } = int8PerChannel(Float32Array.of(1, -0.6, 0.25, 0.02, -0.04, 0.01), 2);
    expect([...scales].map((s) => s * 127)).toEqual([expect.closeTo(1, 6), expect.closeTo(0.04, 6)]);
    expect([...q]).toEqual([127, -76, 32, 64, -127, 32]);
  });
});
