// `paliscope document` throughput, side by side in one run: a born-digital PDF read from its text layer, and a
// scanned PDF read by the built-in OCR (both generated, two-column and single-column pages of known text). Prints
// pages/s of reading (regions, order, routing, storing; the export is timed apart), the load average, and whether
// the Markdown of the two-column PDF keeps the known reading order.
//   npx tsx bench/document/run.ts [--digital N] [--scanned N] [--threads N]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Writable } from 'node:stream';
import { run } from '../../models/document/cli';
import { generateBornDigital, generateScanned } from '../../models/document/testing/generate';

const KNOWN_ORDER = ['Reading order in two columns', 'Alpha opens', 'Bravo continues', 'Charlie starts', '![Figure]', 'Figure 1: Bars', 'Delta closes'];

async function timed(args: string[]): Promise<{ code: number; seconds: number; pagesPerSecond: number | null; out: string }> {
  let out = '';
  const sink = new Writable({ write(c, _e, cb) { out += String(c); cb(); } });
  const t0 = performance.now();
  const code = await run(args, { stdout: sink, stderr: new Writable({ write(_c, _e, cb) { cb(); } }) });
  const seconds = (performance.now() - t0) / 1000;
  const m = /\((\d+) in ([\d.]+) s, ([\d.]+) pages\/s\)/.exec(out);
  return { code, seconds, pagesPerSecond: m ? Number(m[3]) : null, out };
}

function inOrder(md: string): boolean {
  let at = -1;
  for (const n of KNOWN_ORDER) {
    const i = md.indexOf(n, at + 1);
    if (i <= at) return false;
    at = i;
  }
  return true;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { digital: { type: 'string', default: '20' }, scanned: { type: 'string', default: '4' }, threads: { type: 'string', default: '2' } } });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paliscope-bench-document-'));
  try {
    const digital = path.join(dir, 'born-digital.pdf'), scanned = path.join(dir, 'scanned.pdf');
    writeFileSync(digital, await generateBornDigital(Number(values.digital)));
    writeFileSync(scanned, await generateScanned(Number(values.scanned)));
    const load = os.loadavg();
    const a = await timed([digital, '--to', 'md', '--out', path.join(dir, 'out'), '--project', path.join(dir, 'a.paliscope'), '--threads', values.threads!]);
    const b = await timed([scanned, '--to', 'md', '--out', path.join(dir, 'out'), '--project', path.join(dir, 'b.paliscope'), '--threads', values.threads!]);
    const loadAfter = os.loadavg();
    const md = readFileSync(path.join(dir, 'out', 'born-digital.md'), 'utf8');
    const firstPage = md.slice(0, md.indexOf('Reading order in two columns', 10));
    const rows = [
      { input: `born-digital PDF, ${values.digital} pages (text layer)`, ...a },
      { input: `scanned PDF, ${values.scanned} pages (built-in OCR, ${values.threads} threads)`, ...b },
    ];
    for (const r of rows) {
      process.stdout.write(`${r.input}: ${r.pagesPerSecond?.toFixed(2) ?? '?'} pages/s reading, ${r.seconds.toFixed(2)} s in all with the Markdown export (exit ${r.code})\n`);
    }
    if (a.pagesPerSecond && b.pagesPerSecond) process.stdout.write(`text layer / OCR: ${(a.pagesPerSecond / b.pagesPerSecond).toFixed(0)}× faster\n`);
    process.stdout.write(`Markdown reading order of the two-column page matches the known order: ${inOrder(firstPage) ? 'yes' : 'NO'}\n`);
    process.stdout.write(`load average before ${load.map((x) => x.toFixed(2)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' ')} (${os.cpus().length} CPUs)\n`);
    return a.code || b.code || (inOrder(firstPage) ? 0 : 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
