// Two settings of the OCR engine side by side, page by page on the bench's clean and degraded pages, alternating which
// goes first so machine load hits both alike: wall and CPU seconds per page, their ratios, page CER and WER, and
// whether the two read the same text.
//   npx tsx bench/ocr/variants.ts --compare int8|lanes [--pages N] [--threads N] [--rounds R]
//   int8:  float recognizer vs int8 convolutions (quantize.ts), both on worker lanes
//   lanes: the recognizer on this thread (one session, N intra-op threads) vs N worker threads (rec-lanes.ts), both int8
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createOcrEngine } from '../../models/ocr/engine';
import { pageToText } from '../../models/ocr/export/text';
import { pageCer, wer as pageWer } from '../../models/ocr/metrics';
import { buildEvalPages } from './pages';

const { values } = parseArgs({ options: { compare: { type: 'string', default: 'int8' }, pages: { type: 'string' }, threads: { type: 'string', default: '2' }, rounds: { type: 'string', default: '1' } } });
const threads = Number(values.threads);
const pages = await buildEvalPages(['clean', 'degraded'], values.pages ? Number(values.pages) / 2 : undefined);
const settings = values.compare === 'lanes'
  ? [{ name: `1 lane (${threads} threads, this thread)`, options: { recLanes: 1 } }, { name: `${threads} lanes (worker threads)`, options: { recLanes: threads } }]
  : values.compare === 'int8'
    ? [{ name: 'float recognizer', options: { int8: false } }, { name: 'int8 convolutions', options: { int8: true } }]
    : (() => { throw new Error(`--compare ${values.compare}: expected int8 or lanes`); })();
const variants = await Promise.all(settings.map(async (v) => ({ name: v.name, engine: await createOcrEngine({ threads, ...v.options }) })));
// Warm-up: the first page of each loads its arenas.
for (const v of variants) await v.engine.recognize(pages[0]!.image);

const wall = variants.map(() => [] as number[]);
const cpu = variants.map(() => [] as number[]);
const cer = variants.map(() => [] as number[]);
const wer = variants.map(() => [] as number[]);
let sameText = 0, runs = 0;
const loadBefore = os.loadavg();
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [i, p] of pages.entries()) {
    const order = (i + round) % 2 ? [1, 0] : [0, 1];
    const texts: string[] = [];
    for (const k of order) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const page = await variants[k]!.engine.recognize(p.image);
      wall[k]!.push((performance.now() - t0) / 1000);
      const c = process.cpuUsage(c0);
      cpu[k]!.push((c.user + c.system) / 1e6);
      const text = pageToText(page);
      // The same measures as bench/ocr/run.ts.
      cer[k]!.push(pageCer(p.text, text));
      wer[k]!.push(pageWer(p.text, text));
      texts[k] = text;
    }
    runs++;
    if (texts[0] === texts[1]) sameText++;
  }
}
const loadAfter = os.loadavg();
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
console.log(`OCR engine variants (${values.compare}): ${pages.length} pages (1240×1754, clean and degraded) × ${values.rounds} round(s), ${threads} threads, ${os.cpus().length} CPUs [${os.cpus()[0]?.model.trim()}]`);
console.log(`load average before ${loadBefore.map((v) => v.toFixed(1)).join(' ')}, after ${loadAfter.map((v) => v.toFixed(1)).join(' ')}`);
console.log('');
console.log('| engine | s/page mean | s/page median | CPU s/page median | page CER mean | page WER mean |');
console.log('| --- | --- | --- | --- | --- | --- |');
variants.forEach((v, k) => console.log(`| ${v.name} | ${mean(wall[k]!).toFixed(2)} | ${median(wall[k]!).toFixed(2)} | ${median(cpu[k]!).toFixed(2)} | ${(mean(cer[k]!) * 100).toFixed(3)}% | ${(mean(wer[k]!) * 100).toFixed(3)}% |`));
const ratio = (f: (v: number[]) => number, a: number[][]) => (f(a[1]!) / f(a[0]!)).toFixed(2);
console.log(`| **ratio second / first** | ${ratio(mean, wall)} | ${ratio(median, wall)} | ${ratio(median, cpu)} | ${ratio(mean, cer)} | ${ratio(mean, wer)} |`);
console.log('');
console.log(`same text on ${sameText} of ${runs} pages`);
await Promise.all(variants.map((v) => v.engine.dispose()));
