// convertCheckpoint: HF PaliGemma safetensors → ONNX graphs, one tensor in memory at a time (plus the quantized or
// transposed copy being written). Large graphs put their weights in `<graph>.onnx_data`.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExternalDataSink, GraphBuilder, saveModel, MS_DOMAIN } from '../builder';
import { weightSpecs } from '../weights';
import { buildDecoderGraph, type DecoderOps } from './decoder-graph';
import { WeightEmitter, type EmitOptions } from './emit';
import { buildEmbedGraph } from './embed-graph';
import type { WeightDtype } from './quant';
import { CheckpointSource } from './source';
import { buildVisionGraph } from './vision-graph';

export type Layout = 'paliscope' | 'onnx-community';
export type Compute = 'precise' | 'fast';
export interface ConvertOptions {
  checkpointDir: string;
  outDir: string;
  dtype?: WeightDtype;
  layout?: Layout;
  /**
   * Block size of 4-bit MatMulNBits / int4 embedding blocks (32, 64 or 128). Default: 128 for the paliscope layout
   * (the fastest int8-activation kernel measured here, bench/vlm/ceiling.ts), 32 for onnx-community (the published q4).
   */
  q4Block?: number;
  /** Embedding table storage; default follows dtype (q4 → int4). */
  embedDtype?: EmitOptions['embedDtype'];
  /**
   * q4 matrix compute: 'fast' = MatMulNBits accuracy_level 4 (int8 activations, onnxruntime's int8 dot-product
   * kernels); 'precise' = fp32 compute on the dequantized weights. Default: 'fast' for the paliscope layout, 'precise'
   * for onnx-community (what the published q4 files do). Measured deviation: models/onnx/README.md.
   */
  compute?: Compute;
  /**
   * int8 matrices (paliscope layout): 'dynamic' (default) = DynamicQuantizeMatMul, onnxruntime's integer GEMM with the
   * activations quantized per tensor on each call (the fastest prefill kernel measured here); 'dequantize' = DequantizeLinear → MatMul (the onnx-community
   * layout always uses it: it is the published recipe's graph).
   */
  int8Kernel?: EmitOptions['int8Kernel'];
  /**
   * Matrix dtype of the vision tower and projector (paliscope layout), when it should differ from `dtype` — e.g. int8
   * matrices (fast prefill GEMM) under a q4 decoder. Default: `dtype`.
   */
  visionDtype?: WeightDtype;
  /** Decoder graph ops (paliscope layout): 'fused' (default; GroupQueryAttention + fused RMSNorms) or 'plain'. */
  decoderOps?: DecoderOps;
  /** 'auto': external data when a graph's weights may exceed ~1.5 GB. */
  externalData?: 'auto' | 'always' | 'never';
  /** Row-block size for streaming big matrices (default 64 MB); tests shrink it to exercise the block path. */
  rowBlockBytes?: number;
  log?: (msg: string) => void;
  /** Weights read so far out of all the graphs will read (the tied embedding table counts twice). */
  onProgress?: (p: { done: number; total: number; graph: string }) => void;
  signal?: AbortSignal;
  /**
   * Build only these graphs (default: all three). Callers that resume a long conversion graph by graph pass the ones
   * still missing; side files and paliscope.json are written every time.
   */
  graphs?: readonly GraphName[];
}
/** The three graphs, by their role (the onnx-community decoder file is decoder_model_merged). */
export const GRAPH_NAMES = ['vision_encoder', 'embed_tokens', 'decoder'] as const;
export type GraphName = (typeof GRAPH_NAMES)[number];
export interface ConvertResult { files: string[]; graphs: { name: string; path: string; seconds: number }[] }

/** transformers.js file-name suffix per dtype (doc §4.1). */
const TJS_SUFFIX: Record<WeightDtype, string> = { fp32: '', fp16: '_fp16', int8: '_int8', q4: '_q4' };
const SIDE_FILES = ['config.json', 'preprocessor_config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];

export async function convertCheckpoint(o: ConvertOptions): Promise<ConvertResult> {
  const dtype = o.dtype ?? 'fp32';
  const layout = o.layout ?? 'paliscope';
  const log = o.log ?? (() => {});
  const src = await CheckpointSource.open(o.checkpointDir);
  src.signal = o.signal;
  const spec = src.spec;
  const compute: Compute = o.compute ?? (layout === 'paliscope' ? 'fast' : 'precise');
  const decoderOps: DecoderOps = o.decoderOps ?? (layout === 'paliscope' ? 'fused' : 'plain');
  if (decoderOps === 'fused' && layout !== 'paliscope') throw new Error('decoderOps "fused" needs the paliscope layout; the onnx-community layout keeps the export recipe graph');
  const emitOpts: EmitOptions = {
    dtype, q4Block: o.q4Block ?? (layout === 'paliscope' ? 128 : 32), accuracyLevel: compute === 'fast' ? 4 : 0,
    embedDtype: o.embedDtype ?? (dtype === 'q4' ? 'int4' : dtype === 'int8' ? 'int8' : dtype),
    rowBlockBytes: o.rowBlockBytes,
    int8Kernel: layout === 'paliscope' ? (o.int8Kernel ?? 'dynamic') : 'dequantize',
  };
  if (layout !== 'paliscope' && (o.int8Kernel === 'dynamic' || (o.visionDtype && o.visionDtype !== dtype))) {
    throw new Error('int8Kernel "dynamic" and a separate visionDtype need the paliscope layout; the onnx-community layout keeps the export recipe graph');
  }
  const visionDtype = o.visionDtype ?? dtype;
  const visionOpts: EmitOptions = { ...emitOpts, dtype: visionDtype };
  const graphDir = layout === 'onnx-community' ? join(o.outDir, 'onnx') : o.outDir;
  mkdirSync(graphDir, { recursive: true });
  const suffix = layout === 'onnx-community' ? TJS_SUFFIX[dtype] : '';
  const ws = weightSpecs(spec);
  const bytesOf = (pred: (n: string) => boolean) => ws.filter((w) => pred(w.name)).reduce((a, w) => a + 4 * w.shape.reduce((x, y) => x * y, 1), 0);
  const embedBytes = bytesOf((n) => n.includes('embed_tokens'));
  const allPlans = [
    { role: 'vision_encoder', name: 'vision_encoder', bytes: bytesOf((n) => n.startsWith('vision_tower') || n.startsWith('multi_modal')), build: (e: WeightEmitter) => buildVisionGraph(src, e), emit: visionOpts },
    { role: 'embed_tokens', name: 'embed_tokens', bytes: embedBytes, build: (e: WeightEmitter) => buildEmbedGraph(src, e) },
    {
      role: 'decoder',
      name: layout === 'onnx-community' ? 'decoder_model_merged' : 'decoder',
      bytes: bytesOf((n) => n.startsWith('language_model.model.layers')) + embedBytes,
      build: (e: WeightEmitter) => buildDecoderGraph(src, e, layout === 'onnx-community' ? 'onnx-community' : 'paliscope', decoderOps),
    },
  ];
  const plans = allPlans.filter((p) => !o.graphs || o.graphs.includes(p.role as GraphName));
  const result: ConvertResult = { files: [], graphs: [] };
  const total = plans.reduce((a, p) => a + p.bytes / 4, 0);
  let done = 0;
  let graph = plans[0]?.name ?? '';
  // The total is counted from the weight specs; a few small tensors are read twice, so clamp, and
  // say 100 % once every graph is written.
  if (o.onProgress) src.onRead = (values) => o.onProgress!({ done: Math.min((done += values), total), total, graph });
  for (const plan of plans) {
    graph = plan.name;
    o.signal?.throwIfAborted();
    const t0 = Date.now();
    const file = `${plan.name}${suffix}.onnx`;
    const path = join(graphDir, file);
    const external = o.externalData === 'always' || (o.externalData !== 'never' && plan.bytes > 1.5e9);
    const dataPath = `${path}_data`;
    if (existsSync(dataPath)) rmSync(dataPath);
    const sink = external ? new ExternalDataSink(dataPath) : undefined;
    try {
      const g = new GraphBuilder(plan.name, sink ? { external: sink } : {});
      plan.build(new WeightEmitter(g, 'emit' in plan && plan.emit ? plan.emit : emitOpts));
      await saveModel(g, path, {
        docString: `PaliGemma ${plan.name} converted by Paliscope (${dtype}, ${layout} layout)`,
        metadata: { 'paliscope.layout': layout, 'paliscope.dtype': plan.role === 'vision_encoder' ? visionDtype : dtype, 'paliscope.compute': compute, 'paliscope.decoder_ops': decoderOps, 'paliscope.uses_contrib_ops': String(g.domains.has(MS_DOMAIN)) },
      });
    } finally { sink?.close(); }
    const seconds = (Date.now() - t0) / 1000;
    result.graphs.push({ name: plan.name, path, seconds });
    result.files.push(path);
    if (external) result.files.push(dataPath);
    log(`${file}: written in ${seconds.toFixed(1)} s${external ? ' (weights in external data)' : ''}`);
  }
  o.onProgress?.({ done: total, total, graph });
  for (const f of SIDE_FILES) {
    const from = join(o.checkpointDir, f);
    if (!existsSync(from)) continue;
    const to = join(o.outDir, f);
    if (f === 'config.json') {
      // transformers.js reads text_config.head_dim and a top-level num_image_tokens (export recipe, doc §4.3).
      const cfg = JSON.parse(readFileSync(from, 'utf8')) as Record<string, unknown> & { text_config: Record<string, unknown> };
      cfg.text_config.head_dim = spec.text.headDim;
      cfg.num_image_tokens = spec.numImageTokens;
      writeFileSync(to, JSON.stringify(cfg, null, 1) + '\n');
    } else copyFileSync(from, to);
    result.files.push(to);
  }
  if (layout === 'paliscope') {
    const manifest = {
      format: 'paliscope-onnx', version: 1, dtype, vision_dtype: visionDtype, int8_kernel: emitOpts.int8Kernel, embed_dtype: emitOpts.embedDtype, q4_block: emitOpts.q4Block, compute, decoder_ops: decoderOps,
      graphs: { vision_encoder: 'vision_encoder.onnx', embed_tokens: 'embed_tokens.onnx', decoder: 'decoder.onnx' },
      decoder_inputs: ['inputs_embeds', 'position_ids', 'attention_mask', 'prefix_length', 'logits_index', 'past_key_values.{i}.key', 'past_key_values.{i}.value'],
      image_features_scaled: 'vision_encoder returns projector(x)/sqrt(d); decoder multiplies inputs_embeds by sqrt(d)',
      num_layers: spec.text.layers, num_key_value_heads: spec.text.kvHeads, head_dim: spec.text.headDim,
    };
    const p = join(o.outDir, 'paliscope.json');
    writeFileSync(p, JSON.stringify(manifest, null, 1) + '\n');
    result.files.push(p);
  }
  return result;
}
