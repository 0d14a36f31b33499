// Paliscope's decoder takes attention_mask + per-row prefix_length, so a left-padded batch gives each row exactly the
// logits it gets alone (the export-recipe decoder cannot: it never masks padding, doc §4.2 (d)).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFixture } from '../fixture';
import { convertCheckpoint } from './convert';
import { emptyCache, maxAbsDiff, openSession, runDecoder, runEmbed } from './session';

const root = mkdtempSync(join(tmpdir(), 'paliscope-batch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('batched, left-padded prefill', () => {
  it('each row matches its unpadded single-row run (global and sliding-window layers)', async () => {
    const ck = join(root, 'ck'), out = join(root, 'onnx');
    const { spec } = writeFixture({ preset: 'tiny', outDir: ck, seed: 31 });
    await convertCheckpoint({ checkpointDir: ck, outDir: out });
    const embed = await openSession(join(out, 'embed_tokens.onnx'));
    const dec = await openSession(join(out, 'decoder.onnx'));
    const d = spec.text.hidden, V = spec.text.vocab, L = spec.text.layers;
    // Row A: 12-token prompt + 2 suffix tokens (longer than the window of 8); row B: 5-token prompt + 2, left-padded.
    const a = { ids: [2, ...Array.from({ length: 10 }, (_, i) => 420 + i), 108, 300, 301], prefix: 12 };
    const b = { ids: [2, 470, 471, 472, 108, 310, 311], prefix: 5 };
    const T = a.ids.length, pad = T - b.ids.length;
    const single = async (r: typeof a) => (await runDecoder(dec, spec, {
      embeds: await runEmbed(embed, r.ids), positions: r.ids.map((_, i) => i + 1), cache: emptyCache(spec),
      prefixLength: r.prefix, logitsIndex: r.ids.map((_, i) => i),
    })).logits;
    const [la, lb] = [await single(a), await single(b)];

    const eb = await runEmbed(embed, b.ids);
    const embeds = new Float32Array(2 * T * d);
    embeds.set(await runEmbed(embed, a.ids), 0);
    embeds.set(eb, (T + pad) * d); // row B's pad rows stay zero
    const pos = [...a.ids.map((_, i) => i + 1), ...Array(pad).fill(1), ...b.ids.map((_, i) => i + 1)];
    const mask = [...Array(T).fill(1), ...Array(pad).fill(0), ...Array(b.ids.length).fill(1)];
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: new ort.Tensor('float32', embeds, [2, T, d]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(pos.map(BigInt)), [2, T]),
      attention_mask: new ort.Tensor('int64', BigInt64Array.from(mask.map(BigInt)), [2, T]),
      prefix_length: new ort.Tensor('int64', BigInt64Array.of(BigInt(a.prefix), BigInt(pad + b.prefix)), [2]),
      logits_index: new ort.Tensor('int64', BigInt64Array.from(a.ids.map((_, i) => BigInt(i))), [T]),
    };
    for (let l = 0; l < L; l++) for (const kv of ['key', 'value']) {
      feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [2, spec.text.kvHeads, 0, spec.text.headDim]);
    }
    const logits = (await dec.run(feeds)).logits!.data as Float32Array;
    expect(maxAbsDiff(logits.subarray(0, T * V), la)).toBeLessThan(1e-4);
    expect(maxAbsDiff(logits.subarray((T + pad) * V, 2 * T * V), lb)).toBeLessThan(1e-4);
    // Without the mask, padding leaks into row B: the test would notice.
    feeds.attention_mask = new ort.Tensor('int64', new BigInt64Array(2 * T).fill(1n), [2, T]);
    const leaky = (await dec.run(feeds)).logits!.data as Float32Array;
    expect(maxAbsDiff(leaky.subarray((T + pad) * V, 2 * T * V), lb)).toBeGreaterThan(1e-3);
  });
});
