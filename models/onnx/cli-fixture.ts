// `paliscope fixture --preset <name> --out <dir> [--layers N] [--seed S] [--dtype F32|BF16|F16] [--modern-names]
//  [--shard-mb M]`: writes a random-weight PaliGemma checkpoint in the Hugging Face layout.
import { parseArgs } from 'node:util';
import { PRESETS, writeFixture, type PresetName } from './fixture';
import type { StDtype } from './safetensors';

export { writeFixture } from './fixture';

const USAGE = `usage: paliscope fixture --preset <${PRESETS.join('|')}> --out <dir> [--layers N] [--seed S]
       [--dtype F32|BF16|F16] [--modern-names] [--shard-mb M]`;

export async function run(argv: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({ args: argv, options: {
      preset: { type: 'string' }, out: { type: 'string' }, layers: { type: 'string' }, seed: { type: 'string' },
      dtype: { type: 'string' }, 'modern-names': { type: 'boolean' }, 'shard-mb': { type: 'string' }, help: { type: 'boolean', short: 'h' },
    } }).values;
  } catch (e) {
    process.stderr.write(`paliscope fixture: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (v.help) { process.stdout.write(USAGE + '\n'); return 0; }
  if (!v.preset || !v.out) { process.stderr.write(`paliscope fixture: --preset and --out are required\n${USAGE}\n`); return 2; }
  if (!(PRESETS as readonly string[]).includes(v.preset)) {
    process.stderr.write(`paliscope fixture: unknown preset "${v.preset}"; expected one of ${PRESETS.join(', ')}\n`);
    return 2;
  }
  const int = (s: string | undefined, what: string): number | undefined => {
    if (s === undefined) return undefined;
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${what} "${s}": expected a non-negative integer`);
    return n;
  };
  try {
    if (v.dtype && !['F32', 'BF16', 'F16'].includes(v.dtype)) throw new Error(`--dtype "${v.dtype}": expected F32, BF16 or F16`);
    const shardMb = int(v['shard-mb'], '--shard-mb');
    const t0 = Date.now();
    const r = writeFixture({
      preset: v.preset as PresetName, outDir: v.out, layers: int(v.layers, '--layers'), seed: int(v.seed, '--seed'),
      dtype: v.dtype as StDtype | undefined, nameStyle: v['modern-names'] ? 'modern' : 'legacy',
      shardBytes: shardMb ? shardMb * 1024 * 1024 : undefined,
    });
    process.stdout.write(`wrote ${v.preset} (${r.spec.text.layers} decoder / ${r.spec.vision.layers} vision layers, ` +
      `${(r.bytes / 1e6).toFixed(1)} MB of weights) to ${v.out} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`paliscope fixture: ${(e as Error).message}\n`);
    return 1;
  }
}
