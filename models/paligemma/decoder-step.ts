// The decoder side of generation as a StepModel: prefill over the prompt embeddings, then one token per step with
// the KV cache carried in the state. The cache tensors are immutable (each call returns new `present.*` tensors), so
// beams may share a state; release() disposes a state's tensors.
//
// Layouts: paliscope feeds attention_mask / prefix_length / logits_index (true prefix-LM attention, logits for the
// last row only); onnx-community has none of these (every call bidirectional over past + chunk — right for prefill
// plus 1-token steps, doc §4.2) and returns logits for every row, of which the last is kept.
import * as ort from 'onnxruntime-node';
import type { StepModel } from '../runtime/decode';
import { classifyRuntimeError, EngineError } from '../runtime/errors';
import type { Layout } from './layout';
import type { PaliGemmaConfig } from './model-config';

export interface KvState {
  /** past_key_values.{i}.key / .value for i = 0…L−1, interleaved [k0, v0, k1, v1, …]. */
  kv: ort.Tensor[];
  /** Sequence length the cache covers (prompt + generated tokens fed so far). */
  length: number;
  /** Without a KV cache: every token fed so far, recomputed each step (benchmark baseline). */
  embeds?: Float32Array;
}

const i64 = (xs: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(xs, (x) => BigInt(x)), dims);

export class DecoderStepper implements StepModel<KvState> {
  private readonly d: number;
  /** Decoder runs so far (prefill included), for tests and benchmarks. */
  runs = 0;

  constructor(
    private readonly decoder: ort.InferenceSession,
    private readonly embed: ort.InferenceSession,
    private readonly cfg: PaliGemmaConfig,
    private readonly layout: Layout,
    private readonly prefixLength: number,
    private readonly useKvCache = true,
  ) {
    this.d = cfg.spec.text.hidden;
    if (!useKvCache && layout !== 'paliscope') {
      // Recomputing the suffix in one call is only correct with a causal suffix mask, which only paliscope graphs have.
      throw new EngineError('BAD_INPUT', 'generation without KV cache needs the paliscope layout (onnx-community graphs attend bidirectionally within a call)');
    }
  }

  private emptyKv(): ort.Tensor[] {
    const t = this.cfg.spec.text;
    const out: ort.Tensor[] = [];
    for (let i = 0; i < 2 * t.layers; i++) out.push(new ort.Tensor('float32', new Float32Array(0), [1, t.kvHeads, 0, t.headDim]));
    return out;
  }

  /** Embedding rows for ids (raw table rows; the decoder applies ×√d itself, doc §2.3). */
  async embedIds(ids: number[]): Promise<Float32Array> {
    const input = i64(ids, [1, ids.length]);
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.embed.run({ input_ids: input });
    } catch (e) {
      throw classifyRuntimeError(e, `embed_tokens run (${ids.length} ids)`);
    } finally {
      input.dispose();
    }
    const e = out.inputs_embeds!;
    const data = (e.data as Float32Array).slice();
    e.dispose();
    return data;
  }

  private async run(embeds: Float32Array, start: number, kv: ort.Tensor[]): Promise<{ logits: Float32Array; kv: ort.Tensor[] }> {
    const S = embeds.length / this.d;
    const total = start + S;
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: new ort.Tensor('float32', embeds, [1, S, this.d]),
      // 1-based positions as HF / transformers.js (doc §2.6, §4.4).
      position_ids: i64(Array.from({ length: S }, (_, i) => start + i + 1), [1, S]),
    };
    const has = (n: string) => this.decoder.inputNames.includes(n);
    if (this.layout === 'paliscope') {
      feeds.attention_mask = i64(Array<number>(total).fill(1), [1, total]);
      feeds.prefix_length = i64([this.prefixLength], [1]);
      feeds.logits_index = i64([-1], [1]);
    } else {
      // Optional inputs of other onnx-community exports, fed as transformers.js does (doc §4.2, §4.4).
      if (has('attention_mask')) feeds.attention_mask = i64(Array<number>(total).fill(1), [1, total]);
      if (has('num_logits_to_keep')) feeds.num_logits_to_keep = new ort.Tensor('int64', BigInt64Array.of(1n), []);
      if (has('use_cache_branch')) feeds.use_cache_branch = new ort.Tensor('bool', Uint8Array.of(start > 0 ? 1 : 0), [1]);
    }
    kv.forEach((t, j) => { feeds[`past_key_values.${j >> 1}.${j & 1 ? 'value' : 'key'}`] = t; });
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.decoder.run(feeds);
    } catch (e) {
      throw classifyRuntimeError(e, `decoder run (${S} tokens after ${start})`);
    } finally {
      for (const [name, t] of Object.entries(feeds)) if (!name.startsWith('past_key_values')) t.dispose();
    }
    this.runs++;
    const logitsT = out.logits!;
    const V = logitsT.dims[logitsT.dims.length - 1]!;
    const all = logitsT.data as Float32Array;
    const logits = all.slice(all.length - V);
    logitsT.dispose();
    const present: ort.Tensor[] = [];
    for (let l = 0; l < this.cfg.spec.text.layers; l++) present.push(out[`present.${l}.key`]!, out[`present.${l}.value`]!);
    return { logits, kv: present };
  }

  /** Prompt embeddings (image rows already replaced) → first logits and the initial state. */
  async prefill(embeds: Float32Array): Promise<{ logits: Float32Array; state: KvState }> {
    const empty = this.emptyKv();
    const r = await this.run(embeds, 0, empty).finally(() => { for (const t of empty) t.dispose(); });
    const S = embeds.length / this.d;
    if (this.useKvCache) return { logits: r.logits, state: { kv: r.kv, length: S } };
    for (const t of r.kv) t.dispose();
    return { logits: r.logits, state: { kv: [], length: S, embeds } };
  }

  async step(state: KvState, token: number): Promise<{ logits: Float32Array; state: KvState }> {
    const e = await this.embedIds([token]);
    if (!this.useKvCache) {
      const all = new Float32Array(state.embeds!.length + e.length);
      all.set(state.embeds!);
      all.set(e, state.embeds!.length);
      const empty = this.emptyKv();
      const r = await this.run(all, 0, empty).finally(() => { for (const t of empty) t.dispose(); });
      for (const t of r.kv) t.dispose();
      return { logits: r.logits, state: { kv: [], length: state.length + 1, embeds: all } };
    }
    const r = await this.run(e, state.length, state.kv);
    return { logits: r.logits, state: { kv: r.kv, length: state.length + 1 } };
  }

  release(state: KvState): void {
    for (const t of state.kv) t.dispose();
    state.kv = [];
    delete state.embeds;
  }
}
