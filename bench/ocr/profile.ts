// Where Paliscope's OCR time goes: per-stage timings from the engine, and every onnxruntime run
// timed by model (input shape), so recognition batch widths and pixel-columns per page are visible.
//   npx tsx bench/ocr/profile.ts [--pages N] [--threads N] [--limit LIMIT_SIDE_LEN] [--pad CROP_PADDING] [--batch REC_BATCH]
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { createOcrEngine } from '../../models/ocr/engine';
import { pageToText } from '../../models/ocr/export/text';
import { pageCer } from '../../models/ocr/metrics';
import { buildEvalPages } from './pages';

interface RunRecord { model: string; dims: readonly number[]; ms: number }
const runs: RunRecord[] = [];
// Wrap run() once: the engine's sessions are ordinary InferenceSession instances.
const proto = (ort.InferenceSession as unknown as { prototype: unknown }).prototype as { run: (...a: unknown[]) => Promise<ort.InferenceSession.ReturnType> };
const origRun = proto.run;
proto.run = async function (this: ort.InferenceSession, ...args: unknown[]) {
  const feeds = args[0] as Record<string, ort.Tensor>;
  const t = Object.values(feeds)[0]!;
  const t0 = performance.now();
  const out = await origRun.apply(this, args);
  const [, c, h] = t.dims;
  const model = c === 3 && h === 48 ? (t.dims[3] === 192 ? 'cls' : 'rec') : 'det';
  runs.push({ model, dims: t.dims, ms: performance.now() - t0 });
  return out;
};

const { values } = parseArgs({ options: { pages: { type: 'string' }, threads: { type: 'string', default: '2' }, limit: { type: 'string' }, pad: { type: 'string' }, batch: { type: 'string' } } });
const pages = await buildEvalPages(['clean', 'degraded'], values.pages ? Number(values.pages) : undefined);
const engine = await createOcrEngine({ threads: Number(values.threads), ...(values.limit ? { detection: { limitSideLen: Number(values.limit) } } : {}), ...(values.pad ? { cropPadding: Number(values.pad) } : {}), ...(values.batch ? { recBatch: Number(values.batch) } : {}) });
await engine.recognize(pages[0]!.image);
runs.length = 0;
console.log(`load ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
let cerSum = 0;
const cpus: number[] = [];
const agg = new Map<string, number>();
for (const p of pages) {
  const c0 = process.cpuUsage();
  const page = await engine.recognize(p.image);
  const cpu = process.cpuUsage(c0);
  cpus.push((cpu.user + cpu.system) / 1e6);
  const cer = pageCer(p.text, pageToText(page));
  cerSum += cer;
  const mine = runs.splice(0);
  const by = (m: string) => mine.filter((r) => r.model === m);
  const rec = by('rec');
  const cols = rec.reduce((s, r) => s + r.dims[0]! * r.dims[3]!, 0);
  const t = page.timings ?? {};
  for (const [k, v] of Object.entries(t)) agg.set(k, (agg.get(k) ?? 0) + v);
  for (const m of ['det', 'cls', 'rec']) agg.set(`run:${m}`, (agg.get(`run:${m}`) ?? 0) + by(m).reduce((s, r) => s + r.ms, 0));
  const widths = rec.map((r) => `${r.dims[0]}×${r.dims[3]}`);
  console.log(`${p.name}: cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, CER ${(cer * 100).toFixed(2)}%, ${page.lines.length} lines; ` +
    Object.entries(t).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ') +
    `; det ${by('det').map((r) => r.dims.slice(2).join('×') + ' ' + r.ms.toFixed(0)).join()} ms; cls ${by('cls').length} runs ${by('cls').reduce((s, r) => s + r.ms, 0).toFixed(0)} ms; ` +
    `rec ${rec.length} runs ${rec.reduce((s, r) => s + r.ms, 0).toFixed(0)} ms, ${cols} padded px-cols; widths ${widths.join(' ')}`);
}
cpus.sort((a, b) => a - b);
console.log(`median CPU s/page ${((cpus[(cpus.length - 1) >> 1]! + cpus[cpus.length >> 1]!) / 2).toFixed(2)}`);
console.log(`mean CER ${((cerSum / pages.length) * 100).toFixed(3)}%; mean ms/page: ` + [...agg].map(([k, v]) => `${k} ${(v / pages.length).toFixed(0)}`).join(', '));
console.log(`load ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
await engine.dispose();
