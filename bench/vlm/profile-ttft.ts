// Where time to first token goes in a Paliscope-layout model: the vision encoder on one image and the decoder prefill
// over a prompt of --tokens rows, each a single session.run with onnxruntime's profiler on, timed in wall and CPU time
// (user + sys of every thread), and the profiler's kernel time summed per operator type.
//   npx tsx bench/vlm/profile-ttft.ts <paliscope model folder> [--tokens 260] [--threads 2] [--only vision|decoder]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: { tokens: { type: 'string', default: '260' }, threads: { type: 'string', default: '2' }, only: { type: 'string' } },
});
const dir = positionals[0];
if (!dir) throw new Error('usage: profile-ttft.ts <paliscope model folder> [--tokens 260] [--threads 2] [--only vision|decoder]');
const S = Number(a.tokens), threads = Number(a.threads);
const profDir = mkdtempSync(join(tmpdir(), 'paliscope-profile-'));
const options: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3, enableProfiling: true, profileFilePrefix: join(profDir, 'p'),
};

interface Event { cat?: string; name: string; dur: number; args?: { op_name?: string } }
function byOp(): string[] {
  const file = readdirSync(profDir).filter((f) => f.endsWith('.json')).map((f) => join(profDir, f)).sort().pop()!;
  const events = JSON.parse(readFileSync(file, 'utf8')) as Event[];
  rmSync(file);
  const sums = new Map<string, number>();
  let total = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const op = e.args?.op_name ?? '?';
    sums.set(op, (sums.get(op) ?? 0) + e.dur);
    total += e.dur;
  }
  return [...sums].sort((x, y) => y[1] - x[1]).slice(0, 10).map(([op, us]) => `  ${op.padEnd(36)} ${(us / 1e3).toFixed(0).padStart(7)} ms  ${((100 * us) / total).toFixed(1)} %`);
}

/** One timed run (the session's first: a user's first question is cold too). */
async function timed(label: string, s: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<void> {
  const c = process.cpuUsage();
  const t = performance.now();
  await s.run(feeds);
  const wall = performance.now() - t, u = process.cpuUsage(c);
  s.endProfiling();
  process.stdout.write(`${label}: ${wall.toFixed(0)} ms wall, ${((u.user + u.system) / 1e3).toFixed(0)} ms CPU\n${byOp().join('\n')}\n`);
}

const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
  vision_config: { image_size: number }; text_config: { num_hidden_layers: number; num_key_value_heads: number; head_dim: number; hidden_size: number };
};
process.stdout.write(`${dir}, ${threads} threads\n`);
try {
  if (a.only !== 'decoder') {
    const size = cfg.vision_config.image_size;
    const s = await ort.InferenceSession.create(join(dir, 'vision_encoder.onnx'), options);
    await timed(`vision encoder (${size} px)`, s, { pixel_values: new ort.Tensor('float32', new Float32Array(3 * size * size).fill(0.1), [1, 3, size, size]) });
    await s.release();
  }
  if (a.only !== 'vision') {
    const t = cfg.text_config;
    const s = await ort.InferenceSession.create(join(dir, 'decoder.onnx'), options);
    const i64 = (xs: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(xs, (x) => BigInt(x)), dims);
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: new ort.Tensor('float32', new Float32Array(S * t.hidden_size).map((_, i) => Math.sin(i) * 0.02), [1, S, t.hidden_size]),
      position_ids: i64(Array.from({ length: S }, (_, i) => i + 1), [1, S]),
      attention_mask: i64(Array<number>(S).fill(1), [1, S]), prefix_length: i64([S - 2], [1]), logits_index: i64([-1], [1]),
    };
    for (let l = 0; l < t.num_hidden_layers; l++) {
      for (const kv of ['key', 'value']) feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, t.num_key_value_heads, 0, t.head_dim]);
    }
    await timed(`decoder prefill (${S} tokens)`, s, feeds);
    await s.release();
  }
} finally { rmSync(profDir, { recursive: true, force: true }); }
