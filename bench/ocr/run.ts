// OCR benchmark: Paliscope's built-in engine vs Tesseract on the same generated pages, one run.
// Prints one side-by-side table for the clean and the degraded set (page CER and WER, mean and
// median; seconds and CPU seconds per page; Paliscope/Tesseract ratios), then Paliscope's CER per
// script on accented-Latin, Greek and Cyrillic pages, with the load average of the machine.
//   npx tsx bench/ocr/run.ts [--pages N] [--sets clean,degraded,scripts] [--threads N] [--json FILE]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createOcrEngine } from '../../models/ocr/engine';
import { pageToText } from '../../models/ocr/export/text';
import { pageCer, wer } from '../../models/ocr/metrics';
import type { EngineOptions } from '../../models/ocr/types';
import { buildEvalPages, type EvalPage, type PageSet } from './pages';
import { ensureTesseract, runTesseract, tesseractVersion } from './tesseract';

interface Row {
  page: string;
  set: PageSet;
  seconds: number;
  cpuSeconds: number;
  cer: number;
  wer: number;
}

const median = (v: number[]) => {
  if (!v.length) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : '–');
const num = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : a > 0 ? '∞' : '1.00 (both 0)');
const loadavg = () => os.loadavg().map((v) => v.toFixed(1)).join(' ');

function summary(rows: Row[]) {
  return {
    pages: rows.length,
    cerMean: mean(rows.map((r) => r.cer)),
    cerMedian: median(rows.map((r) => r.cer)),
    werMean: mean(rows.map((r) => r.wer)),
    werMedian: median(rows.map((r) => r.wer)),
    secondsMean: mean(rows.map((r) => r.seconds)),
    secondsMedian: median(rows.map((r) => r.seconds)),
    cpuMedian: median(rows.map((r) => r.cpuSeconds)),
  };
}
type Summary = ReturnType<typeof summary>;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      pages: { type: 'string' },
      sets: { type: 'string', default: 'clean,degraded,scripts' },
      threads: { type: 'string', default: '2' },
      json: { type: 'string' },
      options: { type: 'string' },
    },
  });
  const threads = Number(values.threads);
  const sets = values.sets.split(',').map((s) => s.trim()) as PageSet[];
  const bad = sets.find((s) => !['clean', 'degraded', 'scripts'].includes(s));
  if (bad) throw new Error(`--sets: unknown set "${bad}" (clean, degraded, scripts)`);
  // Engine options as JSON, for experiments (e.g. --options '{"recBatch":4}').
  const engineOptions = values.options ? (JSON.parse(values.options) as EngineOptions) : {};
  const log = (s: string) => process.stderr.write(s + '\n');
  const loadBefore = loadavg();
  const pages = await buildEvalPages(sets, values.pages ? Number(values.pages) : undefined);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paliscope-bench-ocr-'));
  try {
    // Tesseract reads files: write each page losslessly (the JPEG damage is already in the pixels).
    for (const p of pages) {
      await sharp(p.image.data, { raw: { width: p.image.width, height: p.image.height, channels: 3 } }).png().toFile(path.join(dir, `${p.set}-${p.name}.png`));
    }
    const skip = ensureTesseract(log);
    if (skip) log(`tesseract skipped: ${skip}`);
    const tesName = skip ? 'tesseract' : await tesseractVersion();

    const engine = await createOcrEngine({ threads, ...engineOptions });
    // One warm-up page so session initialisation is not billed to the first page.
    await engine.recognize(pages[0]!.image);
    const pal: Row[] = [];
    const tes: Row[] = [];
    // Pages alternate between the engines so load changes on the shared machine hit both alike.
    for (const p of pages) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const page = await engine.recognize(p.image);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(c0);
      const text = pageToText(page);
      pal.push(row(p, seconds, (cpu.user + cpu.system) / 1e6, text));
      log(`paliscope  ${p.set.padEnd(8)} ${p.name.padEnd(42)} ${seconds.toFixed(2)} s  CER ${pal.at(-1)!.cer.toFixed(4)}  WER ${pal.at(-1)!.wer.toFixed(4)}`);
      // Tesseract's English model cannot read Greek or Cyrillic: script pages are Paliscope's alone.
      if (skip || p.set === 'scripts') continue;
      const t1 = performance.now();
      const res = await runTesseract(path.join(dir, `${p.set}-${p.name}.png`), threads);
      tes.push(row(p, (performance.now() - t1) / 1000, res.cpuSeconds, res.text));
      log(`tesseract  ${p.set.padEnd(8)} ${p.name.padEnd(42)} ${tes.at(-1)!.seconds.toFixed(2)} s  CER ${tes.at(-1)!.cer.toFixed(4)}  WER ${tes.at(-1)!.wer.toFixed(4)}`);
    }
    await engine.dispose();

    const out: string[] = [];
    out.push(`OCR benchmark: generated A4 pages at 150 DPI (1240×1754), ${threads} thread(s), ${os.cpus().length} CPU(s) [${os.cpus()[0]?.model ?? '?'}]`);
    out.push(`load average (1/5/15 min) before: ${loadBefore}, after: ${loadavg()} — other work on the machine inflates the timings`);
    out.push(`Paliscope: PP-OCRv4 (onnxruntime-node)${values.options ? ` with ${values.options}` : ''}; ${tesName}: eng, psm 3, CLI incl. start-up`);
    out.push('');
    out.push('| set | engine | pages | CER mean | CER median | WER mean | WER median | s/page mean | s/page median | CPU s/page median |');
    out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    const summaries: Record<string, { paliscope: Summary; tesseract: Summary | null }> = {};
    for (const set of ['clean', 'degraded'] as const) {
      const ps = summary(pal.filter((r) => r.set === set));
      if (!ps.pages) continue;
      const tr = tes.filter((r) => r.set === set);
      const ts = tr.length ? summary(tr) : null;
      summaries[set] = { paliscope: ps, tesseract: ts };
      const line = (engineName: string, s: Summary) =>
        `| ${set} | ${engineName} | ${s.pages} | ${pct(s.cerMean)} | ${pct(s.cerMedian)} | ${pct(s.werMean)} | ${pct(s.werMedian)} | ${num(s.secondsMean)} | ${num(s.secondsMedian)} | ${num(s.cpuMedian)} |`;
      out.push(line('Paliscope', ps));
      if (ts) {
        out.push(line('Tesseract', ts));
        const r = (k: keyof Summary) => ratio(ps[k], ts[k]);
        out.push(`| ${set} | **ratio P/T** | | ${r('cerMean')} | ${r('cerMedian')} | ${r('werMean')} | ${r('werMedian')} | ${r('secondsMean')} | ${r('secondsMedian')} | ${r('cpuMedian')} |`);
      }
    }
    const scripts = pal.filter((r) => r.set === 'scripts');
    if (scripts.length) {
      out.push('');
      out.push('| script page (Paliscope, clean) | CER | WER |');
      out.push('| --- | --- | --- |');
      for (const r of scripts) out.push(`| ${r.page} | ${pct(r.cer)} | ${pct(r.wer)} |`);
    }
    out.push('');
    out.push('| set | page | Paliscope s | Paliscope CER | Paliscope WER | Tesseract s | Tesseract CER | Tesseract WER |');
    out.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of pal.filter((x) => x.set !== 'scripts')) {
      const t = tes.find((x) => x.set === r.set && x.page === r.page);
      out.push(`| ${r.set} | ${r.page} | ${num(r.seconds)} | ${pct(r.cer)} | ${pct(r.wer)} | ${t ? num(t.seconds) : '–'} | ${t ? pct(t.cer) : '–'} | ${t ? pct(t.wer) : '–'} |`);
    }
    process.stdout.write(out.join('\n') + '\n');
    if (values.json) writeFileSync(values.json, JSON.stringify({ threads, load: { before: loadBefore, after: loadavg() }, summaries, paliscope: pal, tesseract: skip ? null : { version: tesName, pages: tes } }, null, 2));
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function row(p: EvalPage, seconds: number, cpuSeconds: number, text: string): Row {
  return { page: p.name, set: p.set, seconds, cpuSeconds, cer: pageCer(p.text, text), wer: wer(p.text, text) };
}

process.exitCode = await main();
