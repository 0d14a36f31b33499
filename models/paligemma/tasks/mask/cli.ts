// `paliscope vae-fixture <out.npz> [--seed S] [--embedding-dim D] [--compress]`: writes a random-weight VQ-VAE
// checkpoint in the layout of big_vision's vae-oid.npz, for tests and benchmarks of segmentation masks.
import { parseArgs } from 'node:util';
import { writeRandomVae } from './fixture';
import { loadVaeWeights } from './vae-weights';

const USAGE = `usage: paliscope vae-fixture <out.npz> [--seed S] [--embedding-dim D] [--compress]

Writes a VQ-VAE mask decoder checkpoint with random weights, in the layout of big_vision's vae-oid.npz
(_vq_vae._embedding [128, D], decoder.* in PyTorch layout, float32), then reads it back to check it.

options:
  --seed S            random seed (default 0)
  --embedding-dim D   codebook vector size (default 512)
  --compress          deflate the members (np.savez_compressed) instead of storing them (np.savez)
  -h, --help          show this help
`;

export interface CliIo { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }

function nonNegativeInt(v: string | undefined, name: string, fallback: number, min = 0): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} ${v}: expected an integer ≥ ${min}`);
  return n;
}

export async function run(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let out: string, seed: number, embeddingDim: number, compress: boolean;
  try {
    const { values: v, positionals } = parseArgs({
      args: argv, allowPositionals: true,
      options: { seed: { type: 'string' }, 'embedding-dim': { type: 'string' }, compress: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (v.help) { io.stdout.write(USAGE); return 0; }
    if (positionals.length !== 1) throw new Error(positionals.length ? `expected one output path, got ${positionals.length}` : 'the output path is required');
    out = positionals[0]!;
    seed = nonNegativeInt(v.seed, 'seed', 0);
    embeddingDim = nonNegativeInt(v['embedding-dim'], 'embedding-dim', 512, 1);
    compress = v.compress ?? false;
  } catch (e) {
    io.stderr.write(`paliscope vae-fixture: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  try {
    const bytes = writeRandomVae(out, { seed, embeddingDim, compress });
    loadVaeWeights(out);
    io.stdout.write(`wrote ${out}: random VQ-VAE decoder (D = ${embeddingDim}, seed ${seed}${compress ? ', deflated' : ''}), ${(bytes / 1e6).toFixed(2)} MB\n`);
    return 0;
  } catch (e) {
    io.stderr.write(`paliscope vae-fixture: ${(e as Error).message}\n`);
    return 1;
  }
}
