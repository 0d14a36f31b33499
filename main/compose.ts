// Builds main's services the same way for both hosts; each host passes what only it can make
// (how to spawn the engine host, where user data lives, which dialogs exist).
import { join } from 'node:path';
import { contract, type Contract } from '../preload/contract';
import { Dispatcher, type Logger } from './ipc/dispatcher';
import { EngineClient, type SpawnEngine } from './engine/client';
import { DocumentService, type OpenDocument } from './services/documents';
import { OcrService } from './services/ocr';
import { RecentFiles } from './services/recent-files';
import { createHandlers, type HostPlatform } from './services/handlers';
import { DatasetExportService } from './services/dataset-export';
import { ModelCatalog, defaultModelFolders } from './services/models';
import { RunService } from './services/runs';
import { CheckpointImporter } from './services/checkpoint-import';
import { ModelManager } from './services/model-manager';
import { TokenStore, type SecretCipher } from './services/token-store';
import { ProjectService } from './services/project';
import { ResultsImporter } from './services/project-import';
import { BatchService } from './services/batches';
import { DocumentIdentities, ReviewService } from './services/reviews';
import { BatchSourceGuard } from './services/untrusted-batches';
import type { SpawnProbe } from './services/project-guard';
import { EvaluateService } from './services/evaluate';
import { PrivacyService } from './services/privacy';
import { SettingsService } from './services/settings';

export interface ComposeOptions {
  userDataDir: string;
  spawnEngine: SpawnEngine;
  openDocument: OpenDocument;
  platform: HostPlatform;
  log?: Logger;
  /** Folders whose subfolders are models; default `<userData>/models` plus PALISCOPE_MODELS_DIR. */
  modelFolders?: string[];
  /** Electron's safeStorage, to keep the hub token encrypted on disk; without it the token stays in memory only. */
  secretCipher?: SecretCipher;
  /** A better_sqlite3.node built for this runtime (Electron); see services/project.ts. */
  sqliteNativeBinding?: string;
  /** Starts the process that checks a project file before it is opened (default: a Node child process). */
  spawnProbe?: SpawnProbe;
}

export interface Services {
  dispatcher: Dispatcher<Contract>;
  documents: DocumentService;
  engine: EngineClient;
  ocr: OcrService;
  models: ModelCatalog;
  modelManager: ModelManager;
  runs: RunService;
  importer: CheckpointImporter;
  /** The durable project store (batches, runs, reviews); `project.store` is null when it could not be opened. */
  project: ProjectService;
  /** Results in the project store, their reviews, comparisons and exports. */
  reviews: ReviewService;
  /** The project's results scored against their reviewed truth. */
  evaluate: EvaluateService;
  /** Batch runs over the project store's queue; a batch a crash left running resumes at start-up. */
  batches: BatchService;
  /** Project → Export training data… (models/dataset). */
  dataset: DatasetExportService;
  /** Project files from elsewhere (a cluster batch's shards) merged into the open project. */
  resultsImport: ResultsImporter;
  /** DICOM metadata in exports: de-identified unless the person keeps identifiers. */
  privacy: PrivacyService;
  /** The person's settings: engine preferences for the next run, the PDF DPI, the theme. */
  settings: SettingsService;
  shutdown(): Promise<void>;
}

export function composeServices(opts: ComposeOptions): Services {
  // The engine reports status through the dispatcher, which needs the handlers, which need the
  // engine: break the cycle with a late-bound emitter.
  let dispatcher: Dispatcher<Contract> | null = null;
  const project = new ProjectService({ userDataDir: opts.userDataDir, nativeBinding: opts.sqliteNativeBinding, spawnProbe: opts.spawnProbe, ...(opts.log ? { log: opts.log } : {}) });
  const engine = new EngineClient(opts.spawnEngine, { onStatus: (status) => dispatcher?.emit('engine.status', status) });
  // Every opened document's content hash, so runs on it are filed in the store by content.
  const identities = new DocumentIdentities();
  const modelFolders = opts.modelFolders ?? defaultModelFolders(opts.userDataDir);
  const settings = new SettingsService({
    file: join(opts.userDataDir, 'settings.json'), userDataDir: opts.userDataDir,
    modelsFolders: () => [models.downloadFolder, ...modelFolders.slice(1)], storePath: () => project.info().path,
    onChange: (s) => (documents.pdfDpi = s.pdfDpi),
    pickFolder: opts.platform.showFolderDialog,
    checkOcrRecognizer: (dir) => engine.request('ocr.checkRecognizer', { dir }),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const documents = new DocumentService({ open: identities.wrap(opts.openDocument), recent: new RecentFiles(join(opts.userDataDir, 'recent-files.json')), pdfDpi: settings.current.pdfDpi });
  const ocr = new OcrService({
    documents, engine, threads: () => settings.engineRunPrefs().threads,
    recognizer: () => settings.current.ocrRecognizer, recognizerFailed: (dir, reason) => settings.ocrRecognizerFailed(dir, reason),
  });
  const models = new ModelCatalog(modelFolders);
  const modelManager = new ModelManager({
    models,
    tokens: new TokenStore(join(opts.userDataDir, 'hub-token.bin'), opts.secretCipher, opts.log),
    settingsFile: join(opts.userDataDir, 'model-settings.json'),
    pickFolder: opts.platform.showFolderDialog,
    validateFolder: (dir) => engine.request('models.validate', { dir }),
    // A downloaded checkpoint converts in the jobs engine host (below), like Import checkpoint…, so main stays free.
    convertGraphs: async ({ checkpointDir, outDir, dtype, graphs, signal, onProgress }) => {
      await jobs.request('checkpoint.convert', { checkpointDir, outDir, dtype, graphs }, { signal, onProgress: (p) => onProgress(p as { done: number; total: number }) });
    },
  });
  void modelManager.start();
  const reviews = new ReviewService({
    store: () => project.store, unavailable: () => project.unavailable, documents, identities,
    // SMILES and **kern typed in a correction are checked in the engine host, as run outputs are parsed.
    analyze: (task, raw, options) => engine.request('tasks.analyze', { task, raw, options }),
    exportParsed: (parsed, from, format) => engine.request('tasks.export', { parsed, from, format }),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const evaluate = new EvaluateService({
    store: () => project.store, unavailable: () => project.unavailable, settled: () => reviews.settled(),
    pickFolder: opts.platform.showFolderDialog, uploadDir: join(opts.userDataDir, 'truth-uploads'),
  });
  // Every final run (model or pasted) is a row of the project store: the Ask-model history, Review and exports read it.
  const privacy = new PrivacyService(join(opts.userDataDir, 'privacy.json'));
  const runs = new RunService({ documents, engine, models, reviews, identities, privacy, store: () => project.store, enginePrefs: () => settings.engineRunPrefs() });
  // Long jobs (checkpoint conversion) get their own engine host, started on first use, so they
  // never queue in front of OCR or a model run.
  const jobs = new EngineClient(opts.spawnEngine);
  const importer = new CheckpointImporter({
    jobs,
    modelsDir: join(opts.userDataDir, 'models'),
    stagingDir: join(opts.userDataDir, 'staging'),
    pickFolder: opts.platform.showFolderDialog,
  });
  const documentsDir = join(opts.userDataDir, 'documents');
  const batches = new BatchService({
    project, documents, engine, models, documentsDir, ocr,
    sourceGuard: new BatchSourceGuard({ openedPaths: () => documents.openedPaths(), documentsDir }),
    onProgress: (summary) => dispatcher?.emit('batches.progress', summary),
    enginePrefs: () => settings.engineRunPrefs(),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const dataset = new DatasetExportService({
    store: () => project.store, unavailable: () => project.unavailable, projectName: () => project.info().name,
    vaePath: () => models.maskDecoder(), settled: () => reviews.settled(), outRoot: join(opts.userDataDir, 'training-data'),
    openDocument: async (sha256) => {
      for (const summary of documents.list()) {
        const doc = documents.get(summary.id);
        if ((identities.peek(doc) ?? (await identities.of(doc)))?.sha256 === sha256) return doc;
      }
      return null;
    },
  });
  const resultsImport = new ResultsImporter({
    project, busy: () => batches.busy(), workDir: join(opts.userDataDir, 'incoming'),
    nativeBinding: opts.sqliteNativeBinding ?? (process.env.PALISCOPE_SQLITE_BINDING || undefined),
  });
  dispatcher = new Dispatcher(contract, createHandlers({ documents, ocr, engine, models, modelManager, runs, importer, reviews, evaluate, batches, project, dataset, resultsImport, privacy, settings, platform: opts.platform }), opts.log);
  void engine.start().catch((err: unknown) => opts.log?.error(`engine host did not start: ${String(err)}`));
  // A batch a crash (or a quit) left running goes on where it stopped.
  batches.resumeInterrupted();
  // Switching projects waits for runs being filed, is refused while a batch runs, and resumes the new project's batches.
  project.attach({
    busy: () => batches.busy(),
    settle: () => reviews.settled(),
    changed: (info) => {
      batches.projectChanged(project.heldOnOpen);
      dispatcher?.emit('projects.changed', info);
    },
  });
  return {
    dispatcher,
    privacy,
    documents,
    engine,
    ocr,
    models,
    modelManager,
    runs,
    importer,
    project,
    reviews,
    evaluate,
    batches,
    dataset,
    resultsImport,
    settings,
    async shutdown() {
      // Batches first: the page on the model goes back to the queue before the engine host stops under it.
      await batches.close();
      await Promise.all([engine.stop(), jobs.stop(), evaluate.dispose()]);
      await documents.closeAll();
      project.close();
    },
  };
}
