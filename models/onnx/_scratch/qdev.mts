import { join } from 'node:path';
import { statSync } from 'node:fs';
import { writeFixture } from '../fixture';
import { convertCheckpoint } from '../convert/convert';
import { emptyCache, maxAbsDiff, openSession, runDecoder, runEmbed, runVision } from '../convert/session';
import { Rng } from '../rng';
const ck = '/tmp/pal/q-ck';
const { spec } = writeFixture({ preset: 'tiny', outDir: ck, seed: 21 });
const px = new Rng(1).fillUniform(new Float32Array(3 * 56 * 56), 0.5);
const ids = [...Array(16).fill(spec.imageTokenIndex), 2, 480, 500, 108, 300, 301, 302];
const pos = ids.map((_, i) => i + 1);
async function logits(dir: string) {
  const f = await runVision(await openSession(join(dir, 'vision_encoder.onnx')), px, 56);
  const e = await runEmbed(await openSession(join(dir, 'embed_tokens.onnx')), ids);
  ids.forEach((id, i) => { if (i < 16) e.set(f.subarray(i * 64, (i + 1) * 64), i * 64); });
  const r = await runDecoder(await openSession(join(dir, 'decoder.onnx')), spec, { embeds: e, positions: pos, cache: emptyCache(spec), prefixLength: 20, logitsIndex: ids.map((_, i) => i) });
  return { f, l: r.logits };
}
const base = await logits((await convertCheckpoint({ checkpointDir: ck, outDir: '/tmp/pal/q-fp32' }), '/tmp/pal/q-fp32'));
const V = spec.text.vocab;
for (const [name, o] of [['fp16', { dtype: 'fp16' }], ['int8', { dtype: 'int8' }], ['q4-32', { dtype: 'q4', q4Block: 32 }], ['q4-64', { dtype: 'q4', q4Block: 64 }], ['q4-128', { dtype: 'q4', q4Block: 128 }], ['q4-embfp32', { dtype: 'q4', embedDtype: 'fp32' }]] as const) {
  const out = `/tmp/pal/q-${name}`;
  await convertCheckpoint({ checkpointDir: ck, outDir: out, ...o } as never);
  const r = await logits(out);
  let agree = 0;
  for (let i = 0; i < ids.length; i++) {
    const am = (a: Float32Array) => { let b = 0; for (let k = 1; k < V; k++) if (a[i * V + k]! > a[i * V + b]!) b = k; return b; };
    if (am(r.l) === am(base.l)) agree++;
  }
  const size = ['vision_encoder', 'embed_tokens', 'decoder'].map((g) => statSync(join(out, g + '.onnx')).size);
  console.log(name, 'vision', maxAbsDiff(r.f, base.f).toExponential(2), 'logits', maxAbsDiff(r.l, base.l).toExponential(2), 'top1', agree, '/', ids.length, 'sizes', size);
}
