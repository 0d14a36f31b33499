// `paliscope ocr`: read text with boxes from images, TIFF and PDF with the built-in engine.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultLoader, isDocumentError, openDocument, type LoadedDocument } from '../documents';
import { createOcrEngine } from './engine';
import { defaultOcrModelDir } from './model-dir';
import { createSearchablePdf, toAlto, toHocr, toJson, toJsonObject, toText } from './export';
import { ProgressBar } from './progress';
import type { OcrEngine, OcrPage } from './types';

const FORMATS = ['txt', 'json', 'hocr', 'alto', 'pdf'] as const;
type Format = (typeof FORMATS)[number];
const EXT: Record<Format, string> = { txt: '.txt', json: '.json', hocr: '.hocr', alto: '.alto.xml', pdf: '.pdf' };

const USAGE = `usage: paliscope ocr <files...> [options]

Reads text with word boxes from PNG, JPEG, WebP, BMP, GIF, TIFF (all pages) and PDF files.

options:
  --format FMT     txt (default), json, hocr, alto (ALTO v4 XML) or pdf (searchable PDF)
  --out DIR        write one output file per input into DIR (created if missing)
  --threads N      threads per model run (default: 2)
  --dpi N          PDF render resolution and searchable-PDF page scale (default: 150)
  --models DIR     folder with the PP-OCR models (default: $PALISCOPE_OCR_MODELS, else bundled)
  --recognizer F   another PP-OCR recognition model (.onnx); needs --dictionary
  --dictionary F   its character dictionary (one character per line)
  -h, --help       show this help

Without --out, results go to stdout: one input gives exactly one document; several inputs
give text with "==> file <==" headers, or JSON Lines (one {"pages": [...]} object per input).
hocr, alto and pdf need --out when there are several inputs; pdf needs --out or a redirected stdout.
Unreadable inputs are reported on stderr and skipped; the exit code is then 1.
`;

interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

const guarded = new WeakSet<object>();
let currentStdoutHandler: ((err: NodeJS.ErrnoException) => void) | undefined = (err) => {
  if (err.code !== 'EPIPE') throw err;
};

interface Deps {
  /** Engine factory; tests pass one that reuses a warm engine across runs. */
  createEngine: typeof createOcrEngine;
}

export async function run(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }, deps: Deps = { createEngine: createOcrEngine }): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'txt' },
        out: { type: 'string' },
        threads: { type: 'string' },
        dpi: { type: 'string' },
        models: { type: 'string' },
        recognizer: { type: 'string' },
        dictionary: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.stderr.write(`paliscope ocr: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals: files } = args;
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const usageError = (msg: string) => {
    io.stderr.write(`paliscope ocr: ${msg}\n\n${USAGE}`);
    return 2;
  };
  if (!files.length) return usageError('no input files');
  const format = values.format as Format;
  if (!FORMATS.includes(format)) return usageError(`unknown --format "${values.format}" (expected ${FORMATS.join(', ')})`);
  const threads = values.threads === undefined ? 2 : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) return usageError(`--threads must be an integer from 1 to 64, got "${values.threads}"`);
  const dpi = values.dpi === undefined ? 150 : Number(values.dpi);
  if (!Number.isFinite(dpi) || dpi < 30 || dpi > 1200) return usageError(`--dpi must be between 30 and 1200, got "${values.dpi}"`);
  if (!!values.recognizer !== !!values.dictionary) return usageError('--recognizer and --dictionary go together');
  if (!values.out && files.length > 1 && (format === 'hocr' || format === 'alto' || format === 'pdf')) {
    return usageError(`--format ${format} with several inputs needs --out DIR`);
  }
  if (!values.out && format === 'pdf' && io.stdout.isTTY) return usageError('refusing to write a PDF to a terminal: use --out DIR or redirect stdout');

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  // A closed pipe (`paliscope ocr a.pdf | head`) is not an error worth a stack trace: stop quietly.
  // The listener stays for the stream's lifetime, since the error can arrive after run() returns.
  const onStdoutError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') controller.abort();
    else throw err;
  };
  if (!guarded.has(io.stdout)) {
    guarded.add(io.stdout);
    io.stdout.on?.('error', (err: NodeJS.ErrnoException) => currentStdoutHandler?.(err));
  }
  currentStdoutHandler = onStdoutError;
  let engine: OcrEngine | undefined;
  let failures = 0;
  const fail = (file: string, err: unknown) => {
    failures++;
    bar?.clear();
    // DocumentError messages already start with the file name.
    const msg = err instanceof Error ? err.message : String(err);
    io.stderr.write(`paliscope ocr: ${msg.startsWith(file) ? msg : `${file}: ${msg}`}\n`);
  };
  let bar: ProgressBar | undefined;
  try {
    try {
      engine = await deps.createEngine({
        threads,
        modelDir: values.models ?? defaultOcrModelDir({ env: process.env }),
        ...(values.recognizer && values.dictionary ? { recognizer: { model: values.recognizer, dictionary: values.dictionary } } : {}),
        logger: { warn: (m) => io.stderr.write(`paliscope ${m}\n`) },
      });
    } catch (err) {
      io.stderr.write(`paliscope ocr: ${(err as Error).message}\n`);
      return 1;
    }

    // Open everything first so the progress bar knows the page total; failures are reported and skipped.
    const docs: { file: string; doc: LoadedDocument }[] = [];
    for (const file of files) {
      try {
        docs.push({ file, doc: await openDocument({ path: file }, { pdfDpi: dpi, signal: controller.signal }) });
      } catch (err) {
        if (controller.signal.aborted) throw err;
        fail(file, isDocumentError(err) ? err : new Error(`cannot open: ${(err as Error).message}`));
      }
    }
    const totalPages = docs.reduce((s, d) => s + d.doc.pages.length, 0);
    bar = totalPages > 1 ? new ProgressBar(io.stderr, totalPages) : undefined;
    if (values.out) await mkdir(values.out, { recursive: true });
    const usedNames = new Set<string>();
    let donePages = 0;

    for (const { file, doc } of docs) {
      const pages: OcrPage[] = [];
      const pdf = format === 'pdf' ? await createSearchablePdf({ dpi, title: path.basename(file) }) : null;
      try {
        for (const info of doc.pages) {
          const label = `${path.basename(file)}${doc.pages.length > 1 ? ` p${info.index + 1}` : ''}`;
          bar?.update(donePages, label);
          const image = await doc.renderPage(info.index, { signal: controller.signal });
          const page = await engine.recognize(image, {
            signal: controller.signal,
            onProgress: (p) => bar?.update(donePages + stageFraction(p.stage, p.done, p.total), `${label} ${p.stage}`),
          });
          pages.push(page);
          await pdf?.addPage(page, image);
          donePages++;
          bar?.pageDone(donePages, label);
        }
      } catch (err) {
        if (controller.signal.aborted) throw err;
        donePages += doc.pages.length - pages.length;
        fail(file, err);
        continue;
      } finally {
        await doc.close().catch(() => undefined);
      }
      const output = pdf ? await pdf.save() : render(format as Exclude<Format, 'pdf'>, pages, file, values.out ? 1 : docs.length);
      if (values.out) {
        const target = uniqueName(values.out, file, EXT[format], usedNames);
        await writeFile(target, output);
      } else {
        bar?.clear();
        io.stdout.write(output);
      }
    }
    bar?.clear();
    return failures ? 1 : 0;
  } catch (err) {
    bar?.clear();
    if (controller.signal.aborted) {
      io.stderr.write('paliscope ocr: cancelled\n');
      return 130;
    }
    io.stderr.write(`paliscope ocr: ${(err as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    await engine?.dispose();
    await defaultLoader().dispose();
  }
}

/** Fraction of a page done, from the engine's stage progress (detection ~25% of the time). */
function stageFraction(stage: 'detect' | 'classify' | 'recognize', done: number, total: number): number {
  const f = total ? done / total : 1;
  if (stage === 'detect') return 0.25 * f;
  if (stage === 'classify') return 0.25 + 0.05 * f;
  return 0.3 + 0.7 * f;
}

function render(format: Exclude<Format, 'pdf'>, pages: OcrPage[], file: string, inputs: number): string {
  const name = path.basename(file);
  switch (format) {
    case 'json':
      return inputs > 1 ? JSON.stringify(toJsonObject(pages)) + '\n' : toJson(pages);
    case 'hocr':
      return toHocr(pages, { title: name, imageNames: pages.map(() => name) });
    case 'alto':
      return toAlto(pages, { fileName: name, processingDateTime: new Date().toISOString() });
    default:
      return inputs > 1 ? `==> ${file} <==\n${toText(pages)}` : toText(pages);
  }
}

/** Output path for an input; a second input with the same base name gets "-2", "-3", … */
function uniqueName(dir: string, file: string, ext: string, used: Set<string>): string {
  const base = path.basename(file, path.extname(file));
  let name = `${base}${ext}`;
  for (let i = 2; used.has(name); i++) name = `${base}-${i}${ext}`;
  used.add(name);
  return path.join(dir, name);
}
