import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './cli';
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
  it('prints JSON with text, ids and timings; streamed text equals the JSON text', async () => {
    const out = sink(), err = sink();
    const args = ['--model', m.modelDir, '--image', imagePath, '--prompt', 'caption en', '--max-tokens', '5', '--threads', '1'];
    expect(await run([...args, '--json'], { stdout: out.w, stderr: err.w })).toBe(0);
    const j = JSON.parse(out.text()) as { text: string; ids: number[]; providers: Record<string, string>; timings: { totalMs: number } };
    expect(j.ids).toHaveLength(5);
    expect(j.providers.decoder).toBe('cpu');
    const s = sink();
    expect(await run(args, { stdout: s.w, stderr: sink().w })).toBe(0);
    expect(s.text()).toBe(`${j.text}\n`);
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
