import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeOutput } from '../paligemma/tasks/analyze';
import { rleIou } from '../paligemma/tasks/mask/segment-encode';
import type { CocoRle } from '../paligemma/tasks/mask/mask';
import { normalizeKern } from '../paligemma/tasks/music/serialize-bekern';
import { Store } from '../store/store';
import { buildDataset } from './build';
import { ExampleLine, MetadataLine } from './schema';
import { valueInForce } from './values';
import { makeTestProject, type TestProject } from './test-project';

/** The fields of the results compared below, whatever their task. */
interface Loose {
  warnings?: string[];
  objects: { label: string; box: number[]; mask?: { rle: CocoRle } }[];
  table: { cells: { row: number; col: number; text: string; rowspan: number; colspan: number; header: boolean }[] };
  molecule: { canonical: string };
  music: { kern: string; notes: unknown[] };
  answer: boolean;
  text: string;
}

const dir = mkdtempSync(join(tmpdir(), 'dataset-'));
let project: TestProject;
let lines: ExampleLine[];
let summary: Awaited<ReturnType<typeof buildDataset>>;
const out = join(dir, 'out');

const readLines = (d: string) => ['train', 'validation', 'test'].flatMap((s) => readFileSync(join(d, `${s}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => ExampleLine.parse(JSON.parse(l))));

beforeAll(async () => {
  project = await makeTestProject(join(dir, 'project'));
  const store = Store.open(project.path, { mustExist: true, readonly: true });
  try {
    summary = await buildDataset({ store, projectName: 'study', outDir: out, vaePath: project.vaePath, seed: 3, split: { train: 0.5, validation: 0.25, test: 0.25 } });
  } finally { store.close(); }
  lines = readLines(out);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildDataset', () => {
  it('one example per accepted or corrected result of every task; rejected and unfaithful ones left out with the reason', () => {
    expect(lines.map((l) => l.task).sort()).toEqual(['answer', 'caption', 'caption', 'detect', 'detect', 'detect', 'molecule', 'music', 'ocr', 'ocr-boxes', 'report', 'segment', 'table', 'vsr']);
    expect(summary.examples).toBe(lines.length);
    expect(summary.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/object 1 \(box\) has no mask/),
      expect.stringMatching(/verdict is neither true nor false/),
      expect.stringMatching(/holds the object separator/),
    ]);
    expect(summary.skipped).toHaveLength(project.expectedSkips);
  });

  it('round trip for every task: parsing the suffix gives the reviewed value', async () => {
    const store = Store.open(project.path, { mustExist: true, readonly: true });
    try {
      for (const l of lines) {
        const row = store.results({ review: 'reviewed' }).find((r) => r.run.id === l.runId)!;
        const value = valueInForce(row) as Loose;
        expect(l.prefix).toBe(row.run.prompt);
        const size = l.region ?? { width: row.page.width!, height: row.page.height! };
        const back = (await analyzeOutput(l.task, l.suffix, { size, vaePath: project.vaePath })) as unknown as Loose;
        const what = `${l.id}: ${l.suffix.slice(0, 80)}`;
        // The bekern reader says what it converted; that is the conversion working, not a problem.
        expect((back.warnings ?? []).filter((w) => !w.startsWith('bekern:')), what).toEqual([]);
        switch (l.task) {
          case 'detect': case 'ocr-boxes': case 'segment': {
            const want = value.objects, got = back.objects;
            expect(got.map((o) => o.label), what).toEqual(want.map((o) => o.label));
            got.forEach((o, i) => o.box.forEach((v, k) => {
              const shift = l.region ? (k % 2 ? l.region.y : l.region.x) : 0;
              expect(Math.abs(v + shift - want[i]!.box[k]!), what).toBeLessThanOrEqual((k % 2 ? size.height : size.width) / 1023);
            }));
            if (l.task === 'segment') {
              expect(l.maskIou).toHaveLength(want.length);
              got.forEach((o, i) => expect(rleIou(want[i]!.mask!.rle, o.mask!.rle)).toBeCloseTo(l.maskIou![i]!, 9));
            }
            break;
          }
          case 'table': {
            const cells = (t: Loose) => t.table.cells.map(({ row, col, text, rowspan, colspan, header }) => ({ row, col, text, rowspan, colspan, header }));
            expect(cells(back)).toEqual(cells(value));
            break;
          }
          case 'molecule':
            expect(back.molecule.canonical).toBe(value.molecule.canonical);
            break;
          case 'music': {
            expect(back.music.kern).toBe(normalizeKern(value.music.kern));
            expect(back.music.notes).toEqual(value.music.notes);
            break;
          }
          case 'vsr':
            expect(back.answer).toBe(value.answer);
            break;
          default:
            expect(back.text).toBe(value.text);
        }
      }
    } finally { store.close(); }
  }, 60_000);

  it('splits by document: no document in two splits, and the same seed gives the same files', async () => {
    const splitOf = new Map<string, string>();
    for (const l of lines) {
      expect(splitOf.get(l.document) ?? l.split).toBe(l.split);
      splitOf.set(l.document, l.split);
    }
    expect(new Set(splitOf.values()).size).toBeGreaterThan(1);
    const again = join(dir, 'again');
    const store = Store.open(project.path, { mustExist: true, readonly: true });
    try {
      await buildDataset({ store, projectName: 'study', outDir: again, vaePath: project.vaePath, seed: 3, split: { train: 0.5, validation: 0.25, test: 0.25 } });
    } finally { store.close(); }
    for (const f of ['train.jsonl', 'validation.jsonl', 'test.jsonl', 'README.md', 'hf/train/metadata.jsonl']) expect(readFileSync(join(again, f), 'utf8'), f).toBe(readFileSync(join(out, f), 'utf8'));
  }, 120_000);

  it('images: the page, or the region for a region run; content-addressed and stored once', async () => {
    const files = readdirSync(join(out, 'images'));
    expect(files.length).toBe(new Set(lines.map((l) => l.image)).size);
    expect(files.length).toBeLessThan(lines.length); // pages with several tasks share one image
    const region = lines.find((l) => l.region)!;
    expect(await sharp(join(out, region.image)).metadata()).toMatchObject({ width: 200, height: 150 });
    const whole = lines.find((l) => l.task === 'music')!;
    expect(await sharp(join(out, whole.image)).metadata()).toMatchObject({ width: 320, height: 420 });
  });

  it('writes a Hugging Face imagefolder whose images are the same files (hard links where possible)', () => {
    for (const split of ['train', 'validation', 'test']) {
      const meta = readFileSync(join(out, 'hf', split, 'metadata.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => MetadataLine.parse(JSON.parse(l)));
      expect(meta.map((m) => m.id).sort()).toEqual(lines.filter((l) => l.split === split).map((l) => l.id).sort());
      for (const m of meta) {
        const l = lines.find((x) => x.id === m.id)!;
        expect(readFileSync(join(out, 'hf', split, m.file_name)).equals(readFileSync(join(out, l.image)))).toBe(true);
        expect(statSync(join(out, 'hf', split, m.file_name)).nlink).toBeGreaterThan(1);
      }
    }
  });

  it('the dataset card names the project, counts per task and split, models, reviews, IoU and what was left out', () => {
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    expect(card).toContain('# Training data from the Paliscope project "study"');
    expect(card).toMatch(/\| caption \| \d \| \d \| \d \|/);
    expect(card).toContain('| PaliGemma 2 test model | 14 |');
    expect(card).toMatch(/Reviews: 12 accepted as the model wrote them, 2 corrected by a person/);
    expect(card).toContain('To be filled in by the person who made this export');
    expect(card).toMatch(/\| segment-\d+ \| (train|validation|test) \| \d\.\d{3} \|/);
    expect(card).toContain('segment: object 1 (box) has no mask');
    expect(JSON.parse(readFileSync(join(out, 'schema.json'), 'utf8')).$defs.example.required).toEqual(expect.arrayContaining(['image', 'prefix', 'suffix']));
  });

  it('refuses a folder that is not empty, and leaves nothing behind on failure', async () => {
    const full = join(dir, 'full');
    await import('node:fs/promises').then((f) => f.mkdir(full));
    writeFileSync(join(full, 'keep.txt'), 'mine');
    const store = Store.open(project.path, { mustExist: true, readonly: true });
    try {
      await expect(buildDataset({ store, projectName: 'x', outDir: full })).rejects.toThrow(/the folder is not empty/);
      const ac = new AbortController(); ac.abort();
      await expect(buildDataset({ store, projectName: 'x', outDir: join(dir, 'cancelled'), signal: ac.signal })).rejects.toThrow(/cancelled/);
    } finally { store.close(); }
    expect(readFileSync(join(full, 'keep.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(dir, 'cancelled'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('without the VQ-VAE, segment results are left out saying so; a moved document is left out too', async () => {
    const store = Store.open(project.path, { mustExist: true, readonly: true });
    writeFileSync(project.docs[1]!, 'changed');
    try {
      const s = await buildDataset({ store, projectName: 'x', outDir: join(dir, 'novae'), tasks: ['segment', 'caption'] });
      expect(s.skipped.filter((k) => k.task === 'segment').map((k) => k.reason)).toEqual([expect.stringMatching(/needs the VQ-VAE/), expect.stringMatching(/needs the VQ-VAE/)]);
      expect(s.skipped.filter((k) => k.task === 'caption').map((k) => k.reason)).toEqual([expect.stringMatching(/scan-1\.png has changed since the run/)]);
      expect(s.examples).toBe(1);
    } finally { store.close(); }
  });
});

describe('document paths from the project are not followed blindly', () => {
  it('refuses network, device and relative paths', async () => {
    const { defaultUnreadablePath } = await import('./build');
    expect(defaultUnreadablePath('\\\\server\\share\\scan.png')).toMatch(/network/);
    expect(defaultUnreadablePath('//server/share/scan.png')).toMatch(/network/);
    expect(defaultUnreadablePath('scan.png')).toMatch(/not an absolute path/);
    expect(defaultUnreadablePath('/dev/zero')).toMatch(/device/);
    expect(defaultUnreadablePath('/home/me/scan.png')).toBeNull();
  });
});
