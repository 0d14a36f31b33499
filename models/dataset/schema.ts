// The documented shape of a training-data export (models/dataset/README.md): one zod declaration per file kind, from
// which `schema.json` (JSON Schema, draft 2020-12) is written into every export, so the files can be checked
// without Paliscope.
import { z } from 'zod';
import { DATASET_TASKS } from './values';
import { SPLITS } from './split';

const ImagePath = z.string().regex(/^images\/[0-9a-f]{64}\.png$/, 'images/<sha256>.png');

/** One line of train.jsonl / validation.jsonl / test.jsonl. */
export const ExampleLine = z.object({
  id: z.string().regex(/^[0-9a-z-]+$/).describe('stable example id: the task and the store run id'),
  image: ImagePath.describe('the image, relative to the export folder; content-addressed, stored once'),
  prefix: z.string().describe('the prompt exactly as the model was asked'),
  suffix: z.string().describe("the reviewed result in PaliGemma's own output format"),
  task: z.enum(DATASET_TASKS),
  split: z.enum(SPLITS),
  document: z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256 of the source document (splits never share one)'),
  page: z.number().int().nonnegative().describe('0-based page index in the document'),
  region: z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() }).nullable()
    .describe('the part of the page the model saw, in page pixels; null for the whole page'),
  review: z.enum(['accepted', 'corrected']),
  model: z.string().describe('the model whose output was reviewed'),
  runId: z.number().int().positive(),
  maskIou: z.array(z.number().min(0).max(1)).optional().describe('segment: per object, IoU of the reviewed mask and the mask its seg codes decode to'),
}).strict();
export type ExampleLine = z.infer<typeof ExampleLine>;

/** One line of hf/<split>/metadata.jsonl (Hugging Face `imagefolder`). */
export const MetadataLine = z.object({
  file_name: z.string().regex(/^[0-9a-z-]+\.png$/),
  prefix: z.string(),
  suffix: z.string(),
  task: z.enum(DATASET_TASKS),
  id: z.string(),
}).strict();
export type MetadataLine = z.infer<typeof MetadataLine>;

export function jsonSchemas(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Paliscope training-data export',
    $defs: {
      example: z.toJSONSchema(ExampleLine, { target: 'draft-2020-12' }),
      metadata: z.toJSONSchema(MetadataLine, { target: 'draft-2020-12' }),
    },
    description: 'example: one line of train.jsonl, validation.jsonl, test.jsonl; metadata: one line of hf/<split>/metadata.jsonl',
  };
}
