// createPaliGemma: the PaliGemma engine the CLI, the tests and the app's engine host share. Pure Node: the model
// folder, provider preferences, a logger and AbortSignals come in; nothing global is touched.
import * as ort from 'onnxruntime-node';
import { decode, type GeneratedToken, type Strategy } from '../runtime/decode';
import { classifyRuntimeError, EngineError, throwIfCancelled } from '../runtime/errors';
import { silentLogger, type Logger } from '../runtime/logger';
import { streamCallback, type TokenStream } from '../runtime/stream';
import { detectMachine, type MachineInfo } from '../runtime/machine';
import { describePlan, planSessions, type EnginePrefs, type ProviderName, type SessionPlan } from '../runtime/plan';
import { createSessionFromPlan, type LoadedSession } from '../runtime/sessions';
import { DecoderStepper } from './decoder-step';
import { ImageFeatureCache, loadImageBytes, type CachedFeatures, type ImageInput, type RawPixels } from './image-cache';
import { COMPONENTS, ioDecl, scanModelDir, type Component, type Layout } from './layout';
import { loadPaliGemmaConfig, type PaliGemmaConfig } from './model-config';
import { preprocessImage } from './preprocess';
import { probePrefixAttention, type PrefixAttention } from './probe';
import { PaliGemmaTokenizer, TextStreamer } from './tokenizer';

export interface PaliGemmaOptions {
  modelDir: string;
  prefs?: EnginePrefs;
  /** Defaults to detectMachine(); tests pass a fixed one. */
  machine?: MachineInfo;
  logger?: Logger;
  /** Cancels loading. */
  signal?: AbortSignal;
  /** Memory bound of the vision-feature cache (default 256 MB; 0 disables it). */
  imageCacheBytes?: number;
  /** Image resize: 'sharp' (default, fast) or 'pillow' (exact Hugging Face parity, slower); see preprocess.ts. */
  resampler?: 'sharp' | 'pillow';
}

export interface StreamToken extends GeneratedToken { /** Text this token adds (may be '' while a character is incomplete). */ text: string }

export interface GenerateRequest {
  /** Encoded image bytes, a file path, or decoded RGB pixels (a rendered page: no encode/decode round trip). */
  image: ImageInput;
  /** Task prefix, e.g. "caption en", "detect cat", "ocr". */
  prompt: string;
  /** Default 64. */
  maxNewTokens?: number;
  /** Default greedy. */
  strategy?: Strategy;
  /** Default: generation_config.json's eos ids. */
  eosIds?: number[];
  signal?: AbortSignal;
  onToken?: (t: StreamToken) => void;
  /** Use/populate the vision-feature cache (default true). */
  useImageCache?: boolean;
  /** Carry a KV cache between steps (default true); false recomputes the whole sequence each step (benchmarks). */
  useKvCache?: boolean;
}

export interface Timings {
  /** Reading, hashing, decoding and resizing the image (hash only on a cache hit). */
  preprocessMs: number;
  visionMs: number;
  visionCached: boolean;
  /** Prompt embedding + decoder prefill. */
  prefillMs: number;
  /** From the call to the first generated token. */
  timeToFirstTokenMs: number;
  /** From the first to the last generated token. */
  decodeMs: number;
  /** (tokens − 1) / decodeMs; null with a single token. */
  decodeTokensPerSecond: number | null;
  totalMs: number;
  /** Largest resident set size sampled during the call (after each phase and each token). */
  peakRssBytes: number;
}

export interface GenerateResult {
  text: string;
  ids: number[];
  logprobs: number[];
  /** Each token's text, aligned with ids (a token ending mid-character gives '' and the next one carries it). */
  pieces: string[];
  finishReason: 'eos' | 'length';
  promptTokens: number;
  /** Size of the input image after EXIF orientation: loc tokens (/1024) scale to these, doc §5.3. */
  image: { width: number; height: number };
  timings: Timings;
}

export interface PaliGemmaEngine {
  readonly plan: SessionPlan;
  readonly config: PaliGemmaConfig;
  readonly layout: Layout;
  /**
   * How the prompt block attends: 'explicit' (paliscope graphs take prefix_length), or what the load-time probe found
   * for an onnx-community decoder that declares attention_mask ('causal' is logged as a warning: outputs degrade).
   * onnx-community graphs without attention_mask are bidirectional by construction (doc §4.2).
   */
  readonly prefixAttention: 'explicit' | PrefixAttention;
  /** The execution provider each session actually runs on. */
  readonly providers: Readonly<Record<Component, ProviderName>>;
  readonly tokenizer: PaliGemmaTokenizer;
  generate(req: GenerateRequest): Promise<GenerateResult>;
  /** generate() as an async iterator of tokens (`for await`), with the full result in `.result`. */
  stream(req: Omit<GenerateRequest, 'onToken'>): TokenStream<StreamToken, GenerateResult>;
  /** Vision-encoder runs and cache statistics since creation. */
  stats(): { visionRuns: number; decoderRuns: number; cache: ImageFeatureCache['stats'] };
  dispose(): Promise<void>;
}

export async function createPaliGemma(o: PaliGemmaOptions): Promise<PaliGemmaEngine> {
  const logger = o.logger ?? silentLogger;
  const scan = scanModelDir(o.modelDir);
  const config = loadPaliGemmaConfig(o.modelDir);
  const tokenizer = await PaliGemmaTokenizer.fromDir(o.modelDir, config.imageTokenIndex);
  const plan = planSessions({ modelDir: o.modelDir, family: 'paligemma', layout: scan.layout, variants: scan.variants, machine: o.machine ?? detectMachine(), prefs: o.prefs });
  logger.info?.(describePlan(plan));
  const loaded: Partial<Record<Component, LoadedSession>> = {};
  try {
    for (const c of COMPONENTS) {
      loaded[c] = await createSessionFromPlan(plan, c, ioDecl(scan.layout, c, config.spec.text.layers), { logger, signal: o.signal });
    }
  } catch (e) {
    await Promise.all(Object.values(loaded).map((s) => s.session.release()));
    throw e;
  }
  const sessions = loaded as Record<Component, LoadedSession>;
  let prefixAttention: 'explicit' | PrefixAttention = 'explicit';
  if (scan.layout === 'onnx-community') {
    prefixAttention = 'bidirectional';
    if (sessions.decoder.session.inputNames.includes('attention_mask')) {
      prefixAttention = await probePrefixAttention(sessions.decoder.session, config);
      if (prefixAttention === 'causal') {
        logger.warn?.(`${sessions.decoder.file}: the decoder masks the prompt causally; PaliGemma was trained with a bidirectional image + prefix block, so expect degraded output (convert with the Paliscope layout instead)`);
      }
    }
  }
  return new Engine(plan, config, scan.layout, prefixAttention, tokenizer, sessions, new ImageFeatureCache(o.imageCacheBytes ?? 256e6), logger, o.resampler ?? 'sharp');
}

class Engine implements PaliGemmaEngine {
  readonly providers: Record<Component, ProviderName>;
  private queue: Promise<unknown> = Promise.resolve();
  private visionRuns = 0;
  private decoderRuns = 0;
  private disposed = false;

  constructor(
    readonly plan: SessionPlan,
    readonly config: PaliGemmaConfig,
    readonly layout: Layout,
    readonly prefixAttention: 'explicit' | PrefixAttention,
    readonly tokenizer: PaliGemmaTokenizer,
    private readonly s: Record<Component, LoadedSession>,
    private readonly cache: ImageFeatureCache,
    private readonly logger: Logger,
    private readonly resampler: 'sharp' | 'pillow',
  ) {
    this.providers = { vision_encoder: s.vision_encoder.provider, embed_tokens: s.embed_tokens.provider, decoder: s.decoder.provider };
  }

  stats() { return { visionRuns: this.visionRuns, decoderRuns: this.decoderRuns, cache: this.cache.stats }; }

  generate(req: GenerateRequest): Promise<GenerateResult> {
    // One generation at a time: sessions already use every core, and interleaving would only slow both down.
    const run = this.queue.then(() => this.generateNow(req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  stream(req: Omit<GenerateRequest, 'onToken'>): TokenStream<StreamToken, GenerateResult> {
    return streamCallback((onToken) => this.generate({ ...req, onToken }));
  }

  private async visionFeatures(req: GenerateRequest, rss: () => void): Promise<{ f: CachedFeatures; cached: boolean; preprocessMs: number; visionMs: number }> {
    const t0 = performance.now();
    let bytes: Buffer | RawPixels, hash: string;
    try {
      ({ bytes, hash } = await loadImageBytes(req.image));
    } catch (e) {
      throw new EngineError('BAD_INPUT', `image ${typeof req.image === 'string' ? req.image : 'data'}: cannot read (${(e as Error).message})`, { cause: e });
    }
    const c = this.plan.components.vision_encoder!;
    const useCache = req.useImageCache ?? true;
    const ck = ImageFeatureCache.key(`${this.plan.modelDir}|${c.file}|${this.resampler}`, hash, this.config.imageSize);
    const hit = useCache ? this.cache.get(ck) : undefined;
    if (hit) return { f: hit, cached: true, preprocessMs: performance.now() - t0, visionMs: 0 };
    const pre = await preprocessImage(bytes, { size: this.config.imageSize, mean: this.config.mean, std: this.config.std, resampler: this.resampler });
    const t1 = performance.now();
    rss();
    throwIfCancelled(req.signal, 'generation');
    const S = this.config.imageSize;
    const input = new ort.Tensor('float32', pre.pixels, [1, 3, S, S]);
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.s.vision_encoder.session.run({ pixel_values: input });
    } catch (e) {
      throw classifyRuntimeError(e, 'vision encoder run');
    } finally {
      input.dispose();
    }
    this.visionRuns++;
    const ft = out.image_features!;
    const expected = this.config.numImageTokens * this.config.spec.text.hidden;
    const features = (ft.data as Float32Array).slice();
    ft.dispose();
    if (features.length !== expected) {
      throw new EngineError('INPUT_MISMATCH', `vision encoder returned ${features.length} values, expected ${this.config.numImageTokens}×${this.config.spec.text.hidden}`);
    }
    const f = { features, width: pre.width, height: pre.height };
    if (useCache) this.cache.set(ck, f);
    return { f, cached: false, preprocessMs: t1 - t0, visionMs: performance.now() - t1 };
  }

  private async generateNow(req: GenerateRequest): Promise<GenerateResult> {
    if (this.disposed) throw new EngineError('BAD_INPUT', 'generate() after dispose()');
    const t0 = performance.now();
    let peakRss = process.memoryUsage.rss();
    const rss = () => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); };
    throwIfCancelled(req.signal, 'generation');
    const prompt = this.tokenizer.buildPrompt(req.prompt, this.config.numImageTokens);
    const vision = await this.visionFeatures(req, rss);
    throwIfCancelled(req.signal, 'generation');

    const tPrefill = performance.now();
    const stepper = new DecoderStepper(this.s.decoder.session, this.s.embed_tokens.session, this.config, this.layout, prompt.prefixLength, req.useKvCache ?? true);
    const embeds = await stepper.embedIds(prompt.ids);
    // Image features replace the <image> rows as they are (the ÷√d / ×√d pair lives inside the graphs, doc §2.3).
    const d = this.config.spec.text.hidden;
    let k = 0;
    prompt.ids.forEach((id, i) => {
      if (id === this.config.imageTokenIndex) { embeds.set(vision.f.features.subarray(k * d, (k + 1) * d), i * d); k++; }
    });
    const start = await stepper.prefill(embeds);
    const prefillMs = performance.now() - tPrefill;
    rss();

    const streamer = new TextStreamer((ids) => this.tokenizer.decode(ids));
    let result;
    try {
      result = await decode(stepper, start, {
        strategy: req.strategy, maxNewTokens: req.maxNewTokens ?? 64, eosIds: req.eosIds ?? this.config.eosIds,
        vocabLimit: this.config.vocabLimit, signal: req.signal,
        onToken: (t) => { rss(); req.onToken?.({ ...t, text: streamer.push(t.id) }); },
      });
    } finally {
      this.decoderRuns += stepper.runs;
    }
    const end = performance.now();
    const first = result.tokenTimes[0] ?? end;
    const last = result.tokenTimes[result.tokenTimes.length - 1] ?? end;
    const n = result.ids.length;
    const timings: Timings = {
      preprocessMs: vision.preprocessMs, visionMs: vision.visionMs, visionCached: vision.cached, prefillMs,
      timeToFirstTokenMs: first - t0, decodeMs: last - first,
      decodeTokensPerSecond: n > 1 && last > first ? ((n - 1) * 1000) / (last - first) : null,
      totalMs: end - t0, peakRssBytes: peakRss,
    };
    this.logger.debug?.(`paligemma: ${n} tokens, ttft ${timings.timeToFirstTokenMs.toFixed(1)} ms, vision ${vision.cached ? 'cached' : `${timings.visionMs.toFixed(1)} ms`}`);
    // From the final ids, not the streamed ones: beam search settles its tokens only at the end.
    const pieceStreamer = new TextStreamer((ids) => this.tokenizer.decode(ids));
    const pieces = result.ids.map((id) => pieceStreamer.push(id));
    if (pieces.length > 0) pieces[pieces.length - 1] += pieceStreamer.flush();
    return { text: this.tokenizer.decode(result.ids), ids: result.ids, logprobs: result.logprobs, pieces, finishReason: result.finishReason, promptTokens: prompt.ids.length,
      image: { width: vision.f.width, height: vision.f.height }, timings };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    this.cache.clear();
    await Promise.all(Object.values(this.s).map((x) => x.session.release()));
  }
}
