import * as ort from 'onnxruntime-node';
import { GraphBuilder, encodeModel } from '../builder';
import { Rng } from '../rng';
import { WeightEmitter } from '../convert/emit';
import { quantizeInt8PerColumn } from '../convert/quant';
const N = 16, K = 40, M = 2;
const W = new Rng(3).fillUniform(new Float32Array(N * K), 1), x = new Rng(4).fillUniform(new Float32Array(M * K), 1);
const g = new GraphBuilder('lin');
const e = new WeightEmitter(g, { dtype: 'int8', q4Block: 32, embedDtype: 'fp32' });
g.output('y', 'FLOAT', [1, M, N], e.linear(g.input('x', 'FLOAT', [1, M, K]), 'w', W, N, K));
const { q, scale } = quantizeInt8PerColumn(W, N, K);
let want = 0; for (let k = 0; k < K; k++) want += x[k]! * q[k * N]! * scale[0]!;
for (const lvl of ['disabled', 'basic', 'extended', 'all'] as const) {
  const s = await ort.InferenceSession.create(encodeModel(g), { graphOptimizationLevel: lvl, logSeverityLevel: 3 });
  const y = (await s.run({ x: new ort.Tensor('float32', x, [1, M, K]) })).y!.data as Float32Array;
  console.log(lvl, y[0], want);
}
