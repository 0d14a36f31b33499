// Project → Export training data… end to end, in Chromium against the headless host: outputs of every task are pasted
// on two documents (realistic outputs the tiny random model could never produce), reviewed with the keyboard in the
// Review workspace (accepted, an OCR line corrected, one rejected), exported from the project menu with a split by
// document, and the downloaded zip is unpacked and every file checked against the documented schema
// (models/dataset/schema.ts) and the suffixes parsed back.
//
// This file runs its own headless host, so its project store holds only its runs.
import { strFromU8, unzipSync } from 'fflate';
import { join } from 'node:path';
import { testWithOwnHost, expect } from './support/app';
import { PaliscopeApp } from './pages/paliscope-app';
import { ReviewWorkspace } from './pages/review';
import { TrainingDataDialog } from './pages/training-data';
import { PIANO_KERN } from '../models/paligemma/tasks/music/fixtures';
import { ExampleLine, MetadataLine } from '../models/dataset/schema';
import { parseBoxes, parseText } from '../models/paligemma/tasks/parse';
import { parseTable } from '../models/paligemma/tasks/table/parse-table';
import { bekernToKern } from '../models/paligemma/tasks/music/bekern';

const test = testWithOwnHost();

const loc = (v: number): string => `<loc${String(v).padStart(4, '0')}>`;
const seg = (v: number): string => `<seg${String(v).padStart(3, '0')}>`;

// task, raw output, prompt — on the first document, then the second.
const FIRST: [string, string, string][] = [
  ['caption', 'a typed letter on white paper', 'caption en'],
  ['ocr', 'Dear Sir,\nThe meeting is on Monday.', 'ocr'],
  ['detect', `${loc(100)}${loc(100)}${loc(400)}${loc(500)} stamp ; ${loc(600)}${loc(550)}${loc(900)}${loc(950)} signature`, 'detect stamp ; signature'],
  ['segment', `${loc(200)}${loc(150)}${loc(500)}${loc(600)}${[12, 45, 127, 3, 88, 64, 10, 99, 1, 76, 33, 120, 5, 91, 47, 62].map(seg).join('')} stamp`, 'segment stamp'],
  ['table', '<table><thead><tr><td>Region</td><td>2024</td></tr></thead><tbody><tr><td>North</td><td>1.4</td></tr></tbody></table>', 'table structure'],
  ['vsr', 'true', 'the stamp is above the signature'],
];
const SECOND: [string, string, string][] = [
  ['caption', 'a page', 'caption en'],
  ['ocr-boxes', `${loc(100)}${loc(100)}${loc(150)}${loc(300)} Dear ; ${loc(160)}${loc(100)}${loc(210)}${loc(320)} Sir,`, 'ocr with boxes'],
  ['molecule', 'C1=CC=CC=C1O', 'smiles'],
  ['music', PIANO_KERN, 'kern'],
  ['report', 'FINDINGS: Heart size is normal.\nIMPRESSION: No acute disease.', 'report'],
  ['answer', 'Monday', 'answer en when is the meeting?'],
];

test('review results of every task, export training data from the project menu, validate the files', async ({ appPage, hostKind, fixtures }, testInfo) => {
  test.skip(hostKind === 'electron', 'checked against the headless host (Electron needs its own SQLite build)');
  test.setTimeout(240_000);
  const app = await PaliscopeApp.attach(appPage);
  const review = new ReviewWorkspace(appPage);
  const dialog = new TrainingDataDialog(appPage);

  await app.openFile(join(fixtures, 'page.png'));
  await app.runs.open();
  for (const [task, raw, prompt] of FIRST) await app.runs.paste(task, raw, prompt);
  await app.openFile(join(fixtures, 'scan.webp'));
  await app.runs.open();
  for (const [task, raw, prompt] of SECOND) await app.runs.paste(task, raw, prompt);

  // Review: accept each, except the OCR (a line corrected) and the second caption (rejected: it must not become an
  // example).
  await review.open();
  const all = FIRST.length + SECOND.length;
  await expect(review.items).toHaveCount(all);
  for (let i = 0; i < all; i++) {
    const task = (await review.items.nth(i).getAttribute('data-task'))!;
    await review.expectCurrent(i, task);
    if (task === 'ocr') {
      await review.press('e');
      await expect(review.lines).toHaveCount(2);
      await review.lines.nth(1).fill('The meeting is on Tuesday.');
      await review.press('Control+Enter');
      await review.expectStatus('corrected');
    } else {
      const second = i === FIRST.length; // the first result of the second document: its caption
      await review.press(second ? 'r' : 'a');
      await review.expectStatus(second ? 'rejected' : 'accepted');
    }
    if (i < all - 1) await review.press('j');
  }
  await app.screenshot(testInfo, 'training-reviewed');

  await dialog.open();
  await dialog.setSplit(50, 0, 60);
  await expect(dialog.problem).toHaveText('The splits add up to 110 %, not 100 %.');
  await expect(dialog.exportButton).toBeDisabled();
  await dialog.setSplit(50, 0, 50);
  await dialog.setSeed(4);
  await expect(dialog.problem).toHaveCount(0);
  await app.screenshot(testInfo, 'training-dialog', dialog.root);
  const zip = await dialog.export();
  expect(zip.name).toMatch(/-training-data\.zip$/);
  await expect(dialog.result).toHaveAttribute('data-examples', String(all - 1));
  const counts = await dialog.countsByTask();
  expect(Object.keys(counts).sort()).toEqual(['answer', 'caption', 'detect', 'molecule', 'music', 'ocr', 'ocr-boxes', 'report', 'segment', 'table', 'vsr']);
  await app.screenshot(testInfo, 'training-exported', dialog.root);

  // The zip: every line validates against the schema, images are there, suffixes parse back.
  const files = unzipSync(new Uint8Array(zip.bytes));
  const root = Object.keys(files)[0]!.split('/')[0]!;
  const text = (p: string) => strFromU8(files[`${root}/${p}`]!);
  const lines = ['train', 'validation', 'test'].flatMap((s) => text(`${s}.jsonl`).split('\n').filter(Boolean).map((l) => ExampleLine.parse(JSON.parse(l))));
  expect(lines).toHaveLength(all - 1);
  const splitOf = new Map<string, string>();
  for (const l of lines) {
    expect(files[`${root}/${l.image}`], l.image).toBeDefined();
    expect(splitOf.get(l.document) ?? l.split, 'one split per document').toBe(l.split);
    splitOf.set(l.document, l.split);
  }
  expect(new Set(splitOf.values())).toEqual(new Set(['train', 'test']));
  for (const split of ['train', 'validation', 'test']) {
    for (const m of text(`hf/${split}/metadata.jsonl`).split('\n').filter(Boolean).map((l) => MetadataLine.parse(JSON.parse(l)))) expect(files[`${root}/hf/${split}/${m.file_name}`]).toBeDefined();
  }
  const schema = JSON.parse(text('schema.json')) as { $defs: { example: { required: string[] } } };
  expect(schema.$defs.example.required).toEqual(expect.arrayContaining(['image', 'prefix', 'suffix']));
  const by = (task: string) => lines.find((l) => l.task === task)!;
  expect(by('detect').prefix).toBe('detect stamp ; signature');
  expect(parseBoxes('detect', by('detect').suffix, { width: 1275, height: 1650 }).objects.map((o) => o.label)).toEqual(['stamp', 'signature']);
  expect(parseBoxes('segment', by('segment').suffix, { width: 1275, height: 1650 }).objects[0]!.seg).toHaveLength(16);
  expect(by('segment').maskIou).toHaveLength(1);
  expect(by('ocr').review).toBe('corrected');
  expect(parseText('caption', by('ocr').suffix).text).toBe('Dear Sir,\nThe meeting is on Tuesday.');
  expect(parseTable(by('table').suffix).cells.map((c) => c.text)).toEqual(['Region', '2024', 'North', '1.4']);
  expect(by('molecule').suffix).toBe('Oc1ccccc1');
  expect(bekernToKern(by('music').suffix).kern).toBe(PIANO_KERN.trimEnd());
  expect(by('vsr').suffix).toBe('true');
  const card = text('README.md');
  expect(card).toContain('To be filled in by the person who made this export');
  expect(card).toMatch(/Reviews: 10 accepted as the model wrote them, 1 corrected by a person/);
  await dialog.close();
  await app.expectNoCspViolations();
});
