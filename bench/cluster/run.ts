// Sharding on one machine, measured side by side in one run (npm run bench:cluster; needs npm run build first):
//
// 1. pages/s of one `paliscope batch` over all pages vs four shards (--shard K/4) running at once, as four array
//    tasks would on one node — the built-in OCR, and the tiny random-weight PaliGemma;
// 2. what each shard pays before its first page: start-up (node and the CLI, up to the "shard" line), enqueueing
//    (hashing and opening every listed document: each shard reads the whole list), model load (up to the first
//    progress line);
// 3. `paliscope merge` per 1,000 runs (built-in OCR-sized rows), and merging the same files again.
//
// Times come from the CLI's own stderr lines, stamped as they arrive. The machine is shared: read the ratios.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import sharp from 'sharp';
import { prepareTinyModel } from '../../models/paligemma/test-fixture';
import { Store } from '../../models/store/store';

const ROOT = new URL('../..', import.meta.url).pathname;
const CLI = join(ROOT, 'bin', 'paliscope.js');
const PAGES = Number(process.env.BENCH_PAGES ?? 24);
const MERGE_RUNS = Number(process.env.BENCH_MERGE_RUNS ?? 8000);

interface Timed { code: number | null; ms: number; marks: Record<string, number> }

/** Runs the CLI; `marks` are the times (ms from spawn) of the first stderr line matching each pattern. */
function cli(args: string[], patterns: Record<string, RegExp> = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const marks: Record<string, number> = {};
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    createInterface({ input: child.stderr }).on('line', (line) => {
      for (const [k, re] of Object.entries(patterns)) if (marks[k] === undefined && re.test(line)) marks[k] = performance.now() - t0;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, ms: performance.now() - t0, marks }));
  });
}

async function writePages(dir: string, n: number): Promise<string> {
  const words = ['rye', 'oats', 'barley', 'wheat', 'hops', 'flax', 'malt', 'corn'];
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const lines = [0, 1, 2, 3].map((l) => `<text x="24" y="${70 + 44 * l}" font-family="DejaVu Sans" font-size="26">Entry ${i}.${l}: ${words[(i + l) % 8]} sold at ${10 + i + l} shillings</text>`).join('');
    const f = join(dir, `page-${String(i).padStart(3, '0')}.png`);
    writeFileSync(f, await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="800" height="260"><rect width="100%" height="100%" fill="#fff"/>${lines}</svg>`)).png().toBuffer());
    files.push(f);
  }
  const list = join(dir, 'list.txt');
  writeFileSync(list, files.join('\n'));
  return list;
}

const MARKS = { startup: /^paliscope batch: shard /, enqueued: /^paliscope batch: (starting|resuming) batch/, loaded: /^batch:\s+\d+ %/ };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => (ms / 1000).toFixed(2);

async function compare(label: string, list: string, out: string, task: string[]) {
  // One process, both cores.
  const one = await cli(['batch', '--inputs-from', list, ...task, '--threads', '2', '--project', join(out, `${label}-one.paliscope`)]);
  if (one.code !== 0) throw new Error(`${label}: the single batch exited ${one.code}`);
  // Four shards at once, one thread each (as --cpus-per-task=1 array tasks on this node).
  const t0 = performance.now();
  const shards = await Promise.all([0, 1, 2, 3].map((k) =>
    cli(['batch', '--inputs-from', list, ...task, '--threads', '1', '--shard', `${k}/4`, '--project', join(out, `${label}-shard-${k}.paliscope`)], MARKS)));
  const four = performance.now() - t0;
  if (shards.some((r) => r.code !== 0)) throw new Error(`${label}: a shard exited ${shards.map((r) => r.code).join(', ')}`);
  // Overheads of one shard alone (nothing else of this benchmark running).
  const alone = await cli(['batch', '--inputs-from', list, ...task, '--threads', '1', '--shard', '0/4', '--project', join(out, `${label}-alone.paliscope`)], MARKS);
  return {
    label, onePps: PAGES / (one.ms / 1000), fourPps: PAGES / (four / 1000), oneS: one.ms, fourS: four,
    startup: alone.marks.startup!, enqueue: alone.marks.enqueued! - alone.marks.startup!, load: alone.marks.loaded! - alone.marks.enqueued!,
    startupBusy: median(shards.map((r) => r.marks.startup!)), loadBusy: median(shards.map((r) => r.marks.loaded! - r.marks.enqueued!)),
  };
}

/** Shard files of `runs` built-in-OCR-sized runs in all, as four array tasks would leave them. */
function mergeInputs(dir: string, runs: number): string[] {
  const parsed = { task: 'ocr-builtin', width: 800, height: 260, lines: Array.from({ length: 4 }, (_, l) => ({ text: `Entry ${l}: barley sold at 12 shillings`, confidence: 0.99, box: [[24, 40], [700, 40], [700, 80], [24, 80]], words: [] })), meanConfidence: 0.99 };
  const paths: string[] = [];
  for (let k = 0; k < 4; k++) {
    const path = join(dir, `merge-${k}.paliscope`);
    const st = Store.open(path);
    const batch = st.createBatch({ signature: 'bench', task: 'ocr-builtin', prompt: '', modelId: 'builtin-ppocr', modelName: 'PP-OCRv4 (built-in)' });
    st.db.transaction(() => {
      for (let d = 0; d < runs / 4; d++) {
        const sha = `${k}-${d}`.padStart(64, '0').replace(/-/g, 'f');
        const { document } = st.registerDocument({ path: `/archive/box-${k}/scan-${d}.png`, sha256: sha, pageCount: 1, size: 50_000 });
        const [page] = st.ensurePages(document.id, [{ index: 0, width: 800, height: 260 }]);
        st.addBatchItems(batch.id, [page!.id]);
      }
    })();
    for (const item of st.batchItems(batch.id)) {
      st.startItem(item.id);
      st.finishItem(item.id, { pageId: item.pageId, modelId: 'builtin-ppocr', modelName: 'PP-OCRv4 (built-in)', task: 'ocr-builtin', prompt: '', raw: parsed.lines.map((l) => l.text).join('\n'), parsed, timings: { totalMs: 900 }, provider: 'cpu', status: 'done' });
    }
    st.close();
    paths.push(path);
  }
  return paths;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'paliscope-bench-cluster-'));
  try {
    const before = loadavg();
    const out = join(dir, 'out');
    mkdirSync(out);
    const list = await writePages(dir, PAGES);
    const tiny = await prepareTinyModel('paliscope');
    const rows = [
      await compare('built-in OCR', list, out, ['--task', 'ocr-builtin']),
      await compare('tiny PaliGemma', list, out, ['--task', 'ocr', '--model', tiny.modelDir, '--max-new-tokens', '16']),
    ];
    tiny.cleanup();
    const inputs = mergeInputs(dir, MERGE_RUNS);
    const into = join(dir, 'all.paliscope');
    const first = await cli(['merge', ...inputs, '--into', into]);
    const again = await cli(['merge', ...inputs, '--into', into]);
    const noop = await cli(['--help']);
    const after = loadavg();

    console.log(`\nSharding on this machine: ${cpus().length} cores, ${PAGES} pages; load average ${before[0]!.toFixed(1)} before, ${after[0]!.toFixed(1)} after\n`);
    console.log('| task | 1 process (2 threads) | 4 shards at once (1 thread each) | ratio 4/1 |');
    console.log('|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.label} | ${r.onePps.toFixed(2)} pages/s (${s(r.oneS)} s) | ${r.fourPps.toFixed(2)} pages/s (${s(r.fourS)} s) | ${(r.fourPps / r.onePps).toFixed(2)} |`);
    console.log('\nPer shard, before its first page (one shard alone; median of the four running at once in brackets):\n');
    console.log('| task | start-up (node + CLI) | enqueue (hash + open all listed documents) | model load |');
    console.log('|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.label} | ${s(r.startup)} s (${s(r.startupBusy)} s) | ${s(r.enqueue)} s | ${s(r.load)} s (${s(r.loadBusy)} s) |`);
    console.log(`\n(\`paliscope --help\` alone: ${s(noop.ms)} s)`);
    console.log(`\nMerge of 4 shard files, ${MERGE_RUNS} runs: ${s(first.ms)} s (${(first.ms / (MERGE_RUNS / 1000)).toFixed(0)} ms per 1,000 runs, process start included); again (nothing to add): ${s(again.ms)} s (${(again.ms / (MERGE_RUNS / 1000)).toFixed(0)} ms per 1,000 runs)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
