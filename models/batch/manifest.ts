// `--inputs-from list.txt`: the inputs of a batch as a list file, one path per line, so every task of a job array
// reads the same list from shared storage instead of walking a huge folder once per task. Blank lines and lines
// starting with # are skipped; relative paths are taken from the list's own folder, so the list works from any
// working directory (each node of a cluster may start elsewhere).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export async function readInputList(listPath: string): Promise<string[]> {
  const path = resolve(listPath);
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a file');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`--inputs-from ${listPath}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const base = dirname(path);
  const inputs: string[] = [];
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const raw of lines) {
    n++;
    const line = raw.replace(/^\uFEFF/, '');
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    if (line.includes('\0')) throw new Error(`--inputs-from ${listPath}: line ${n} holds a NUL byte (is it a list of paths?)`);
    inputs.push(resolve(base, trimmed));
  }
  if (!inputs.length) throw new Error(`--inputs-from ${listPath}: the list names no files (one path per line; # starts a comment)`);
  return inputs;
}
