// `paliscope convert <checkpoint-dir> <out-dir> [--dtype fp32|fp16|int8|q4] [--layout paliscope|onnx-community]
//  [--block 32|64|128] [--embed fp32|fp16|int8|int4] [--external-data auto|always|never] [--compute fast|precise]
//  [--ops fused|plain]`
import { ProgressBar } from '../progress-bar';
import { parseArgs } from 'node:util';
import { convertCheckpoint, type Compute, type Layout } from './convert/convert';
import type { DecoderOps } from './convert/decoder-graph';
import type { EmitOptions } from './convert/emit';
import type { WeightDtype } from './convert/quant';

export { convertCheckpoint } from './convert/convert';

const USAGE = `usage: paliscope convert <checkpoint-dir> <out-dir> [--dtype fp32|fp16|int8|q4] [--layout paliscope|onnx-community]
       [--block 32|64|128] [--embed fp32|fp16|int8|int4] [--external-data auto|always|never]
       [--compute fast|precise]  q4 matrices: int8 activations (fast; default for the paliscope layout) or fp32
       [--ops fused|plain]       paliscope decoder: GroupQueryAttention + fused norms (default) or standard ops only`;

function oneOf<T extends string>(v: string | undefined, allowed: readonly T[], what: string): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`${what} "${v}": expected one of ${allowed.join(', ')}`);
  return v as T;
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: {
      dtype: { type: 'string' }, layout: { type: 'string' }, block: { type: 'string' }, embed: { type: 'string' },
      'external-data': { type: 'string' }, compute: { type: 'string' }, ops: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    } });
  } catch (e) {
    process.stderr.write(`paliscope convert: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) { process.stdout.write(USAGE + '\n'); return 0; }
  if (positionals.length !== 2) {
    process.stderr.write(`paliscope convert: expected <checkpoint-dir> and <out-dir>, got ${positionals.length} arguments\n${USAGE}\n`);
    return 2;
  }
  try {
    const block = v.block === undefined ? undefined : Number(oneOf(v.block, ['32', '64', '128'] as const, '--block'));
    const t0 = Date.now();
    const bar = new ProgressBar(process.stderr, 'paliscope convert');
    const r = await convertCheckpoint({
      checkpointDir: positionals[0]!, outDir: positionals[1]!,
      dtype: oneOf<WeightDtype>(v.dtype, ['fp32', 'fp16', 'int8', 'q4'], '--dtype'),
      layout: oneOf<Layout>(v.layout, ['paliscope', 'onnx-community'], '--layout'),
      q4Block: block,
      embedDtype: oneOf<EmitOptions['embedDtype']>(v.embed, ['fp32', 'fp16', 'int8', 'int4'], '--embed'),
      externalData: oneOf(v['external-data'], ['auto', 'always', 'never'] as const, '--external-data'),
      compute: oneOf<Compute>(v.compute, ['fast', 'precise'], '--compute'),
      decoderOps: oneOf<DecoderOps>(v.ops, ['fused', 'plain'], '--ops'),
      log: (m) => {
        bar.clear();
        process.stdout.write(m + '\n');
      },
      onProgress: ({ done, total, graph }) => bar.update(done, total, graph),
    });
    bar.clear();
    process.stdout.write(`converted ${positionals[0]} → ${positionals[1]} (${r.graphs.length} graphs) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`\npaliscope convert: ${(e as Error).message}\n`);
    return 1;
  }
}
