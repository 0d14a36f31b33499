// `paliscope parse`: turn a PaliGemma raw output (stdin) into JSON, with boxes in original image pixels.
import { parseArgs } from 'node:util';
import { analyzeOutput, type AnalyzeTask } from './analyze';
import { isTaskName, TASK_NAMES, TASKS } from '../../tasks/table';

const USAGE = `usage: paliscope parse --task TASK [--width W --height H] [--vae vae-oid.npz] < raw.txt

Parses one raw PaliGemma output read from stdin (from Paliscope or any other runtime) and prints JSON with a
"kind" saying what was parsed:
  boxes    detect, segment, ocr-boxes: { objects: [{ label, box: [x0, y0, x1, y1], locs, seg?, mask? }] }
           mask (segment, with --vae): { rle: { size: [h, w], counts }, area }, COCO RLE over the image
  table    table: { table: { rows, cols, cells: [{ row, col, rowspan, colspan, header, text, html }] } }
  molecule molecule: { molecule: { valid, canonical, formula, inchi, inchikey, error, … } } (RDKit)
  music    music: { music: { kern, valid, error: { line, column, message }, svgPages, notes } } (Verovio)
  text     caption, describe, answer, ocr: { text }
  report   report: { text, sections: [{ heading, text }] }
  verdict  vsr: { text, answer: true | false | null }
and "warnings" for anything malformed. Boxes are in pixels of the ORIGINAL image (loc bins decoded as big_vision
does: value / 1023 × width or height).

options:
  --task TASK    ${TASK_NAMES.join(', ')}
  --width W      original image width in pixels (required for detect, segment, ocr-boxes)
  --height H     original image height in pixels (same)
  --vae FILE     segment: the VQ-VAE mask decoder weights (big_vision's vae-oid.npz) to decode masks with
  -h, --help     show this help

Malformed outputs still print what could be parsed, with warnings; the exit code is 0 unless the arguments are wrong.
`;

export interface ParseIo { stdin: AsyncIterable<Buffer | string>; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }

function dimension(v: string | undefined, name: string): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < 1) throw new Error(`--${name} ${v ?? '(missing)'}: expected a positive integer`);
  return n;
}

async function readAll(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of stdin) parts.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(parts).toString('utf8');
}

export async function run(argv: string[], io: ParseIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let task: AnalyzeTask;
  let size = { width: 0, height: 0 };
  let vaePath: string | null = null;
  try {
    const a = parseArgs({
      args: argv,
      options: { task: { type: 'string' }, vae: { type: 'string' }, width: { type: 'string' }, height: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }).values;
    if (a.help) { io.stdout.write(USAGE); return 0; }
    if (a.task === undefined) throw new Error('--task is required');
    if (!isTaskName(a.task)) throw new Error(`--task ${a.task}: expected one of ${TASK_NAMES.join(', ')}`);
    task = a.task;
    if (a.vae !== undefined) {
      if (task !== 'segment') throw new Error('--vae is for --task segment');
      vaePath = a.vae;
    }
    if (TASKS[task].sized) {
      size = { width: dimension(a.width, 'width'), height: dimension(a.height, 'height') };
    }
  } catch (e) {
    io.stderr.write(`paliscope parse: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const raw = await readAll(io.stdin);
  const result = await analyzeOutput(task, raw, { size, vaePath });
  io.stdout.write(JSON.stringify(result, null, 2) + '\n');
  for (const w of result.warnings) io.stderr.write(`paliscope parse: warning: ${w}\n`);
  return 0;
}
