// `paliscope document`: whole documents back as one file each — regions found, routed to their models, read in order,
// exported as Markdown, HTML, DOCX or JSON. It is a batch over the pages (models/batch): running the same command again
// with the same project resumes it, and exports what the project holds then (with the reviews made since).
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultLoader } from '../documents';
import { EXIT, isTransient } from '../batch/exit-codes';
import { StopSignals } from '../batch/stop-signals';
import { enqueueBatch } from '../batch/enqueue';
import { resolveModel, type ModelRef } from '../batch/model-ref';
import { PageSource } from '../batch/page-source';
import { BatchQueue } from '../batch/queue';
import type { Runner } from '../batch/runner';
import { createOcrEngine } from '../ocr/engine';
import { defaultOcrModelDir } from '../ocr/model-dir';
import type { OcrEngine } from '../ocr/types';
import { createPaliGemma, type PaliGemmaEngine } from '../paligemma/engine';
import { ProgressBar } from '../progress-bar';
import { rowFields } from '../runs/pipeline';
import { Store } from '../store/store';
import { assembleFromStore, type Content } from './assemble';
import { EXPORT_TARGETS, regionImages, writeDocumentExport, type ExportTarget } from './export/write';
import { runDocumentPage } from './page-runner';
import { routePrompt, TASK_OF_TYPE, type Routes } from './route';
import { DOCUMENT_MODEL, DOCUMENT_TASK, REGION_TYPES, type RegionType } from './schema';
import type { PageSources } from './sources/combine';
import { DETECT_PROMPT, detectSource } from './sources/detect';
import { ocrSource } from './sources/ocr-blocks';
import { createPdfReader, pdfImageSource, pdfTextSource } from './sources/pdf-text';
import { UserRegionsFile, userSource } from './sources/user';

export const DEFAULT_PROJECT = 'paliscope.paliscope';
const SOURCES = ['pdf-text', 'ocr', 'detect', 'user'] as const;
type SourceName = (typeof SOURCES)[number];

const USAGE = `usage: paliscope document <files or folders...> --to md|html|docx|json --out DIR [options]

Finds the regions of every page (text, titles, lists, tables, figures and their captions, molecules, scores,
headers and footers), reads each with the model for its type, puts them in reading order and writes each
document as one file. Born-digital PDF pages are read exactly from their text layer; the built-in OCR reads
the pages that have none. Every region's result is kept in the project file as a run, reviewable in the app;
run the same command again to resume, or to export again after reviewing.

options:
  --to FORMAT          md (CommonMark + GFM tables), html (self-contained), docx, or json (the documented schema)
  --out DIR            the folder the exports are written to
  --regions LIST       where regions come from, comma-separated (default pdf-text,ocr):
                         pdf-text  the PDF's text layer and its placed pictures
                         ocr       the built-in OCR's text blocks (pages without a text layer)
                         detect    PaliGemma detection proposals (needs --model, a mix checkpoint)
                         user      regions drawn by hand, from --user-regions FILE
  --model M            a mix checkpoint (folder, or name or id in the app's models folders): detection
                       proposals and figure captions
  --route TYPE=M       the model reading one region type (repeatable), e.g. table=/models/table
                       (types: ${REGION_TYPES.join(', ')})
  --prompt TYPE=TEXT   the prompt for a routed type (a fine-tuned model's prompt from its model card)
  --user-regions FILE  JSON: {"regions":[{"file":"a.pdf","page":0,"type":"table","box":{"x":..,"y":..,"width":..,"height":..}}]}
  --only-reviewed      export only results accepted or corrected in review (default: everything)
  --project FILE       project file (default ./${DEFAULT_PROJECT}; created if missing)
  --max-new-tokens N   tokens per PaliGemma run (default 256)
  --threads N          intra-op threads (default: physical cores)
  -v, --verbose        one line per finished page on stderr
  -h, --help           show this help

Exit code: 0 all pages done and exported, 1 some input or page failed, 2 bad arguments, 75 transient failure,
130 interrupted (resumable).
`;

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface DocumentCliDeps {
  /** Tests give a PaliGemma engine for a model folder; by default one is loaded in this process. */
  paligemma?: (dir: string, threads?: number) => Promise<PaliGemmaEngine>;
}

function parseTypeMap(values: string[] | undefined, flag: string): Map<RegionType, string> {
  const out = new Map<RegionType, string>();
  for (const v of values ?? []) {
    const at = v.indexOf('=');
    const type = v.slice(0, Math.max(0, at)) as RegionType;
    if (at < 1 || !REGION_TYPES.includes(type)) throw new Error(`--${flag} ${v}: expected TYPE=VALUE with TYPE one of ${REGION_TYPES.join(', ')}`);
    out.set(type, v.slice(at + 1));
  }
  return out;
}

export async function run(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }, deps: DocumentCliDeps = {}): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        to: { type: 'string' }, out: { type: 'string' }, regions: { type: 'string' }, model: { type: 'string' },
        route: { type: 'string', multiple: true }, prompt: { type: 'string', multiple: true }, 'user-regions': { type: 'string' },
        'only-reviewed': { type: 'boolean' }, project: { type: 'string' }, 'max-new-tokens': { type: 'string' }, threads: { type: 'string' },
        verbose: { type: 'boolean', short: 'v' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.stderr.write(`paliscope document: ${(e as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values: a, positionals: inputs } = args;
  if (a.help) { io.stdout.write(USAGE); return EXIT.ok; }
  const usageError = (m: string) => { io.stderr.write(`paliscope document: ${m}\n\n${USAGE}`); return EXIT.usage; };

  let to: ExportTarget, sources: SourceName[], mix: ModelRef | null = null, userRegions: UserRegionsFile | null = null;
  const routes: Routes = {};
  let maxNewTokens = 256, threads: number | undefined;
  try {
    if (!inputs.length) throw new Error('no input files or folders');
    if (!a.to || !(EXPORT_TARGETS as readonly string[]).includes(a.to)) throw new Error(`--to ${a.to ?? '(missing)'}: expected one of ${EXPORT_TARGETS.join(', ')}`);
    to = a.to as ExportTarget;
    if (!a.out) throw new Error('--out is required');
    sources = (a.regions ?? 'pdf-text,ocr').split(',').map((s) => s.trim()).filter(Boolean) as SourceName[];
    const bad = sources.find((s) => !SOURCES.includes(s));
    if (bad || !sources.length) throw new Error(`--regions ${a.regions}: expected a list of ${SOURCES.join(', ')}`);
    const int = (v: string | undefined, name: string): number | undefined => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} ${v}: expected a positive integer`);
      return n;
    };
    maxNewTokens = int(a['max-new-tokens'], 'max-new-tokens') ?? 256;
    threads = int(a.threads, 'threads');
    if (a.model) mix = resolveModel(a.model);
    if (sources.includes('detect') && !mix) throw new Error('--regions detect needs --model (a mix checkpoint)');
    if (sources.includes('user') !== !!a['user-regions']) throw new Error('--regions user and --user-regions FILE go together');
    const prompts = parseTypeMap(a.prompt, 'prompt');
    const models = parseTypeMap(a.route, 'route');
    if (mix && !models.has('figure')) routes.figure = { model: mix, task: 'caption', prompt: 'caption en' };
    for (const [type, ref] of models) {
      const task = TASK_OF_TYPE[type];
      const prompt = routePrompt(task, prompts.get(type));
      if (!prompt) throw new Error(`--route ${type}=${ref}: a ${task} model needs its prompt: --prompt ${type}=TEXT (from its model card)`);
      routes[type] = { model: resolveModel(ref), task, prompt };
    }
    for (const type of prompts.keys()) if (!routes[type]) throw new Error(`--prompt ${type}=…: no --route ${type}=MODEL for it`);
    if (a['user-regions']) {
      const path = a['user-regions'];
      let raw: unknown;
      try { raw = JSON.parse(await readFile(path, 'utf8')); } catch (e) { throw new Error(`--user-regions ${path}: ${(e as Error).message}`); }
      const parsed = UserRegionsFile.safeParse(raw);
      if (!parsed.success) throw new Error(`--user-regions ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ')}`);
      userRegions = parsed.data;
    }
  } catch (e) {
    return usageError((e as Error).message);
  }
  const content: Content = a['only-reviewed'] ? 'reviewed' : 'all';
  const projectPath = resolve(a.project ?? DEFAULT_PROJECT);
  const outDir = resolve(a.out);

  const pages = new PageSource();
  const reader = createPdfReader();
  const engines = new Map<string, Promise<PaliGemmaEngine>>();
  let ocr: Promise<OcrEngine> | null = null;
  const getOcr = () => (ocr ??= createOcrEngine({ threads: threads ?? 2, modelDir: defaultOcrModelDir({ env: process.env }) }));
  const getEngine = (dir: string) => {
    let e = engines.get(dir);
    if (!e) {
      e = deps.paligemma ? deps.paligemma(dir, threads) : createPaliGemma({ modelDir: dir, prefs: { threads } });
      engines.set(dir, e);
    }
    return e;
  };
  let store: Store | undefined;
  let queue: BatchQueue | undefined;
  const stop = new StopSignals(() => queue?.pause({ abandonCurrent: true }));
  const bar = new ProgressBar(io.stderr, 'document');
  let failures = 0;
  try {
    store = Store.open(projectPath);
    const st = store;
    const pageSources: PageSources = {};
    if (sources.includes('pdf-text')) { pageSources.pdfText = pdfTextSource(reader); pageSources.pdfImage = pdfImageSource(reader); }
    if (sources.includes('ocr')) {
      pageSources.ocr = {
        name: 'ocr',
        // The engine loads only when a page without a text layer comes.
        propose: async (page) => ocrSource(await getOcr()).propose(page),
      };
    }
    if (sources.includes('user') && userRegions) pageSources.user = userSource(userRegions, (p) => basename(p));
    if (sources.includes('detect') && mix) {
      const model = mix;
      pageSources.detect = {
        name: 'detect',
        async propose(page) {
          const pageId = pageIdOf(st, page.path, page.index);
          const source = detectSource(await getEngine(model.dir), (_p, outcome) => {
            if (pageId !== null) st.addRun({ pageId, modelId: model.id, modelName: model.name, task: 'detect', prompt: DETECT_PROMPT, parameters: { maxNewTokens, strategy: { kind: 'greedy' }, modelLocation: model.dir }, ...rowFields(outcome) });
          }, maxNewTokens);
          return source.propose(page);
        },
      };
    }
    // The configuration is part of the batch's identity: other sources or models make another batch.
    const parameters = { sources, routes: Object.fromEntries(Object.entries(routes).map(([t, r]) => [t, { model: r.model.id, task: r.task, prompt: r.prompt }])), detect: mix?.id ?? null, maxNewTokens };
    const enq = await enqueueBatch(st, { inputs, task: DOCUMENT_TASK, prompt: sources.join(','), modelId: DOCUMENT_MODEL.id, modelName: DOCUMENT_MODEL.name, parameters }, (p) => pages.inspect(p));
    for (const p of enq.problems) io.stderr.write(`paliscope document: ${p.path}: ${p.reason}\n`);
    failures += enq.problems.length;
    const batchId = enq.batch.id;
    st.retryItems(batchId, ['failed']);
    const before = st.batchCounts(batchId);
    if (!before.total) {
      io.stderr.write('paliscope document: nothing to read (no readable documents)\n');
      return EXIT.failed;
    }
    const pending = before.queued + before.running + before.cancelled;
    io.stderr.write(`paliscope document: ${enq.resumed ? 'resuming' : 'starting'} batch ${batchId} in ${projectPath}: ${before.total} pages, ${pending} to read\n`);
    const runner: Runner = {
      async runPage(req, signal) {
        const item = st.batchItem(req.itemId)!;
        const rec = st.page(item.pageId)!;
        return runDocumentPage({
          store: st, sources: pageSources, routes, ocr: getOcr, paligemma: getEngine, maxNewTokens,
        }, { pageId: rec.id, path: req.documentPath, index: req.page, width: rec.width ?? 1, height: rec.height ?? 1, render: () => pages.render(req.documentPath, req.page, signal) }, signal);
      },
    };
    const t0 = performance.now();
    queue = new BatchQueue(st, batchId, runner, {
      onEvent: (e) => {
        if (e.type === 'progress') bar.update(e.finished, e.counts.total, `${e.finished}/${e.counts.total} pages`);
        else if (e.type === 'item' && a.verbose) {
          bar.clear();
          io.stderr.write(`${e.item.documentPath} page ${e.item.page + 1}: ${e.item.status === 'done' ? 'done' : `failed: ${e.item.error}`}\n`);
        }
      },
    });
    const counts = pending && !stop.received ? await queue.run() : st.batchCounts(batchId);
    const seconds = (performance.now() - t0) / 1000;
    bar.clear();
    for (const item of st.batchItems(batchId)) {
      if (item.status === 'failed') io.stderr.write(`paliscope document: ${item.documentPath} page ${item.page + 1}: ${item.error}\n`);
    }
    failures += counts.failed;
    if (stop.received) {
      io.stderr.write(stop.message('document'));
      return stop.exitCode;
    }
    const ran = pending ? counts.done - (before.done) : 0;
    io.stdout.write(`document batch ${batchId}: ${counts.done} of ${counts.total} pages read, ${counts.failed} failed` +
      `${ran > 0 ? ` (${ran} in ${seconds.toFixed(2)} s, ${(ran / seconds).toFixed(2)} pages/s)` : ''} → ${projectPath}\n`);
    const { document, paths, problems } = assembleFromStore(st, batchId, content);
    for (const p of problems) io.stderr.write(`paliscope document: ${p}\n`);
    failures += problems.length;
    for (const [i, doc] of document.documents.entries()) {
      const images = await regionImages(doc, paths[i]!);
      const written = await writeDocumentExport(doc, images, to, outDir, content);
      io.stdout.write(`${paths[i]} → ${written[0]}${written.length > 1 ? ` (+${written.length - 1} pictures)` : ''}\n`);
    }
    return failures ? EXIT.failed : EXIT.ok;
  } catch (e) {
    bar.clear();
    const transient = isTransient(e);
    io.stderr.write(`paliscope document: ${(e as Error).message}${transient ? ' (transient: exit 75, run it again)' : ''}\n`);
    return transient ? EXIT.transient : EXIT.failed;
  } finally {
    stop.dispose();
    await pages.close();
    await reader.close();
    const ocrEngine = ocr as Promise<OcrEngine> | null;
    await (await ocrEngine?.catch(() => null))?.dispose();
    for (const e of engines.values()) await (await e.catch(() => null))?.dispose();
    store?.close();
    await defaultLoader().dispose();
  }
}

function pageIdOf(store: Store, path: string, index: number): number | null {
  const doc = store.documentByPath(path);
  return doc ? store.pages(doc.id).find((p) => p.index === index)?.id ?? null : null;
}
