// A small project for the dataset tests and the CLI test: real page images on disk, one reviewed result of every
// task (parsed by the same analyzeOutput the app uses), some accepted, some corrected, and the cases that must be
// left out. Test support only.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { analyzeOutput, type AnalyzeTask } from '../paligemma/tasks/analyze';
import { writeRandomVae } from '../paligemma/tasks/mask/fixture';
import { PIANO_KERN } from '../paligemma/tasks/music/fixtures';
import { Store } from '../store/store';

export interface TestProject { path: string; vaePath: string; docs: string[]; expectedSkips: number }

async function page(path: string, width: number, height: number, shade: number): Promise<string> {
  const png = await sharp({ create: { width, height, channels: 3, background: { r: shade, g: 255 - shade, b: 128 } } })
    .composite([{ input: Buffer.from(`<svg width="${width}" height="${height}"><rect x="40" y="30" width="120" height="80" fill="black"/><circle cx="${width - 80}" cy="${height - 70}" r="40" fill="white"/></svg>`), top: 0, left: 0 }])
    .png().toBuffer();
  writeFileSync(path, png);
  return createHash('sha256').update(png).digest('hex');
}

/** Runs of one task on a page, as the app files them: the raw output and analyzeOutput's result (placed on the page). */
export async function makeTestProject(dir: string): Promise<TestProject> {
  mkdirSync(dir, { recursive: true });
  const vaePath = join(dir, 'vae-oid.npz');
  writeRandomVae(vaePath, { seed: 7, embeddingDim: 32 });
  const path = join(dir, 'study.paliscope');
  const store = Store.open(path);
  const docs: string[] = [];
  const pages: { id: number; width: number; height: number }[] = [];
  for (let d = 0; d < 6; d++) {
    const file = join(dir, `scan-${d}.png`);
    const [w, h] = d % 2 ? [400, 300] : [320, 420];
    const sha = await page(file, w, h, d * 40);
    const { document } = store.registerDocument({ path: file, sha256: sha, pageCount: 1, size: 1 });
    pages.push({ id: store.ensurePages(document.id, [{ index: 0, width: w, height: h }])[0]!.id, width: w, height: h });
    docs.push(file);
  }
  let skips = 0;
  const add = async (p: number, task: AnalyzeTask, prompt: string, raw: string, review: 'accepted' | 'rejected' | ((parsed: unknown) => unknown), region?: { x: number; y: number; width: number; height: number }) => {
    const pg = pages[p]!;
    const size = region ?? { width: pg.width, height: pg.height };
    let parsed: unknown = await analyzeOutput(task, raw, { size, vaePath });
    if (region && (parsed as { kind: string }).kind === 'boxes') {
      const b = parsed as { objects: { box: number[] }[]; width: number; height: number };
      parsed = { ...b, width: pg.width, height: pg.height, objects: b.objects.map((o) => ({ ...o, box: [o.box[0]! + region.x, o.box[1]! + region.y, o.box[2]! + region.x, o.box[3]! + region.y] })) };
    }
    const run = store.addRun({ pageId: pg.id, modelId: 'pg2-test', modelName: 'PaliGemma 2 test model', task, prompt, parameters: { region: region ?? null }, raw, parsed, status: 'done' });
    if (review === 'accepted' || review === 'rejected') store.setReview(run.id, { status: review });
    else store.setReview(run.id, { status: 'corrected', value: review(parsed) });
    return run.id;
  };
  await add(0, 'caption', 'caption en', 'a black box and a white disc', 'accepted');
  await add(1, 'caption', 'caption en', 'a box', (v) => ({ ...(v as object), text: 'a black rectangle and a white circle' }));
  await add(2, 'ocr', 'ocr', 'OPEN DAILY 9-5\nMain Street', 'accepted');
  await add(3, 'answer', 'answer en how many shapes?', '2', 'accepted');
  await add(4, 'detect', 'detect rectangle ; circle', '<loc0071><loc0125><loc0262><loc0500> rectangle ; <loc0731><loc0647><loc0926><loc0902> circle', 'accepted');
  await add(5, 'detect', 'detect rectangle', '<loc0100><loc0100><loc0300><loc0400> rectangle', (v) => ({ ...(v as object), objects: [{ label: 'rectangle', box: [40, 30, 160, 110] }] }));
  await add(0, 'ocr-boxes', 'ocr with boxes', '<loc0100><loc0100><loc0200><loc0400> OPEN ; <loc0300><loc0100><loc0400><loc0600> DAILY', 'accepted');
  await add(1, 'segment', 'segment circle', '<loc0600><loc0700><loc0900><loc0950><seg012><seg045><seg127><seg003><seg088><seg064><seg010><seg099><seg001><seg076><seg033><seg120><seg005><seg091><seg047><seg062> circle', 'accepted');
  await add(2, 'table', 'table structure', '<table><thead><tr><td>Year</td><td>Total</td></tr></thead><tbody><tr><td>2019</td><td>1.2</td></tr></tbody></table>', 'accepted');
  await add(3, 'molecule', 'smiles', 'OC(=O)c1ccccc1OC(C)=O', 'accepted');
  await add(4, 'music', 'music', PIANO_KERN, 'accepted');
  await add(5, 'report', 'report', 'FINDINGS: Heart size is normal.\nIMPRESSION: No acute disease.', 'accepted');
  await add(0, 'vsr', 'the box is left of the circle', 'true', 'accepted');
  // A region run: the model saw only the top-left 200×150 of page 3.
  await add(3, 'detect', 'detect rectangle', '<loc0205><loc0205><loc0750><loc0820> rectangle', 'accepted', { x: 0, y: 0, width: 200, height: 150 });
  // Left out: a rejected result (never counted), a segment box moved in review (no mask), a VSR answer that is
  // neither, a box task with a label holding the separator.
  await add(2, 'caption', 'caption en', 'wrong', 'rejected');
  await add(3, 'segment', 'segment box', '<loc0071><loc0125><loc0262><loc0500><seg001><seg002><seg003><seg004><seg005><seg006><seg007><seg008><seg009><seg010><seg011><seg012><seg013><seg014><seg015><seg016> box', (v) => ({ ...(v as object), objects: [{ label: 'box', box: [30, 20, 170, 120] }] }));
  skips++;
  await add(4, 'vsr', 'the disc is above the box', 'maybe', 'accepted');
  skips++;
  await add(5, 'detect', 'detect a', '<loc0100><loc0100><loc0300><loc0400> a', (v) => ({ ...(v as object), objects: [{ label: 'a ; b', box: [40, 30, 160, 110] }] }));
  skips++;
  store.close();
  return { path, vaePath, docs, expectedSkips: skips };
}
