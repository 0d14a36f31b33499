// The dataset card (README.md of an export): what is in it, where it came from, how it was split, what was left out
// and why, and the licence of the source documents — left for the person exporting to fill, never guessed.
import type { ExampleLine } from './schema';
import { SPLITS, type Split, type SplitRatios } from './split';
import type { Skipped } from './build';

export interface CardInput {
  projectName: string;
  lines: ExampleLine[];
  skipped: Skipped[];
  counts: Record<string, Record<Split, number>>;
  ratios: SplitRatios;
  seed: number;
  resolution: number | null;
  only: string[];
}

/** Markdown table cell text: model output and file names are data, never markup. */
const cell = (s: string) => s.replace(/[\\|`*_<>[\]]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');

export function datasetCard(c: CardInput): string {
  const pct = (v: number) => `${Math.round(v * 100)}`;
  const tasks = Object.keys(c.counts).sort();
  const total = (s: Split) => tasks.reduce((n, t) => n + c.counts[t]![s], 0);
  const models = new Map<string, number>();
  for (const l of c.lines) models.set(l.model, (models.get(l.model) ?? 0) + 1);
  const reviews = { accepted: c.lines.filter((l) => l.review === 'accepted').length, corrected: c.lines.filter((l) => l.review === 'corrected').length };
  const documents = new Set(c.lines.map((l) => l.document));
  const reasons = new Map<string, number>();
  for (const s of c.skipped) reasons.set(`${s.task}: ${s.reason}`, (reasons.get(`${s.task}: ${s.reason}`) ?? 0) + 1);
  const seg = c.lines.filter((l) => l.maskIou?.length);

  const out: string[] = [
    '---',
    'configs:',
    '- config_name: default',
    '  data_files:',
    ...SPLITS.map((s) => `  - split: ${s}\n    path: hf/${s}/**`),
    '---',
    '',
    `# Training data from the Paliscope project "${cell(c.projectName)}"`,
    '',
    `${c.lines.length} examples from ${documents.size} documents, made from reviewed results (${c.only.join(' and ')}) for fine-tuning PaliGemma:`,
    'each example is an image, the prompt the model was asked (`prefix`) and the reviewed result in PaliGemma\'s own',
    'output format (`suffix`: loc tokens for boxes, loc + seg tokens for masks, HTML for tables, canonical SMILES,',
    'bekern for scores, text otherwise).',
    '',
    '## Licence of the source documents',
    '',
    '**To be filled in by the person who made this export:** the licence or terms under which the source documents',
    '(and so these images and texts) may be used and shared. Paliscope does not know it.',
    '',
    '## Counts',
    '',
    '| task | train | validation | test |',
    '|---|---|---|---|',
    ...tasks.map((t) => `| ${t} | ${c.counts[t]!.train} | ${c.counts[t]!.validation} | ${c.counts[t]!.test} |`),
    `| **all** | ${total('train')} | ${total('validation')} | ${total('test')} |`,
    '',
    `Reviews: ${reviews.accepted} accepted as the model wrote them, ${reviews.corrected} corrected by a person.`,
    '',
    '## Models that produced the drafts',
    '',
    '| model | examples |',
    '|---|---|',
    ...[...models].sort((a, b) => b[1] - a[1]).map(([m, n]) => `| ${cell(m)} | ${n} |`),
    '',
    '## How it was split',
    '',
    `By document (every page of a document is in one split, so nothing leaks from training into evaluation), stratified by`,
    `task, aiming at ${pct(c.ratios.train)}/${pct(c.ratios.validation)}/${pct(c.ratios.test)} (train/validation/test), from seed ${c.seed}: the same project, options and`,
    'seed give the same splits.',
    '',
    `Images: ${c.resolution ? `squashed to ${c.resolution}×${c.resolution} as PaliGemma sees them (bicubic)` : 'at the size the model was given (the page, or the region of a region run)'};`,
    'PNG, named by the SHA-256 of their bytes and stored once.',
    '',
    '## Files',
    '',
    '- `train.jsonl`, `validation.jsonl`, `test.jsonl`: one example a line — `image` (a path in this folder), `prefix`, `suffix`, and',
    '  `task`, `split`, `document` (SHA-256), `page`, `region`, `review`, `model`, `runId`, `maskIou` (segmentation).',
    '- `hf/<split>/metadata.jsonl` and its images: a Hugging Face `imagefolder` —',
    '  `datasets.load_dataset("imagefolder", data_dir="hf")`, or this folder itself (the card\'s `configs`).',
    '- `schema.json`: the JSON Schema both kinds of line validate against.',
    '',
  ];
  if (seg.length) {
    const all = seg.flatMap((l) => l.maskIou!);
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    out.push(
      '## Segmentation: how faithful the mask codes are',
      '',
      'A mask is written as 16 codes of the VQ-VAE (vae-oid.npz); the codes decode back to an approximation of it. Per',
      `example, the IoU of each reviewed mask and its decoded codes (mean over all ${all.length} masks: ${mean.toFixed(3)}):`,
      '',
      '| example | split | IoU per object |',
      '|---|---|---|',
      ...seg.map((l) => `| ${l.id} | ${l.split} | ${l.maskIou!.map((v) => v.toFixed(3)).join(', ')} |`),
      '',
    );
  }
  out.push('## Left out', '');
  if (!c.skipped.length) out.push('Nothing: every reviewed result in scope became an example.', '');
  else {
    out.push(`${c.skipped.length} reviewed result${c.skipped.length === 1 ? '' : 's'} could not become examples:`, '', '| task: reason | results |', '|---|---|');
    out.push(...[...reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `| ${cell(r)} | ${n} |`), '');
  }
  out.push('Made with Paliscope (`paliscope dataset`, or Project → Export training data… in the app).', '');
  return out.join('\n');
}
