// Hostile model folders for the tests: the files a Paliscope-layout folder needs (not real graphs: the tests pass
// their own validation), plus symbolic links out of the folder, links within it, and special files.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GRAPHS = { vision_encoder: 'vision.onnx', embed_tokens: 'embed.onnx', decoder: 'decoder.onnx' } as const;

/** A folder `dir` that a layout scan accepts: paliscope.json and one file per graph holding `content`. */
export function plainModelFolder(dir: string, content = 'graph bytes'): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'paliscope.json'), JSON.stringify({ format: 'paliscope-onnx', dtype: 'fp32', graphs: GRAPHS }));
  for (const file of Object.values(GRAPHS)) writeFileSync(join(dir, file), content);
  return dir;
}

/** The same folder with `tokenizer.model` a symbolic link to `target` (outside it: a file worth stealing, or inside). */
export function modelFolderLinkingTo(dir: string, target: string): string {
  plainModelFolder(dir);
  symlinkSync(target, join(dir, 'tokenizer.model'));
  return dir;
}
