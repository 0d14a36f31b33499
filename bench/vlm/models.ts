// The benchmark's models, generated once and cached: a random-weight checkpoint per preset and layer count, and its
// conversions to the onnx-community layout and to Paliscope's own. Full depth takes minutes (a 6 GB bf16 checkpoint,
// then ≈2–3 min per conversion on 2 cores), so the cache lives outside the repository when asked
// (--cache DIR or PALISCOPE_BENCH_CACHE) and each part is keyed on what produced it:
//   checkpoint  ← preset, layers, FIXTURE_GENERATOR_VERSION (not the converter: a converter change keeps the 6 GB)
//   conversions ← the checkpoint key, layout, dtype, converter options and a hash of the converter's sources.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConvertOptions } from '../../models/onnx/convert/convert';
import { FIXTURE_GENERATOR_VERSION, type PresetName } from '../../models/onnx/fixture';
import { ocDir, ownDir, type Dtype } from './common';

export const modelRoot = (cache: string, preset: string, layers: number) => join(cache, `${preset}-L${layers}`);

/**
 * Content hash of the sources that decide a converted graph's bytes (tests excluded): a rebase or an unrelated commit
 * keeps the cached conversions, an edit to the converter does not.
 */
export function converterRev(repo: string): string {
  const h = createHash('sha256');
  const files = ['models/onnx/builder.ts', 'models/onnx/proto.ts', 'models/onnx/config.ts', 'models/onnx/weights.ts',
    ...readdirSync(join(repo, 'models/onnx/convert')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort().map((f) => `models/onnx/convert/${f}`)];
  for (const f of files) h.update(f).update(readFileSync(join(repo, f)));
  return h.digest('hex').slice(0, 16);
}

const stampOk = (file: string, want: object) => existsSync(file) && readFileSync(file, 'utf8') === JSON.stringify(want);

export interface EnsureOptions {
  repo: string; cache: string; preset: PresetName; layers: number; dtype: Dtype;
  /** Never generate: fail when something is missing or stale. */
  skipGenerate?: boolean;
  /** Options for Paliscope's own layout (the converter's defaults when absent). */
  own?: Partial<ConvertOptions>;
  /** 'paliscope-int8': the own layout with int8 matrices (bench engine paliscope-int8), whatever `dtype` is. */
  layouts?: ('onnx-community' | 'paliscope' | 'paliscope-int8')[];
  log: (m: string) => void;
}

/** Makes sure the checkpoint and the requested conversions exist and are current; returns the root folder. */
export async function ensureModels(o: EnsureOptions): Promise<{ root: string; converter: string }> {
  const root = modelRoot(o.cache, o.preset, o.layers);
  const ck = join(root, 'checkpoint');
  const need = (what: string) => { if (o.skipGenerate) throw new Error(`--skip-generate: ${what} is missing or stale in ${root}; run once without it`); };
  const ckStamp = { preset: o.preset, layers: o.layers, generator: FIXTURE_GENERATOR_VERSION };
  if (!stampOk(join(ck, '.bench-stamp'), ckStamp)) {
    need('the checkpoint');
    const { writeFixture } = await import('../../models/onnx/fixture');
    rmSync(ck, { recursive: true, force: true });
    const t = performance.now();
    writeFixture({ preset: o.preset, outDir: ck, layers: o.layers });
    writeFileSync(join(ck, '.bench-stamp'), JSON.stringify(ckStamp));
    o.log(`fixture ${o.preset} L${o.layers}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const converter = converterRev(o.repo);
  for (const which of o.layouts ?? ['onnx-community', 'paliscope'] as const) {
    const layout = which === 'onnx-community' ? 'onnx-community' : 'paliscope';
    const dtype = which === 'paliscope-int8' ? 'int8' : o.dtype;
    const out = layout === 'paliscope' ? ownDir(root, dtype) : ocDir(root);
    const stampFile = join(out, `.bench-stamp-${dtype}`);
    const opts = which === 'paliscope' ? (o.own ?? {}) : {};
    const want = { ...ckStamp, layout, dtype, opts, converter };
    if (stampOk(stampFile, want)) continue;
    need(`the ${layout} ${dtype} conversion`);
    const { convertCheckpoint } = await import('../../models/onnx/convert/convert');
    // The paliscope folder holds one dtype; the onnx-community one collects several side by side (suffixes differ).
    if (layout === 'paliscope') rmSync(out, { recursive: true, force: true });
    const t = performance.now();
    await convertCheckpoint({ ...opts, checkpointDir: ck, outDir: out, dtype, layout });
    writeFileSync(stampFile, JSON.stringify(want));
    o.log(`convert ${o.preset} L${o.layers} ${layout} ${dtype}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const img = join(root, 'page.png');
  if (!existsSync(img)) {
    const { testImagePng } = await import('../../models/paligemma/test-images');
    writeFileSync(img, await testImagePng('photo'));
  }
  return { root, converter };
}
