// Recognizer folders from elsewhere: every bad folder is refused before onnxruntime reads it (or,
// for a class count that does not match, by the engine's start-up check), with the file and the
// reason in the message.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, symlinkSync, openSync, ftruncateSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readRecognizerFolder, checkSelfContained, RECOGNIZER_LIMITS, RecognizerFolderError } from './recognizer-folder';
import { createOcrEngine } from './engine';
import { probeClasses } from './sessions';
import { defaultOcrModelDir, MODEL_FILES } from './model-dir';
import type * as ort from 'onnxruntime-node';
import { ModelProtoType } from '../onnx/proto';

const builtIn = defaultOcrModelDir({});
const builtInModel = path.join(builtIn, MODEL_FILES.rec);
const builtInDict = readFileSync(path.join(builtIn, MODEL_FILES.dict), 'utf8');
let root = '';
let n = 0;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'paliscope-recfolder-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh folder with the given files: a string is written as text, a Buffer as bytes, 'model' links the built-in model. */
function folder(files: Record<string, string | Buffer | 'model'>): string {
  const dir = path.join(root, `f${n++}`);
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) {
    if (content === 'model') symlinkSync(builtInModel, path.join(dir, name));
    else writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

async function refused(dir: string): Promise<RecognizerFolderError> {
  const err = await readRecognizerFolder(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RecognizerFolderError);
  return err as RecognizerFolderError;
}

describe('readRecognizerFolder', () => {
  it('accepts a PP-OCR recognizer and its dictionary, and the engine starts on them', async () => {
    const dir = folder({ 'rec.onnx': 'model', 'keys.txt': builtInDict });
    const checked = await readRecognizerFolder(dir);
    expect(checked.model).toBe(path.join(dir, 'rec.onnx'));
    expect(checked.dictionary).toBe(path.join(dir, 'keys.txt'));
    expect(checked.entries).toBe(6623);
    const engine = await createOcrEngine({ recognizer: checked, threads: 1 });
    await engine.dispose();
  });

  it('refuses a folder without a model or without a dictionary, naming the folder', async () => {
    const noModel = folder({ 'keys.txt': builtInDict });
    const e1 = await refused(noModel);
    expect(e1.code).toBe('NOT_FOUND');
    expect(e1.message).toContain(noModel);
    expect(e1.message).toMatch(/no \.onnx file/);
    const noDict = folder({ 'rec.onnx': 'model' });
    expect((await refused(noDict)).message).toMatch(/no \.txt file/);
    const missing = path.join(root, 'not-there');
    const e3 = await refused(missing);
    expect(e3.message).toContain(missing);
    expect(e3.message).toMatch(/cannot read the folder \(ENOENT\)/);
  });

  it('refuses two candidate models rather than guessing', async () => {
    const dir = folder({ 'a.onnx': 'model', 'b.onnx': 'model', 'keys.txt': builtInDict });
    expect((await refused(dir)).message).toMatch(/2 \.onnx files \(a\.onnx, b\.onnx\)/);
  });

  it('refuses a model above the size bound without reading it', async () => {
    const dir = folder({ 'keys.txt': builtInDict });
    // A sparse file: its size says 257 MB, no disk is used; reading it would take seconds.
    const big = path.join(dir, 'huge.onnx');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, RECOGNIZER_LIMITS.modelBytes + 1024 * 1024);
    closeSync(fd);
    const e = await refused(dir);
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toBe(`${big}: the model is 269,484,032 bytes; at most 268,435,456 bytes (256 MB) are accepted`);
  });

  it('refuses a dictionary above the size bound or the line bound', async () => {
    const bytes = folder({ 'rec.onnx': 'model', 'keys.txt': 'x'.repeat(RECOGNIZER_LIMITS.dictionaryBytes + 1) });
    expect((await refused(bytes)).message).toMatch(/keys\.txt: the dictionary is 1,048,577 bytes; at most 1,048,576 bytes \(1 MB\) are accepted/);
    const lines = folder({ 'rec.onnx': 'model', 'keys.txt': 'a\n'.repeat(RECOGNIZER_LIMITS.dictionaryLines + 1) });
    const e = await refused(lines);
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toMatch(/keys\.txt: the dictionary has 50001 lines; at most 50000 are accepted/);
  });

  it('refuses a dictionary that is not UTF-8 text, naming the offset', async () => {
    const latin1 = Buffer.concat([Buffer.from('a\nb\n'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const dir = folder({ 'rec.onnx': 'model', 'keys.txt': latin1 });
    const e = await refused(dir);
    expect(e.code).toBe('CORRUPT_FILE');
    expect(e.message).toBe(`${path.join(dir, 'keys.txt')}: the dictionary is not UTF-8 text (invalid byte 0xe9 at offset 4)`);
  });

  it('refuses a dictionary with control characters or with whole words on a line', async () => {
    const nul = folder({ 'rec.onnx': 'model', 'keys.txt': 'a\nb\u0000c\n' });
    expect((await refused(nul)).message).toMatch(/line 2 holds control character U\+0000/);
    const words = folder({ 'rec.onnx': 'model', 'keys.txt': `a\n${'long'.repeat(10)}\n` });
    expect((await refused(words)).message).toMatch(/line 2 has 40 characters; a dictionary holds one character per line/);
  });

  it('refuses a model that is not ONNX, or that keeps weights in files beside it', async () => {
    const junk = folder({ 'rec.onnx': Buffer.from('this is not a protobuf at all \u00ff\u00ff'), 'keys.txt': builtInDict });
    expect((await refused(junk)).message).toMatch(/rec\.onnx: not an ONNX model/);
    const external = ModelProtoType.encode({
      ir_version: 8,
      graph: {
        node: [{ op_type: 'Identity', input: ['w'], output: ['y'] }],
        initializer: [{ name: 'w', dims: [1], data_type: 1, data_location: 1, external_data: [{ key: 'location', value: '../../etc/passwd' }] }],
      },
    } as never).finish();
    expect(() => checkSelfContained('x.onnx', external)).toThrow('x.onnx: tensor w is stored outside the model file; only self-contained models are accepted');
  });

  it('refuses a directory or a device named like the files', async () => {
    const dir = folder({ 'keys.txt': builtInDict });
    mkdirSync(path.join(dir, 'rec.onnx'));
    expect((await refused(dir)).message).toMatch(/rec\.onnx: the model is not a regular file/);
    const dev = folder({ 'rec.onnx': 'model' });
    symlinkSync('/dev/zero', path.join(dev, 'keys.txt'));
    expect((await refused(dev)).message).toMatch(/keys\.txt: the dictionary is not a regular file/);
  });

  it('leaves the class count to the engine, which refuses a dictionary one line short, naming both files', async () => {
    const short = builtInDict.replace(/\n?[^\n]*\n?$/, '\n');
    const dir = folder({ 'rec.onnx': 'model', 'keys.txt': short });
    const checked = await readRecognizerFolder(dir);
    expect(checked.entries).toBe(6622);
    await expect(createOcrEngine({ recognizer: checked, threads: 1 })).rejects.toThrow(
      `recognizer ${path.join(dir, 'rec.onnx')} has 6625 classes but dictionary ${path.join(dir, 'keys.txt')} gives 6624 (entries + space + blank)`,
    );
  });

  it('finds the class count by one blank 48-px run when the model does not declare it', async () => {
    // onnxruntime infers the PP-OCR exports' output shapes, so a stand-in session plays a model that declares none.
    const fed: number[][] = [];
    const session = (dims: number[]) => ({
      inputNames: ['x'], outputNames: ['y'],
      run: async (feeds: Record<string, ort.Tensor>) => {
        fed.push([...feeds.x!.dims]);
        return { y: { dims } };
      },
    }) as unknown as ort.InferenceSession;
    expect(await probeClasses(session([1, 40, 97]))).toBe(97);
    expect(fed).toEqual([[1, 3, 48, 320]]);
    await expect(probeClasses(session([1, 97]))).rejects.toThrow('its output has shape [1, 97], not [batch, steps, classes]');
  });
});
