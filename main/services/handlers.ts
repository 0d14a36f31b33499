// The contract's calls, implemented once for both hosts (Electron and headless). What differs
// between hosts comes in as `HostPlatform`.
import type { Contract, OpenResult } from '../../preload/contract';
import { AppFailure, toAppError, type Handlers } from '../ipc/dispatcher';
import type { EngineClient } from '../engine/client';
import type { DocumentService } from './documents';
import type { OcrService } from './ocr';
import type { ModelCatalog } from './models';
import type { ModelManager } from './model-manager';
import type { RunService } from './runs';
import type { CheckpointImporter } from './checkpoint-import';
import type { BatchService } from './batches';
import type { ReviewService } from './reviews';
import type { EvaluateService } from './evaluate';
import type { ProjectService } from './project';
import type { DatasetExportService } from './dataset-export';
import type { ResultsImporter } from './project-import';
import type { PrivacyService } from './privacy';
import { DocumentLayoutService } from './document-layout';
import type { SettingsService } from './settings';
import { basename } from 'node:path';

export interface HostPlatform {
  host: 'electron' | 'headless';
  version: string;
  /** Present only where native dialogs exist; returns the chosen paths (empty when cancelled). */
  showOpenDialog?: () => Promise<string[]>;
  /** Present only where native dialogs exist; returns the chosen folder (null when cancelled). */
  /** A folder dialog with the given title (what the folder is for); null when cancelled. */
  showFolderDialog?: (title: string) => Promise<string | null>;
  /** A dialog to pick a `.paliscope` project file; null when cancelled. */
  showProjectOpenDialog?: () => Promise<string | null>;
  /** A save dialog for a new `.paliscope` project file; null when cancelled. */
  showProjectSaveDialog?: () => Promise<string | null>;
}

export interface HandlerDeps {
  documents: DocumentService;
  ocr: OcrService;
  engine: EngineClient;
  platform: HostPlatform;
  models: ModelCatalog;
  modelManager: ModelManager;
  runs: RunService;
  importer: CheckpointImporter;
  reviews: ReviewService;
  evaluate: EvaluateService;
  batches: BatchService;
  project: ProjectService;
  dataset: DatasetExportService;
  resultsImport: ResultsImporter;
  privacy: PrivacyService;
  /** The Document view's service; made from documents and ocr when not given. */
  documentLayout?: DocumentLayoutService;
  settings: SettingsService;
}

const NO_PROJECT_DIALOG = 'this host has no file dialog: use "Open a project file…" to upload a .paliscope file instead';

export function createHandlers(deps: HandlerDeps): Handlers<Contract> {
  const { documents, ocr, engine, platform, models, runs, importer, modelManager, batches } = deps;
  const layout = deps.documentLayout ?? new DocumentLayoutService({ documents, ocr });
  return {
    'app.info': () => ({
      name: 'Paliscope',
      version: platform.version,
      host: platform.host,
      platform: process.platform,
      canShowDialogs: Boolean(platform.showOpenDialog),
    }),

    'documents.openDialog': async () => {
      if (!platform.showOpenDialog) throw new AppFailure('UNSUPPORTED', 'this host has no file dialog; drop files on the window or use the file picker');
      const result: OpenResult = { opened: [], failed: [] };
      for (const path of await platform.showOpenDialog()) {
        try {
          result.opened.push(await documents.openPath(path));
        } catch (err) {
          const { code, message } = toAppError(err);
          // A locked PDF is worth retrying with its password: remember it so the UI can name it.
          const retryable = code === 'PASSWORD_REQUIRED' || code === 'WRONG_PASSWORD';
          result.failed.push({ name: basename(path), code, message, ...(retryable ? { recentId: await documents.remember(path) } : {}) });
        }
      }
      return result;
    },
    'documents.openBytes': ({ name, bytes, password }) => documents.openBytes(name, bytes, password),
    'documents.openRecent': ({ recentId, password }) => documents.openRecent(recentId, password),
    'documents.list': () => documents.list(),
    'documents.close': async ({ documentId }) => {
      ocr.forget(documentId);
      return { closed: await documents.close(documentId) };
    },
    'documents.recent': () => documents.recentFiles(),
    'documents.dicomPage': ({ documentId, page }) => documents.dicomPage(documentId, page),
    'privacy.settings': () => deps.privacy.settings(),
    'privacy.set': (settings) => deps.privacy.set(settings),

    'engine.health': () => engine.health(),

    // Each recognised page is also kept in the project store, where the review workspace finds it.
    'ocr.run': (input, ctx) => ocr.run(input, Object.assign(Object.create(ctx) as typeof ctx, {
      send: (chunk: Parameters<typeof ctx.send>[0]) => {
        ctx.send(chunk);
        if (chunk.type === 'page') void deps.reviews.keepOcr(input.documentId, chunk.page, chunk.result);
      },
    })),
    'ocr.export': ({ documentId, format }) => ocr.export(documentId, format),

    'document.regions': ({ documentId, page }) => layout.regions(documentId, page),
    'document.assemble': (input) => layout.assemble(input),
    'document.export': (input) => layout.export(input),

    'models.list': () => models.listWithSpace(),
    'models.catalog': () => modelManager.catalog(),
    'models.refreshSizes': () => modelManager.refreshSizes(),
    'models.download': (input, ctx) => modelManager.download(input, ctx),
    'models.pauseDownload': (input) => modelManager.pause(input),
    'models.remove': ({ modelId }) => modelManager.remove(modelId),
    'models.importFolder': ({ mode }) => modelManager.importFolder(mode),
    'models.chooseFolder': () => modelManager.chooseFolder(),
    'models.settings': () => modelManager.settings(),
    'models.setToken': ({ token }) => modelManager.setToken(token),
    'models.importCheckpoint': (input, ctx) => importer.import(input, ctx),
    'runs.start': (input, ctx) => runs.start(input, ctx),
    'runs.paste': (input) => runs.paste(input),
    'runs.export': (input) => runs.export(input),
    'runs.reparse': ({ documentId, runId }) => runs.reparse(documentId, runId),
    'models.importMaskDecoder': ({ name, bytes }) => runs.importMaskDecoder(name, bytes),
    'models.downloadMaskDecoder': (_input, ctx) => modelManager.downloadMaskDecoder(ctx),
    'runs.list': ({ documentId, page }) => {
      documents.get(documentId); // an unknown document is NOT_FOUND, not an empty history
      return runs.list(documentId, page);
    },

    'batches.start': (input) => batches.start(input),
    'batches.list': () => batches.list(),
    'batches.pause': ({ batchId }) => batches.pause(batchId),
    'batches.resume': ({ batchId }) => batches.resume(batchId),
    'batches.cancel': ({ batchId }) => batches.cancel(batchId),
    'batches.items': ({ batchId }) => batches.items(batchId),

    'reviews.list': (filter) => deps.reviews.list(filter),
    'reviews.get': ({ runId }) => deps.reviews.get(runId),
    'reviews.set': (input) => deps.reviews.set(input),
    'reviews.undo': ({ runId }) => deps.reviews.undo(runId),
    'reviews.redo': ({ runId }) => deps.reviews.redo(runId),
    'reviews.history': ({ runId }) => deps.reviews.history(runId),
    'reviews.checkSmiles': ({ smiles }) => deps.reviews.checkSmiles(smiles),
    'reviews.checkKern': ({ kern }) => deps.reviews.checkKern(kern),
    'reviews.compare': ({ a, b }) => deps.reviews.compare(a, b),
    'reviews.export': (input) => deps.reviews.export(input),
    'dataset.export': (input, ctx) => deps.dataset.export(input, ctx),
    'evaluate.run': (input, ctx) => deps.evaluate.run(input, { signal: ctx.signal, onProgress: (p) => ctx.send(p) }),
    'evaluate.export': (input, ctx) => deps.evaluate.export(input, { signal: ctx.signal }),
    'evaluate.chooseTruthFolder': () => deps.evaluate.chooseTruthFolder(),
    'evaluate.uploadTruthFolder': (input) => deps.evaluate.uploadTruthFolder(input),
    'evaluate.truthFolder': () => deps.evaluate.truthFolder(),
    'settings.get': () => deps.settings.view(),
    'settings.set': (input) => deps.settings.set(input),
    'settings.chooseOcrRecognizer': () => deps.settings.chooseOcrRecognizer(),

    'projects.current': () => deps.project.info(),
    'projects.openBytes': ({ name, bytes }) => deps.project.openBytes(name, bytes),
    // The dialogs are the only host-specific part, and the thinnest: a path comes back, ProjectService does the rest.
    'projects.openDialog': async () => {
      if (!platform.showProjectOpenDialog) throw new AppFailure('UNSUPPORTED', NO_PROJECT_DIALOG);
      const path = await platform.showProjectOpenDialog();
      return path ? { changed: true, project: await deps.project.openPath(path) } : { changed: false, project: deps.project.info() };
    },
    'projects.newDialog': async () => {
      if (!platform.showProjectSaveDialog) throw new AppFailure('UNSUPPORTED', NO_PROJECT_DIALOG);
      const path = await platform.showProjectSaveDialog();
      return path ? { changed: true, project: await deps.project.create(path) } : { changed: false, project: deps.project.info() };
    },
    'projects.useDefault': () => deps.project.useDefault(),
    'projects.saveCopy': () => deps.project.saveCopy(),
    'projects.recent': () => deps.project.recent(),
    'projects.openRecent': ({ id }) => deps.project.openRecent(id),
    'projects.importResults': (input, ctx) => deps.resultsImport.import(input, ctx),
  };
}
