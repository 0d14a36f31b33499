import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { run } from './cli';
import { analyzeRun } from '../runs/analyze';
import { prepareTinyModel, type TinyModel } from './test-fixture';
import { testImagePng } from './test-images';

const sink = () => {
  const chunks: string[] = [];
  const w = new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } });
  return { w, text: () => chunks.join('') };
};
let m: TinyModel, imagePath: string;
beforeAll(async () => {
  m = await prepareTinyModel('paliscope');
  imagePath = join(m.root, 'page.png');
  writeFileSync(imagePath, await testImagePng('photo'));
});
afterAll(() => m.cleanup());

describe('paliscope run', () => {
  it('prints JSON with text, tokens (id, text, logprob), timings and provider; streamed text equals the JSON text', async () => {
    const out = sink(), err = sink();
    const args = ['--model', m.modelDir, '--image', imagePath, '--prompt', 'caption en', '--max-new-tokens', '5', '--threads', '1'];
    expect(await run([...args, '--json'], { stdout: out.w, stderr: err.w })).toBe(0);
    const j = JSON.parse(out.text()) as { text: string; tokens: { id: number; text: string; logprob: number }[]; provider: string; timings: { totalMs: number } };
    expect(j.tokens).toHaveLength(5);
    for (const t of j.tokens) {
      expect(Number.isInteger(t.id)).toBe(true);
      expect(typeof t.text).toBe('string');
      expect(t.logprob).toBeLessThanOrEqual(0);
    }
    expect(j.provider).toBe('cpu');
    expect(j.timings.totalMs).toBeGreaterThan(0);
    const s = sink();
    expect(await run(args, { stdout: s.w, stderr: sink().w })).toBe(0);
    expect(s.text()).toBe(`${j.text}\n`);
  });

  it('samples when a sampling option is given, reproducibly by seed', async () => {
    const once = async () => {
      const out = sink();
      const args = ['--model', m.modelDir, '--image', imagePath, '--prompt', 'caption en', '--max-new-tokens', '6', '--threads', '1', '--temperature', '1.5', '--seed', '7', '--json'];
      expect(await run(args, { stdout: out.w, stderr: sink().w })).toBe(0);
      return (JSON.parse(out.text()) as { tokens: { id: number }[] }).tokens.map((t) => t.id);
    };
    expect(await once()).toEqual(await once());
    const err = sink();
    expect(await run(['--model', m.modelDir, '--image', imagePath, '--prompt', 'x', '--beams', '2', '--top-p', '0.9'], { stdout: sink().w, stderr: err.w })).toBe(2);
    expect(err.text()).toMatch(/exclude each other/);
  });

  it('--task parses its own output as paliscope parse would, boxes in the image pixels', async () => {
    const out = sink();
    const args = ['--model', m.modelDir, '--image', imagePath, '--prompt', 'detect cat', '--max-new-tokens', '24', '--threads', '1', '--seed', '0', '--task', 'detect', '--json'];
    expect(await run(args, { stdout: out.w, stderr: sink().w })).toBe(0);
    const j = JSON.parse(out.text()) as { text: string; parsed: { kind: string; width: number; height: number; objects: unknown[] } };
    const meta = await sharp(imagePath).metadata();
    expect(j.parsed).toMatchObject({ kind: 'boxes', task: 'detect', width: meta.width, height: meta.height });
    // The random model's output is arbitrary: the point is that the CLI's parse is the shared analyzer's.
    expect(j.parsed).toEqual(await analyzeRun({ task: 'detect', raw: j.text, seen: { width: meta.width!, height: meta.height! } }));
    const err = sink();
    expect(await run(['--model', m.modelDir, '--image', imagePath, '--prompt', 'x', '--task', 'poem'], { stdout: sink().w, stderr: err.w })).toBe(2);
    expect(err.text()).toMatch(/--task poem: expected one of/);
  });

  it('exit 2 with usage on bad arguments, 1 with the error code on a missing model', async () => {
    const err = sink();
    expect(await run(['--model', m.modelDir, '--image', imagePath], { stdout: sink().w, stderr: err.w })).toBe(2);
    expect(err.text()).toMatch(/--prompt is required/);
    const err2 = sink();
    expect(await run(['--model', join(m.root, 'nope'), '--image', imagePath, '--prompt', 'x'], { stdout: sink().w, stderr: err2.w })).toBe(1);
    expect(err2.text()).toMatch(/\[MODEL_NOT_FOUND\]/);
  });
});
