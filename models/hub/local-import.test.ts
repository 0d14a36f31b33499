import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFolder, type ValidationReport } from './local-import';
import { modelFolderLinkingTo, plainModelFolder } from '../testing/hostile/model-folders';

// The real validation opens onnxruntime sessions; here it records which folder it was asked about and accepts a
// folder whose decoder says "graph bytes" (so a folder changed after the check can be told apart).
function recordingValidate(): { seen: string[]; validate: (dir: string) => Promise<ValidationReport> } {
  const seen: string[] = [];
  return {
    seen,
    validate: async (dir) => {
      seen.push(dir);
      const ok = readFileSync(join(dir, 'decoder.onnx'), 'utf8') === 'graph bytes';
      return { dir, ok, layout: 'paliscope', dtypes: ['fp32'], checks: [{ what: 'decoder opens', ok, detail: ok ? 'ok' : 'not a graph' }] };
    },
  };
}

function setup(): { root: string; modelsDir: string; secret: string } {
  const root = mkdtempSync(join(tmpdir(), 'paliscope-import-'));
  const secret = join(root, 'secret.key');
  writeFileSync(secret, 'PRIVATE KEY');
  return { root, modelsDir: join(root, 'models'), secret };
}

describe('importFolder on hostile model folders (models/testing/hostile)', () => {
  it('refuses a folder with a symbolic link out of it, by copy and by reference, naming the link and nothing copied', async () => {
    const { root, modelsDir, secret } = setup();
    const from = modelFolderLinkingTo(join(root, 'shared-model'), secret);
    const { validate } = recordingValidate();
    for (const mode of ['copy', 'reference'] as const) {
      await expect(importFolder({ from, modelsDir, mode, validate })).rejects.toThrow(/tokenizer\.model is a symbolic link to .*secret\.key, outside the model folder/);
    }
    // Nothing of it in the models folder, and no reference recorded.
    const kept = existsSync(modelsDir) ? readdirSync(modelsDir, { recursive: true }).map(String) : [];
    expect(kept.filter((f) => !f.startsWith('.staging'))).toEqual([]);
    expect(kept.some((f) => f.includes('tokenizer'))).toBe(false);
  });

  it('copies a link within the folder as a plain file, and validates the copy, not the source', async () => {
    const { root, modelsDir } = setup();
    const from = modelFolderLinkingTo(join(root, 'linked-model'), 'decoder.onnx');
    const { seen, validate } = recordingValidate();
    const r = await importFolder({ from, modelsDir, validate });
    expect(r.location).toBe(join(modelsDir, 'linked-model'));
    expect(lstatSync(join(r.location, 'tokenizer.model')).isFile()).toBe(true);
    expect(readFileSync(join(r.location, 'tokenizer.model'), 'utf8')).toBe('graph bytes');
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toBe(from);
    expect(seen[0]!.startsWith(modelsDir)).toBe(true);
  });

  it('refuses a copy whose validation fails and keeps nothing of it', async () => {
    const { root, modelsDir } = setup();
    const from = plainModelFolder(join(root, 'bad-model'), 'not a graph');
    const { validate } = recordingValidate();
    await expect(importFolder({ from, modelsDir, validate })).rejects.toThrow(/cannot import .*bad-model:\n.*NOT usable/);
    expect(existsSync(join(modelsDir, 'bad-model'))).toBe(false);
  });

  it('refuses a FIFO (the copy would wait on it for ever)', async (ctx) => {
    const { root, modelsDir } = setup();
    const from = plainModelFolder(join(root, 'fifo-model'));
    try {
      execFileSync('mkfifo', [join(from, 'pipe')]);
    } catch {
      ctx.skip('mkfifo is not available here');
    }
    const { validate } = recordingValidate();
    await expect(importFolder({ from, modelsDir, validate })).rejects.toThrow(/pipe is not a plain file or folder/);
  });
});
