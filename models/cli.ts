// Paliscope's command line: the same engine the app uses, without Electron.
// Each subcommand lives beside its subsystem and exports `run(argv): Promise<number>` (the exit code);
// this file only dispatches, so subsystems never edit each other's code.
type Subcommand = { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> };

const subcommands: Record<string, Subcommand> = {
  ocr: { summary: 'read text with boxes from images, TIFF and PDF (built-in PP-OCR)', load: () => import('./ocr/cli') },
  run: { summary: 'caption, detect, read or answer questions about an image with a local PaliGemma model', load: () => import('./paligemma/cli') },
  convert: { summary: 'convert a PaliGemma checkpoint to ONNX', load: () => import('./onnx/cli-convert') },
  parse: { summary: 'parse a raw PaliGemma output (stdin) into JSON: boxes, masks, tables, SMILES, kern, text', load: () => import('./paligemma/tasks/cli') },
  models: { summary: 'list, download (from the Hugging Face Hub), import or remove models', load: () => import('./hub/cli') },
  fixture: { summary: 'write a random-weight PaliGemma checkpoint for tests and benchmarks', load: () => import('./onnx/cli-fixture') },
  'vae-fixture': { summary: 'write a random-weight segmentation mask decoder (vae-oid.npz layout) for tests', load: () => import('./paligemma/tasks/mask/cli') },
  document: { summary: 'read whole documents region by region, in reading order, into Markdown, HTML, DOCX or JSON', load: () => import('./document/cli') },
  batch: { summary: 'run a model on every page of files and folders, resumably, into a project file', load: () => import('./batch/cli') },
  dataset: { summary: 'write reviewed results as PaliGemma fine-tuning data (JSON Lines, imagefolder, dataset card)', load: () => import('./dataset/cli') },
  eval: { summary: 'score a project\'s results against reviewed truth or truth files (CER, AP, TEDS, …)', load: () => import('./eval/cli') },
  export: { summary: 'write a project\'s results as JSON Lines, CSV, COCO JSON or text', load: () => import('./store/export-cli') },
  merge: { summary: 'merge project files (the shards of a cluster batch) into one project', load: () => import('./store/merge-cli') },
  status: { summary: 'pages done, failed and left across project files (shards) while they run', load: () => import('./store/status-cli') },
};

function usage(): string {
  const rows = Object.entries(subcommands).map(([name, s]) => `  ${name.padEnd(12)}${s.summary}`);
  return ['usage: paliscope <command> [options]', '', 'commands:', ...rows, '', 'Run `paliscope <command> --help` for its options.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const sub = subcommands[name];
  if (!sub) {
    process.stderr.write(`paliscope: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const mod = await sub.load();
  return mod.run(rest);
}
