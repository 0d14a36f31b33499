import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './cli';
import { makeTestProject, type TestProject } from './test-project';

const dir = mkdtempSync(join(tmpdir(), 'dataset-cli-'));
let project: TestProject;
beforeAll(async () => { project = await makeTestProject(join(dir, 'p')); }, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough(), stderr = new PassThrough();
  let out = '', err = '';
  stdout.on('data', (b) => { out += b; });
  stderr.on('data', (b) => { err += b; });
  const code = await run(argv, { stdout, stderr });
  return { code, out, err };
}

describe('paliscope dataset', () => {
  it('writes the dataset and prints counts per task and split', async () => {
    const out = join(dir, 'ds');
    const r = await cli('--project', project.path, '--out', out, '--tasks', 'caption,detect,table', '--resolution', '224', '--seed', '5');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^caption +train \d+ {2}validation \d+ {2}test \d+$/m);
    expect(r.out).toMatch(/6 examples, \d+ images? in /);
    expect(r.err).toMatch(/1 reviewed result left out/);
    expect(r.err).toMatch(/result \d+ \(detect\): object 1: the label "a ; b" holds the object separator/);
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    expect(card).toContain('squashed to 224×224');
  }, 60_000);

  it('--only corrected keeps corrections only', async () => {
    const r = await cli('--project', project.path, '--out', join(dir, 'corr'), '--only', 'corrected', '--tasks', 'caption,detect');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/2 examples/);
  }, 60_000);

  it('bad arguments: exit 2 with the reason; a missing project: exit 1 naming it', async () => {
    expect(await cli('--out', 'x')).toMatchObject({ code: 2, err: expect.stringContaining('--project is required') });
    expect(await cli('--project', project.path)).toMatchObject({ code: 2, err: expect.stringContaining('--out is required') });
    expect(await cli('--project', project.path, '--out', 'x', '--tasks', 'detect,poetry')).toMatchObject({ code: 2, err: expect.stringContaining('unknown task poetry') });
    expect(await cli('--project', project.path, '--out', 'x', '--split', '80/30/10')).toMatchObject({ code: 2, err: expect.stringContaining('add up to 120') });
    expect(await cli('--project', project.path, '--out', 'x', '--resolution', '300')).toMatchObject({ code: 2, err: expect.stringContaining('--resolution 300: expected 224, 448, 896') });
    expect(await cli('--project', project.path, '--out', 'x', '--only', 'rejected')).toMatchObject({ code: 2 });
    expect(await cli('--project', project.path, '--out', 'x', '--seed', '-1')).toMatchObject({ code: 2 });
    expect(await cli('--project', join(dir, 'nope.paliscope'), '--out', 'x')).toMatchObject({ code: 1, err: expect.stringContaining('nope.paliscope: no such project file') });
    const notStore = join(dir, 'p', 'scan-0.png');
    expect(await cli('--project', notStore, '--out', join(dir, 'y'))).toMatchObject({ code: 1, err: expect.stringMatching(/scan-0\.png: (not a Paliscope store|cannot open)/) });
  });
});
