// PaliGemma 2 10B and 28B widths through the whole checkpoint path: a random-weight checkpoint in Google's sharded bf16
// layout with 1 and 2 decoder (and vision) layers is served by the imitation hub (gated), then downloaded, converted
// and installed by `installCheckpoint` in a fresh child process, which reports its wall time per phase and per graph and
// its peak RSS (getrusage maxRSS). The conversion time at full depth (27 vision layers; 42 / 46 decoder layers) is
// computed by arithmetic — the measured seconds per weight read, times the weights a full-depth conversion reads (the
// embedding table twice: embed_tokens and the tied head) — and labelled as computed in the output. (Differences between
// the 1- and 2-layer runs were tried first: on a shared machine the noise is larger than one layer's cost.)
//
//   npx tsx bench/convert/checkpoint-widths.ts [--sizes 10b,28b] [--layers 1,2] [--dtype q4] [--work /tmp/paliscope-widths]
//       [--out bench/convert/results-checkpoint-widths.json]
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const self = fileURLToPath(import.meta.url);
const repo = join(dirname(self), '..', '..');
type Size = '10b' | '28b';

interface InstallReport {
  seconds: number; downloadSeconds: number; graphSeconds: Record<string, number>; maxRssMB: number;
  downloadedBytes: number; outputBytes: number; estimate: { outputBytes: number; peakMemoryBytes: number; params: number };
}

/** Runs this file as a child (asynchronously: the imitation hub answers from this process meanwhile). */
function child(args: string[]): Promise<InstallReport | null> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', self, '--child', ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`child ${args.join(' ')} failed (${code}):\n${err}`));
      const last = out.trim().split('\n').at(-1) ?? '';
      resolve(last.startsWith('{') ? (JSON.parse(last) as InstallReport) : null);
    });
  });
}

async function runChild(job: string, a: Record<string, string | undefined>): Promise<void> {
  if (job === 'fixture') {
    const { writeCheckpointRepo } = await import('../../models/hub/testing/checkpoint-hub');
    writeCheckpointRepo(a.dir!, { preset: `paligemma2-${a.size}-224` as 'paligemma2-10b-224', layers: Number(a.layers), shardBytes: 2e9, gated: true });
    return;
  }
  const { installCheckpoint } = await import('../../models/hub/checkpoint-install');
  const { HubClient } = await import('../../models/hub/hub-client');
  const t0 = performance.now();
  let tDownloadEnd = 0;
  const graphStart: Record<string, number> = {};
  const r = await installCheckpoint({
    client: new HubClient({ endpoint: a.endpoint!, token: a.token! }), repo: a.repo!, modelsDir: a.models!, name: 'bench', dtype: a.dtype as 'q4',
    onProgress: (p) => {
      if (p.phase === 'download') { tDownloadEnd = performance.now(); return; }
      graphStart[p.graph] ??= performance.now();
    },
  });
  const tEnd = performance.now();
  const order = Object.entries(graphStart).sort((x, y) => x[1] - y[1]);
  const graphSeconds = Object.fromEntries(order.map(([g, t], i) => [g, ((order[i + 1]?.[1] ?? tEnd) - t) / 1000]));
  const report: InstallReport = {
    seconds: (tEnd - t0) / 1000, downloadSeconds: (tDownloadEnd - t0) / 1000, graphSeconds, maxRssMB: process.resourceUsage().maxRSS / 1024,
    downloadedBytes: r.downloadedBytes, outputBytes: r.outputBytes,
    estimate: { outputBytes: r.estimate.outputBytes, peakMemoryBytes: r.estimate.peakMemoryBytes, params: r.estimate.params },
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

async function main(): Promise<void> {
  const { values: v } = parseArgs({ options: {
    child: { type: 'string' }, size: { type: 'string' }, layers: { type: 'string' }, dir: { type: 'string' }, endpoint: { type: 'string' },
    token: { type: 'string' }, repo: { type: 'string' }, models: { type: 'string' }, dtype: { type: 'string' },
    sizes: { type: 'string' }, work: { type: 'string' }, out: { type: 'string' },
  } });
  if (v.child) { await runChild(v.child, v); return; }
  const sizes = (v.sizes ?? '10b,28b').split(',') as Size[];
  const layerCounts = (v.layers ?? '1,2').split(',').map(Number);
  const dtype = v.dtype ?? 'q4';
  const work = v.work ?? '/tmp/paliscope-widths';
  const { startImitationHub } = await import('../../models/hub/testing/imitation-hub');
  const { CHECKPOINT_TOKEN } = await import('../../models/hub/testing/checkpoint-hub');
  const results: Array<Record<string, unknown>> = [];
  const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
  for (const size of sizes) {
    const runs: Record<number, InstallReport> = {};
    for (const layers of layerCounts) {
      const dir = join(work, `pg2-${size}-L${layers}`);
      const models = join(work, `models-${size}-L${layers}`);
      rmSync(dir, { recursive: true, force: true });
      rmSync(models, { recursive: true, force: true });
      mkdirSync(models, { recursive: true });
      const tf = performance.now();
      await child(['fixture', '--size', size, '--layers', String(layers), '--dir', dir]);
      const fixtureSeconds = (performance.now() - tf) / 1000;
      const name = `google/paligemma2-${size}-pt-224`;
      const hub = await startImitationHub({ [name]: { dir, grantedToken: CHECKPOINT_TOKEN } });
      const loadBefore = load();
      try {
        runs[layers] = (await child(['install', '--endpoint', hub.endpoint, '--token', CHECKPOINT_TOKEN, '--repo', name, '--models', models, '--dtype', dtype]))!;
      } finally {
        await hub.close();
        rmSync(dir, { recursive: true, force: true });
        rmSync(models, { recursive: true, force: true });
      }
      const row = { size, layers, dtype, fixtureSeconds, loadavgBefore: loadBefore, loadavgAfter: load(), ...runs[layers] };
      results.push(row);
      process.stdout.write(JSON.stringify(row) + '\n');
    }
    const { paligemma2Spec } = await import('../../models/hub/architectures');
    const { estimateConversion } = await import('../../models/hub/conversion-estimate');
    const table = 257216 * paligemma2Spec(size, 224).text.hidden;
    const fullRead = estimateConversion(paligemma2Spec(size, 224), dtype as 'q4').params + table;
    for (const [layers, r] of Object.entries(runs)) {
      // Arithmetic, not a measurement: the same seconds per weight read, over a full-depth checkpoint's weights.
      const convertSeconds = Object.values(r.graphSeconds).reduce((a, b) => a + b, 0);
      const row = {
        size, dtype, fromLayers: Number(layers), scaledToFullDepth: 'computed (seconds per weight read × weights of a full-depth conversion), not measured',
        convertSecondsMeasured: convertSeconds, convertSecondsFullDepth: convertSeconds * (fullRead / (r.estimate.params + table)),
        peakRssMBMeasured: r.maxRssMB, estimatedPeakMB: r.estimate.peakMemoryBytes / 1e6,
      };
      results.push(row);
      process.stdout.write(JSON.stringify(row) + '\n');
    }
  }
  if (v.out) writeFileSync(v.out, JSON.stringify({ measuredAt: new Date().toISOString(), results }, null, 2) + '\n');
}

await main();
