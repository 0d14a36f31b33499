// Memory read bandwidth of this machine, measured in-process: memcmp (Buffer.equals) of two equal buffers reads both
// in full with glibc's vectorised loop, so it is bound by memory rather than by JS arithmetic. Buffers are far larger
// than any cache. Single thread, and one worker per core over halves of SharedArrayBuffers (the decoder runs on
// `threads` intra-op threads, so the multi-thread figure is the relevant ceiling). Best of `reps` passes each.
import { Worker } from 'node:worker_threads';

export interface Bandwidth {
  /** Bytes read per pass (both buffers). */
  bytesPerPass: number;
  singleThreadGBs: number;
  multiThreadGBs: number;
  threads: number;
  reps: number;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { a, b, off, len } = workerData;
const x = Buffer.from(a, off, len), y = Buffer.from(b, off, len);
parentPort.on('message', () => {
  const t0 = performance.now();
  const eq = x.equals(y);
  parentPort.postMessage({ ms: performance.now() - t0, eq });
});
`;

export async function measureBandwidth(o: { bytes?: number; reps?: number; threads: number }): Promise<Bandwidth> {
  const half = Math.floor((o.bytes ?? 1 << 30) / 2 / 4096) * 4096;
  const reps = o.reps ?? 5;
  const sa = new SharedArrayBuffer(half), sb = new SharedArrayBuffer(half);
  const a = Buffer.from(sa), b = Buffer.from(sb);
  // Touch every page (equal contents, so memcmp has to read to the end).
  a.fill(7); b.fill(7);
  let best1 = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    if (!a.equals(b)) throw new Error('bandwidth buffers differ');
    best1 = Math.min(best1, performance.now() - t0);
  }
  const n = Math.max(1, o.threads);
  const slice = Math.floor(half / n / 4096) * 4096;
  const workers = Array.from({ length: n }, (_, i) => new Worker(WORKER, { eval: true, workerData: { a: sa, b: sb, off: i * slice, len: slice } }));
  let bestN = Infinity;
  try {
    for (let r = 0; r < reps; r++) {
      // Wall time from the first start to the last finish: the workers run concurrently.
      const t0 = performance.now();
      await Promise.all(workers.map((w) => new Promise<void>((res, rej) => {
        w.once('message', (m: { eq: boolean }) => (m.eq ? res() : rej(new Error('bandwidth buffers differ'))));
        w.once('error', rej);
        w.postMessage(0);
      })));
      bestN = Math.min(bestN, performance.now() - t0);
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return {
    bytesPerPass: 2 * half, reps, threads: n,
    singleThreadGBs: (2 * half) / (best1 / 1000) / 1e9,
    multiThreadGBs: (2 * slice * n) / (bestN / 1000) / 1e9,
  };
}
