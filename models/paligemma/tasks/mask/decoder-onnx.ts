// The mask decoder as a small ONNX graph (Gather → Reshape/Transpose → Conv/Relu/Add → ConvTranspose → Conv), built
// in memory with the project's graph builder from the checked weights and run on onnxruntime-node. The graph is the
// decoder exactly as big_vision defines it (no folding), so it can also be saved and inspected (`saveMaskDecoderGraph`).
import * as ort from 'onnxruntime-node';
import { encodeModel, GraphBuilder } from '../../../onnx/builder';
import { checkCodes } from './decoder-ts';
import { CODES_PER_MASK, MASK_SIZE, NUM_CODES, type ConvLayer, type VaeWeights } from './vae-weights';

/** Builds the decoder graph: input `codes` int64 [N, 16], output `logits` float32 [N, 1, 64, 64]. */
export function buildMaskDecoderGraph(w: VaeWeights): Uint8Array {
  const g = new GraphBuilder('paligemma_vqvae_mask_decoder');
  const codes = g.input('codes', 'INT64', ['N', CODES_PER_MASK]);
  const emb = g.initializer('vq_vae.embedding', 'FLOAT', [NUM_CODES, w.embeddingDim], w.embedding);
  // [N, 16, D] → [N, 4, 4, D] (row-major grid, channels last, as big_vision) → NCHW.
  let x = g.transpose(g.reshape(g.gather(emb, codes, 0), [-1, 4, 4, w.embeddingDim]), [0, 3, 1, 2]);

  const params = (l: ConvLayer): [string, string] => [
    g.initializer(`${l.name}.weight`, 'FLOAT', l.shape, l.weight),
    g.initializer(`${l.name}.bias`, 'FLOAT', [l.bias.length], l.bias),
  ];
  const conv = (input: string, l: ConvLayer): string => {
    const k = l.shape[2], pad = (k - 1) / 2;
    return g.op('Conv', [input, ...params(l)], { kernel_shape: [k, k], pads: [pad, pad, pad, pad], strides: [1, 1] });
  };
  const relu = (v: string): string => g.op('Relu', [v]);

  x = relu(conv(x, w.conv0));
  for (const [a, b, c] of w.resBlocks) x = g.add(conv(relu(conv(relu(conv(x, a)), b)), c), x);
  for (const l of w.upsample) {
    // ONNX ConvTranspose weights are [in, out/group, kh, kw], PyTorch's layout; pads 1 ≡ PyTorch padding=1.
    x = relu(g.op('ConvTranspose', [x, ...params(l)], { kernel_shape: [4, 4], strides: [2, 2], pads: [1, 1, 1, 1] }));
  }
  g.output('logits', 'FLOAT', ['N', 1, MASK_SIZE, MASK_SIZE], conv(x, w.head));
  return encodeModel(g, { docString: `VQ-VAE mask decoder from ${w.source}` });
}

export interface OnnxMaskDecoder {
  decode(codes: number[][]): Promise<Float32Array[]>;
  release(): Promise<void>;
}

export interface OnnxDecoderOptions { intraOpThreads?: number }

/** Creates an onnxruntime session (CPU) for the decoder of these weights. */
export async function createOnnxMaskDecoder(w: VaeWeights, o: OnnxDecoderOptions = {}): Promise<OnnxMaskDecoder> {
  const session = await ort.InferenceSession.create(buildMaskDecoderGraph(w), {
    executionProviders: ['cpu'],
    intraOpNumThreads: o.intraOpThreads ?? 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
  return {
    async decode(codes) {
      checkCodes(codes);
      if (codes.length === 0) return [];
      const ids = BigInt64Array.from(codes.flat().map(BigInt));
      const feeds = { codes: new ort.Tensor('int64', ids, [codes.length, CODES_PER_MASK]) };
      const result = await session.run(feeds);
      const t = result.logits!;
      const all = t.data as Float32Array;
      const px = MASK_SIZE * MASK_SIZE;
      const out = codes.map((_, i) => all.slice(i * px, (i + 1) * px));
      t.dispose();
      return out;
    },
    release: () => session.release(),
  };
}
