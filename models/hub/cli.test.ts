// `paliscope models …` end to end against the imitation hub serving the tiny random-weight model: download, verify,
// list, validate by opening the sessions, import (copy and reference), remove; and the failures with their messages.
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { prepareTinyModel, type TinyModel } from '../paligemma/test-fixture';
import { run } from './cli';
import { run as runModel } from '../paligemma/cli';
import { testImagePng } from '../paligemma/test-images';
import { writeFileSync } from 'node:fs';
import { validateModelFolder } from './local-import';
import type { ImitationHub } from './testing/imitation-hub';
import { TINY_GRANTED_TOKEN, startTinyHub } from './testing/tiny-hub';

let tiny: TinyModel;
let hub: ImitationHub;
let catalogPath: string;
let work: string;
let modelsDir: string;

beforeAll(async () => {
  tiny = await prepareTinyModel('onnx-community');
  work = mkdtempSync(join(tmpdir(), 'paliscope-models-cli-'));
  ({ hub, catalogPath } = await startTinyHub(tiny.modelDir, work));
});
afterAll(async () => {
  await hub.close();
  tiny.cleanup();
  rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  modelsDir = mkdtempSync(join(work, 'models-'));
  vi.unstubAllEnvs();
  vi.stubEnv('PALISCOPE_MODELS_DIR', '');
  vi.stubEnv('HF_TOKEN', '');
  vi.stubEnv('PALISCOPE_HF_ENDPOINT', '');
  vi.stubEnv('HF_ENDPOINT', hub.endpoint); // the endpoint override the CLI reads
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  try {
    const code = await run([...args, '--models-dir', modelsDir, '--catalog', catalogPath]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('paliscope models', () => {
  it('downloads the tiny model from the hub at HF_ENDPOINT, verifies and lists it, and the sessions open', async () => {
    hub.requests.length = 0;
    const dl = await cli('download', 'tiny-test');
    expect(dl.err).toMatch(/tiny-test fp32: 100 %/); // the progress bar (not a terminal: one line per tenth)
    expect(dl.code).toBe(0);
    expect(dl.out).toMatch(/downloaded tiny-test \(fp32, \d+ files, .*\) from http:\/\/127\.0\.0\.1:\d+ to .*tiny-test-fp32; every file matched/);
    expect(hub.requests.some((r) => r.url.startsWith('/api/models/paliscope/tiny-test/tree/main'))).toBe(true);
    expect(readdirSync(modelsDir)).toEqual(['tiny-test-fp32']);

    const list = await cli('list', '--json');
    const parsed = JSON.parse(list.out) as { installed: Array<Record<string, unknown>>; catalog: Array<{ id: string }> };
    expect(parsed.installed).toEqual([expect.objectContaining({ name: 'tiny-test-fp32', source: 'download', catalogId: 'tiny-test', layout: 'onnx-community', dtypes: ['fp32'], resolution: 56, problem: null })]);
    expect(parsed.catalog.map((c) => c.id)).toEqual(expect.arrayContaining(['paligemma2-3b-pt-224-onnx', 'paligemma2-3b-mix-448', 'pp-ocrv4', 'tiny-test']));
    const text = await cli('list');
    expect(text.out).toMatch(/tiny-test-fp32\s+[0-9a-f]{16}\s+onnx-community\s+fp32\s+56 px\s+[\d.]+ MB\s+download/);
    expect(text.out).toMatch(/ {2}[\d.]+ MB in .*models-\w+ · [\d.]+ [GT]B free on that disk/);
    expect(text.out).toMatch(/tiny-test .*\n.*paliscope\/tiny-test\n.*\*fp32/);

    const report = await validateModelFolder(join(modelsDir, 'tiny-test-fp32'));
    expect(report.checks.map((c) => `${c.what}:${c.ok}`)).toEqual(['files present:true', 'configuration:true', 'vision_encoder opens:true', 'embed_tokens opens:true', 'decoder opens:true']);

    // …and runs on a page with `paliscope run`, as any model folder does.
    const page = join(work, 'page.png');
    writeFileSync(page, await testImagePng('text'));
    let runOut = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((x) => { runOut += String(x); return true; });
    const code = await runModel(['--model', join(modelsDir, 'tiny-test-fp32'), '--image', page, '--prompt', 'caption en', '--max-new-tokens', '6', '--json']).finally(() => o.mockRestore());
    expect(code).toBe(0);
    expect(JSON.parse(runOut)).toMatchObject({ tokens: expect.any(Array), provider: expect.anything() });
    expect((JSON.parse(runOut) as { tokens: unknown[] }).tokens.length).toBeGreaterThan(0);

    const again = await cli('download', 'tiny-test');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/tiny-test-fp32 already exists; remove that model first/);

    const rm = await cli('remove', 'tiny-test-fp32');
    expect(rm.code).toBe(0);
    expect(rm.out).toMatch(/deleted tiny-test-fp32/);
    expect(readdirSync(modelsDir)).toEqual([]);
  });

  it('says a gated model needs HF_TOKEN, and downloads it once the token is set', async () => {
    const denied = await cli('download', 'tiny-gated');
    expect(denied.code).toBe(1);
    expect(denied.err).toMatch(/paliscope\/tiny-gated is gated and needs an access token \(HTTP 401\).*HF_TOKEN/);
    expect(readdirSync(modelsDir)).toEqual([]);
    vi.stubEnv('HF_TOKEN', 'hf_not_granted');
    expect((await cli('download', 'tiny-gated')).err).toMatch(/token was refused .*HTTP 403/);
    expect(readdirSync(modelsDir)).toEqual([]);
    vi.stubEnv('HF_TOKEN', TINY_GRANTED_TOKEN);
    expect((await cli('download', 'tiny-gated')).code).toBe(0);
    expect(readdirSync(modelsDir)).toEqual(['tiny-gated-fp32']);
  });

  it('reports a corrupted file and leaves the models folder clean', async () => {
    hub.misbehave.corrupt.add('onnx/decoder_model_merged.onnx');
    const r = await cli('download', 'tiny-test');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/onnx\/decoder_model_merged\.onnx: its SHA-256 is .* the file was discarded/);
    expect(readdirSync(modelsDir)).toEqual([]);
  });

  it('names unknown models and variants', async () => {
    expect((await cli('download', 'nope')).err).toMatch(/no model "nope" in the catalog; known: .*paligemma2-3b-pt-224/);
    expect((await cli('download', 'tiny-test', '--dtype', 'q4')).err).toMatch(/tiny-test has no q4 variant; available: fp32/);
    expect((await cli('frobnicate')).code).toBe(2);
  });

  it('imports a folder by copy and by reference after validating it, and refuses a broken one with a report', async () => {
    const copy = await cli('import', tiny.modelDir, '--name', 'my-tiny');
    expect(copy.code).toBe(0);
    expect(copy.out).toMatch(/usable\n.*ok {3}files present: onnx-community layout; dtypes fp32[\s\S]*copied to .*my-tiny/);
    const ref = await cli('import', tiny.modelDir, '--reference');
    expect(ref.code).toBe(0);
    const list = JSON.parse((await cli('list', '--json')).out) as { installed: Array<{ name: string; source: string; location: string }> };
    expect(list.installed.map((m) => [m.name, m.source])).toEqual([['my-tiny', 'import'], ['model', 'reference']]);
    // Removing a reference forgets it and leaves its files alone.
    expect((await cli('remove', 'model')).out).toMatch(/forgot .*its files were left/);
    expect(existsSync(join(tiny.modelDir, 'onnx'))).toBe(true);

    const broken = join(work, 'broken');
    cpSync(tiny.modelDir, broken, { recursive: true });
    rmSync(join(broken, 'onnx/embed_tokens.onnx'));
    const bad = await cli('import', broken);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/cannot import .*broken:\n.*NOT usable\n {2}FAIL files present: .*embed_tokens/);
    expect(readdirSync(modelsDir).filter((n) => !n.startsWith('.'))).toEqual(['my-tiny']);
  });
});
