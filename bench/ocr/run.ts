// OCR benchmark: Paliscope's built-in engine vs Tesseract on the same generated pages, one run.
// Prints, per engine, median seconds per page, mean page CER (reading-order sensitive,
// whitespace-normalised) and mean line CER (each truth line against its best predicted line),
// and the Paliscope/Tesseract ratios.
//   npx tsx bench/ocr/run.ts [--pages N] [--threads N] [--json FILE]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createOcrEngine } from '../../models/ocr/engine';
import { pageToText } from '../../models/ocr/export/text';
import { lineCer, pageCer } from '../../models/ocr/metrics';
import { buildEvalPages } from './pages';
import { ensureTesseract, runTesseract, tesseractVersion } from './tesseract';

interface Row {
  page: string;
  seconds: number;
  cpuSeconds: number;
  pageCer: number;
  lineCer: number;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { pages: { type: 'string' }, threads: { type: 'string', default: '2' }, json: { type: 'string' } } });
  const threads = Number(values.threads);
  const log = (s: string) => process.stderr.write(s + '\n');
  const loadBefore = os.loadavg();
  const pages = await buildEvalPages(values.pages ? Number(values.pages) : undefined);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paliscope-bench-ocr-'));
  try {
    // Tesseract reads files: write each page losslessly (the JPEG damage is already in the pixels).
    for (const p of pages) {
      await sharp(p.image.data, { raw: { width: p.image.width, height: p.image.height, channels: 3 } }).png().toFile(path.join(dir, `${p.name}.png`));
    }

    const engine = await createOcrEngine({ threads });
    const pal: Row[] = [];
    // One warm-up page so session initialisation is not billed to the first page.
    await engine.recognize(pages[0]!.image);
    for (const p of pages) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const page = await engine.recognize(p.image);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(c0);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      const text = pageToText(page);
      pal.push({ page: p.name, seconds, cpuSeconds, pageCer: pageCer(p.text, text), lineCer: lineCer(p.lines, page.lines.map((l) => l.text)) });
      log(`paliscope  ${p.name.padEnd(40)} ${seconds.toFixed(2)} s (cpu ${cpuSeconds.toFixed(2)} s)  page CER ${pal.at(-1)!.pageCer.toFixed(4)}`);
    }
    await engine.dispose();

    const skip = ensureTesseract(log);
    const tes: Row[] = [];
    let tesName = 'tesseract';
    if (skip) log(`tesseract skipped: ${skip}`);
    else {
      tesName = await tesseractVersion();
      for (const p of pages) {
        const t0 = performance.now();
        const { text, cpuSeconds } = await runTesseract(path.join(dir, `${p.name}.png`), threads);
        const seconds = (performance.now() - t0) / 1000;
        tes.push({ page: p.name, seconds, cpuSeconds, pageCer: pageCer(p.text, text), lineCer: lineCer(p.lines, text.split('\n')) });
        log(`tesseract  ${p.name.padEnd(40)} ${seconds.toFixed(2)} s (cpu ${cpuSeconds.toFixed(2)} s)  page CER ${tes.at(-1)!.pageCer.toFixed(4)}`);
      }
    }

    const summary = (rows: Row[]) => ({ medianSeconds: median(rows.map((r) => r.seconds)), medianCpuSeconds: median(rows.map((r) => r.cpuSeconds)), pageCer: mean(rows.map((r) => r.pageCer)), lineCer: mean(rows.map((r) => r.lineCer)) });
    const ps = summary(pal);
    const out: string[] = [];
    out.push(`OCR benchmark: ${pages.length} generated pages (1275×1650, 150 DPI), ${threads} thread(s), ${os.cpus().length} CPU(s) [${os.cpus()[0]?.model ?? '?'}]`);
    out.push(`load average before/after: ${loadBefore.map((v) => v.toFixed(1)).join(' ')} / ${os.loadavg().map((v) => v.toFixed(1)).join(' ')} (other work on the machine inflates the timings)`);
    out.push('');
    out.push('| engine | median s/page | median CPU s/page | page CER | line CER |');
    out.push('| --- | --- | --- | --- | --- |');
    out.push(`| Paliscope (PP-OCRv4, onnxruntime-node) | ${ps.medianSeconds.toFixed(2)} | ${ps.medianCpuSeconds.toFixed(2)} | ${(ps.pageCer * 100).toFixed(2)}% | ${(ps.lineCer * 100).toFixed(2)}% |`);
    let ts: ReturnType<typeof summary> | null = null;
    if (tes.length) {
      ts = summary(tes);
      out.push(`| ${tesName} (eng, psm 3, CLI incl. start-up) | ${ts.medianSeconds.toFixed(2)} | ${ts.medianCpuSeconds.toFixed(2)} | ${(ts.pageCer * 100).toFixed(2)}% | ${(ts.lineCer * 100).toFixed(2)}% |`);
      const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : a > 0 ? '∞' : '1.00 (both 0)');
      out.push(`| ratio Paliscope / Tesseract | ${ratio(ps.medianSeconds, ts.medianSeconds)} | ${ratio(ps.medianCpuSeconds, ts.medianCpuSeconds)} | ${ratio(ps.pageCer, ts.pageCer)} | ${ratio(ps.lineCer, ts.lineCer)} |`);
    }
    out.push('');
    out.push('| page | Paliscope s | Paliscope page CER | Tesseract s | Tesseract page CER |');
    out.push('| --- | --- | --- | --- | --- |');
    pal.forEach((r, i) => {
      const t = tes[i];
      out.push(`| ${r.page} | ${r.seconds.toFixed(2)} | ${(r.pageCer * 100).toFixed(2)}% | ${t ? t.seconds.toFixed(2) : '–'} | ${t ? (t.pageCer * 100).toFixed(2) + '%' : '–'} |`);
    });
    process.stdout.write(out.join('\n') + '\n');
    if (values.json) writeFileSync(values.json, JSON.stringify({ threads, paliscope: { summary: ps, pages: pal }, tesseract: ts ? { version: tesName, summary: ts, pages: tes } : null }, null, 2));
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
