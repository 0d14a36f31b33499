// A recognizer folder the person picked: one PP-OCR recognition model (.onnx) and its character
// dictionary (.txt). The folder may come from someone else, so nothing in it is trusted: both
// files are looked at before onnxruntime sees them — regular files of bounded size, a dictionary
// that is UTF-8 text of bounded length without control characters, a model that keeps all its
// weights inside the file (external data would make onnxruntime open paths the model names).
// Whether the model's class count matches the dictionary is the engine's own start-up check
// (createOcrEngine), which the caller runs on the bytes read here.
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ModelProtoType } from '../onnx/proto';
import { parseDictionary } from './ctc';

export const RECOGNIZER_LIMITS = {
  /** PP-OCRv4 mobile is 10 MB, PP-OCRv5 server ≈ 81 MB. */
  modelBytes: 256 * 1024 * 1024,
  /** The largest PP-OCR dictionary (PP-OCRv5, ≈ 18 400 characters) is ≈ 75 KB. */
  dictionaryBytes: 1024 * 1024,
  dictionaryLines: 50_000,
  /** PP-OCR dictionaries hold one character per line; a few code units allow combined forms. */
  entryLength: 16,
} as const;

export type RecognizerProblem = 'NOT_FOUND' | 'TOO_LARGE' | 'CORRUPT_FILE';

/** A folder or file that cannot be used, with the file and the reason in the message. */
export class RecognizerFolderError extends Error {
  constructor(
    readonly code: RecognizerProblem,
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'RecognizerFolderError';
  }
}

export interface CheckedRecognizer {
  model: string;
  dictionary: string;
  /** The bytes that were checked: the engine loads these, not the files again. */
  modelBytes: Uint8Array;
  dictionaryText: string;
  /** Dictionary entries (lines); the model needs entries + 2 classes (space and CTC blank). */
  entries: number;
}

/** Finds, reads and checks the recognizer in `dir`; throws RecognizerFolderError naming the file. */
export async function readRecognizerFolder(dir: string): Promise<CheckedRecognizer> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new RecognizerFolderError('NOT_FOUND', dir, `cannot read the folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const model = onlyOne(dir, names, '.onnx', 'a PP-OCR recognition model');
  const dictionary = onlyOne(dir, names, '.txt', 'its character dictionary (one character per line)');
  const dictionaryBytes = await readBounded(dictionary, RECOGNIZER_LIMITS.dictionaryBytes, 'dictionary');
  const dictionaryText = checkDictionary(dictionary, dictionaryBytes);
  const modelBytes = await readBounded(model, RECOGNIZER_LIMITS.modelBytes, 'model');
  checkSelfContained(model, modelBytes);
  return { model, dictionary, modelBytes, dictionaryText, entries: parseDictionary(dictionaryText).length - 1 };
}

function onlyOne(dir: string, names: readonly string[], extension: string, what: string): string {
  const found = names.filter((n) => n.toLowerCase().endsWith(extension)).sort();
  if (found.length === 0) throw new RecognizerFolderError('NOT_FOUND', dir, `no ${extension} file: the folder must hold ${what}`);
  if (found.length > 1) throw new RecognizerFolderError('CORRUPT_FILE', dir, `${found.length} ${extension} files (${found.slice(0, 5).join(', ')}): keep only ${what}`);
  return path.join(dir, found[0]!);
}

/** Reads a regular file of at most `limit` bytes; the size is checked on the open handle and while reading. */
async function readBounded(file: string, limit: number, what: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw new RecognizerFolderError('NOT_FOUND', file, `cannot open the ${what} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    const info = await handle.stat();
    // Devices, pipes and folders named *.onnx/*.txt: never read (a FIFO would block, /dev/zero never end).
    if (!info.isFile()) throw new RecognizerFolderError('CORRUPT_FILE', file, `the ${what} is not a regular file`);
    if (info.size > limit) throw new RecognizerFolderError('TOO_LARGE', file, `the ${what} is ${bytesText(info.size)}; at most ${limitText(limit)} are accepted`);
    if (info.size === 0) throw new RecognizerFolderError('CORRUPT_FILE', file, `the ${what} is empty`);
    // One byte more than allowed tells a file that grew after the stat.
    const buf = new Uint8Array(Math.min(info.size, limit) + 1);
    let got = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
      if (got > limit) throw new RecognizerFolderError('TOO_LARGE', file, `the ${what} grew past ${limitText(limit)} while it was read`);
    }
    return buf.subarray(0, got);
  } finally {
    await handle.close();
  }
}

const bytesText = (n: number) => `${n.toLocaleString('en-US')} bytes`;
const limitText = (n: number) => `${bytesText(n)} (${n / 1024 / 1024} MB)`;

/** The dictionary as text, or an error naming the line that is wrong. */
export function checkDictionary(file: string, bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new RecognizerFolderError('CORRUPT_FILE', file, `the dictionary is not UTF-8 text (invalid byte 0x${bytes[at]!.toString(16).padStart(2, '0')} at offset ${at})`);
  }
  const lines = parseDictionary(text).slice(0, -1);
  if (lines.length > RECOGNIZER_LIMITS.dictionaryLines) {
    throw new RecognizerFolderError('TOO_LARGE', file, `the dictionary has ${lines.length} lines; at most ${RECOGNIZER_LIMITS.dictionaryLines} are accepted`);
  }
  for (const [i, line] of lines.entries()) {
    if (line.length > RECOGNIZER_LIMITS.entryLength) {
      throw new RecognizerFolderError('CORRUPT_FILE', file, `line ${i + 1} has ${line.length} characters; a dictionary holds one character per line`);
    }
    // Control characters (NUL, escapes, C1) mean a binary file, or text meant to mislead whoever reads the output.
    const control = [...line].find((c) => /\p{Cc}/u.test(c));
    if (control !== undefined) {
      throw new RecognizerFolderError('CORRUPT_FILE', file, `line ${i + 1} holds control character U+${control.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
    }
  }
  return text;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  // Walk the sequences by their lead byte; the first one that does not decode is the culprit.
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) return i;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i, i + n));
    } catch {
      return i;
    }
    i += n;
  }
  return 0;
}

interface TensorMsg { name?: string; data_location?: number; external_data?: unknown[] }
interface AttrMsg { t?: TensorMsg; g?: GraphMsg }
interface GraphMsg { node?: { attribute?: AttrMsg[] }[]; initializer?: TensorMsg[] }

/** Refuses a model that is not an ONNX graph, or that keeps weights in files beside it. */
export function checkSelfContained(file: string, bytes: Uint8Array): void {
  let model: { graph?: GraphMsg };
  try {
    model = ModelProtoType.decode(bytes) as unknown as { graph?: GraphMsg };
  } catch (err) {
    throw new RecognizerFolderError('CORRUPT_FILE', file, `not an ONNX model (${(err as Error).message})`);
  }
  if (!model.graph?.node?.length) throw new RecognizerFolderError('CORRUPT_FILE', file, 'not an ONNX model (no graph nodes)');
  const external = (t: TensorMsg | undefined) => !!t && (t.data_location === 1 || (t.external_data?.length ?? 0) > 0);
  const visit = (g: GraphMsg, depth: number): string | undefined => {
    if (depth > 32) return '(subgraphs nested too deep)';
    for (const t of g.initializer ?? []) if (external(t)) return t.name ?? '(unnamed)';
    for (const n of g.node ?? []) {
      for (const a of n.attribute ?? []) {
        if (external(a.t)) return a.t!.name ?? '(unnamed)';
        const inner = a.g ? visit(a.g, depth + 1) : undefined;
        if (inner) return inner;
      }
    }
    return undefined;
  };
  const name = visit(model.graph, 0);
  if (name) throw new RecognizerFolderError('CORRUPT_FILE', file, `tensor ${name} is stored outside the model file; only self-contained models are accepted`);
}
