// The single declaration of everything that crosses between the renderer and main.
// The preload bridge, main's IPC registration, the headless host's routes and the renderer's API
// type are all derived from `contract` below (see contract.test.ts, which proves they agree).
import { z } from 'zod';
import { invoke, stream, event, StreamStarted, type ContractShape } from './define';
import { MAX_UPLOAD_BYTES, MAX_NEW_TOKENS } from './limits';
import { Bytes, Empty, Id } from './common';
import { RunInput, RunChunk, RunRecord, RunPaste, RunExportRequest } from './runs';
import { ReviewFilter, ReviewList, ReviewDetail, ReviewSet, ReviewHistoryEntry, SmilesCheck, ReviewComparison, ReviewExportRequest, ReviewExport, RunRef, StoreRunId, KernCheck } from './review';
import { BatchStartInput, BatchStartResult, BatchSummary, BatchItem, BatchRef } from './batches';
import { EvaluateRequest, EvaluateResult, EvaluateExportRequest, EvaluateExport, EvaluateProgress, TruthFolderInfo, TruthFolderUpload } from './evaluate';
import { ProjectInfo, ProjectSwitch, ProjectOpenBytes, ProjectCopy, RecentProject } from './projects';
import { DatasetExportInput, DatasetExportProgress, DatasetExportResult } from './dataset';
import { ProjectImportInput, ProjectImportProgress, ProjectImportResult } from './project-import';
import { DicomPage, DicomSummary, PrivacySettings } from './dicom';
import { DocumentRegionsRequest, DocumentRegionsResult, DocumentExportRequest, DocumentAssembleRequest } from './document';
import { SettingsChange, SettingsView } from './settings';
import { CatalogModel, ModelDownloadInput, ModelDownloadProgress, ModelDownloadResult, ModelImportResult, ModelList, ModelSettings } from './models';

export * from './define';
export * from './runs';
export * from './models';
export * from './batches';
export * from './review';
export * from './projects';
export * from './dataset';
export * from './project-import';
export * from './evaluate';
export * from './dicom';
export * from './document';
export * from './settings';

export const DocumentFormat = z.enum(['png', 'jpeg', 'webp', 'bmp', 'gif', 'tiff', 'pdf', 'dicom']);
export const PageInfo = z.object({ index: z.number().int().nonnegative(), width: z.number().int().positive(), height: z.number().int().positive() });
export const DocumentSummary = z.object({
  id: Id,
  name: z.string(),
  format: DocumentFormat,
  pages: z.array(PageInfo),
  /** DICOM documents: header fields (identifiers marked), transfer syntax. */
  dicom: DicomSummary.optional(),
});
export type DocumentSummary = z.infer<typeof DocumentSummary>;

/** A file the dialog returned that did not open; `recentId` lets the UI retry it (with a password, say). */
export const FileFailure = z.object({ name: z.string(), code: z.string(), message: z.string(), recentId: Id.optional() });
export const OpenResult = z.object({ opened: z.array(DocumentSummary), failed: z.array(FileFailure) });
export type OpenResult = z.infer<typeof OpenResult>;

export const RecentFile = z.object({ id: Id, name: z.string(), location: z.string(), openedAt: z.string() });
export type RecentFile = z.infer<typeof RecentFile>;

export const EngineState = z.enum(['starting', 'ready', 'crashed', 'restarting', 'stopped']);
export const EngineStatus = z.object({
  state: EngineState,
  pid: z.number().int().nullable(),
  restarts: z.number().int().nonnegative(),
  message: z.string().optional(),
});
export type EngineStatus = z.infer<typeof EngineStatus>;
export const EngineHealth = EngineStatus.extend({ uptimeMs: z.number().nonnegative(), rssBytes: z.number().nonnegative() });

const Point = z.tuple([z.number(), z.number()]);
export const Quad = z.tuple([Point, Point, Point, Point]);
export const OcrWord = z.object({ text: z.string(), confidence: z.number(), box: Quad });
export const OcrLine = z.object({ text: z.string(), confidence: z.number(), box: Quad, words: z.array(OcrWord), block: z.number().int() });
export const OcrPage = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  lines: z.array(OcrLine),
  rotationHint: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).optional(),
  timings: z.record(z.string(), z.number()),
});
export type OcrPage = z.infer<typeof OcrPage>;
export const OcrChunk = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), page: z.number().int(), stage: z.string(), done: z.number(), total: z.number() }),
  z.object({ type: z.literal('page'), page: z.number().int(), result: OcrPage }),
  /** The recognizer chosen in Settings could not be used: this page and the next are read with the built-in one. */
  z.object({ type: z.literal('recognizer-fallback'), page: z.number().int(), message: z.string() }),
]);
export type OcrChunk = z.infer<typeof OcrChunk>;


export { MAX_UPLOAD_BYTES, MAX_NEW_TOKENS };

export const contract = {
  'app.info': invoke(
    Empty,
    z.object({ name: z.string(), version: z.string(), host: z.enum(['electron', 'headless']), platform: z.string(), canShowDialogs: z.boolean() }),
  ),

  // Documents. The renderer never sends a path: it asks main to show a dialog, sends the bytes of a
  // file the user dropped or picked, or names an entry of the recent list by id.
  'documents.openDialog': invoke(Empty, OpenResult),
  'documents.openBytes': invoke(
    z.object({
      name: z.string().min(1).max(255),
      bytes: Bytes.refine((b) => b.byteLength <= MAX_UPLOAD_BYTES, `at most ${MAX_UPLOAD_BYTES} bytes`),
      password: z.string().max(1024).optional(),
    }).strict(),
    DocumentSummary,
  ),
  'documents.openRecent': invoke(z.object({ recentId: Id, password: z.string().max(1024).optional() }).strict(), DocumentSummary),
  'documents.list': invoke(Empty, z.array(DocumentSummary)),
  'documents.close': invoke(z.object({ documentId: Id }).strict(), z.object({ closed: z.boolean() })),
  'documents.recent': invoke(Empty, z.array(RecentFile)),
  // A DICOM page's windows from its header, the default window and the value range (for window/level controls).
  'documents.dicomPage': invoke(z.object({ documentId: Id, page: z.number().int().nonnegative() }).strict(), DicomPage),
  // Whether exports keep patient identifiers; off (de-identified) unless the person turns it on. Persisted.
  'privacy.settings': invoke(Empty, PrivacySettings),
  'privacy.set': invoke(PrivacySettings, PrivacySettings),

  // The engine host: where inference runs, off the main thread.
  'engine.health': invoke(Empty, EngineHealth),
  'engine.status': event(EngineStatus),

  // Built-in OCR on some pages of a document (all pages when `pages` is omitted).
  'ocr.run': stream(
    z.object({ documentId: Id, pages: z.array(z.number().int().nonnegative()).max(10_000).optional() }).strict(),
    OcrChunk,
    z.object({ pages: z.number().int().nonnegative() }),
  ),

  // OCR results of a document as a file: the renderer saves it (a download in both hosts).
  'ocr.export': invoke(
    z.object({ documentId: Id, format: z.enum(['txt', 'json', 'hocr', 'alto', 'pdf']) }).strict(),
    z.object({ fileName: z.string(), mime: z.string(), bytes: Bytes }),
  ),

  // Local models and runs of them on a page. A run streams its tokens, then ends with the record
  // the history keeps; cancelled and failed runs are kept too (runs.list).
  'models.list': invoke(Empty, ModelList),
  // The model manager: what can be downloaded, downloads (cancel with streams.cancel; pause keeps the partial files
  // so the same download resumes), removal, import of a folder (dialog hosts only), the folder and the hub token.
  'models.catalog': invoke(Empty, z.array(CatalogModel)),
  // Reads the hub's file listing of each checkpoint in the catalog (public, even for gated repositories), remembers
  // the download sizes and answers the catalog with them; a listing that fails keeps the size last read.
  'models.refreshSizes': invoke(Empty, z.object({ catalog: z.array(CatalogModel), failed: z.array(z.string()) })),
  'models.download': stream(ModelDownloadInput, ModelDownloadProgress, ModelDownloadResult),
  'models.pauseDownload': invoke(ModelDownloadInput, z.object({ paused: z.boolean() })),
  'models.remove': invoke(z.object({ modelId: Id }).strict(), z.object({ deleted: z.boolean(), name: z.string() })),
  // The segmentation mask decoder (big_vision's vae-oid.npz), from a file the person picked; checked, then kept in
  // the models folder where segment runs find it.
  // The same file fetched from the hub (the PaliGemma demo Space), with progress; checked like an import.
  'models.downloadMaskDecoder': stream(Empty, ModelDownloadProgress, z.object({ location: z.string() })),
  'models.importMaskDecoder': invoke(
    z.object({ name: z.string().min(1).max(255), bytes: Bytes.refine((b) => b.byteLength <= MAX_UPLOAD_BYTES, `at most ${MAX_UPLOAD_BYTES} bytes`) }).strict(),
    z.object({ location: z.string() }),
  ),
  'models.importFolder': invoke(z.object({ mode: z.enum(['copy', 'reference']).default('copy') }).strict(), ModelImportResult),
  'models.chooseFolder': invoke(Empty, ModelSettings),
  'models.settings': invoke(Empty, ModelSettings),
  'models.setToken': invoke(z.object({ token: z.string().trim().max(512).regex(/^[\x21-\x7e]*$/, 'a token of printable characters without spaces').nullable() }).strict(), ModelSettings),
  // Converts a Hugging Face PaliGemma checkpoint folder the person picks (a folder dialog; not
  // offered by the headless host) into the user's models folder, with progress.
  'models.importCheckpoint': stream(
    z.object({ dtype: z.enum(['fp32', 'fp16', 'int8', 'q4']).default('q4') }).strict(),
    z.object({ stage: z.enum(['converting']), done: z.number().nonnegative(), total: z.number().nonnegative(), graph: z.string() }),
    z.object({ imported: z.boolean(), name: z.string().optional(), location: z.string().optional() }),
  ),
  'runs.start': stream(RunInput, RunChunk, RunRecord),
  'runs.paste': invoke(RunPaste, RunRecord),
  // A run's parsed result as a file (table → XLSX, molecule → SDF, …); the renderer saves it.
  // Parses a run's output again (after the mask decoder was installed, say).
  'runs.reparse': invoke(z.object({ documentId: Id, runId: Id }).strict(), RunRecord),
  'runs.export': invoke(RunExportRequest, z.object({ fileName: z.string(), mime: z.string(), bytes: Bytes })),
  'runs.list': invoke(z.object({ documentId: Id, page: z.number().int().nonnegative().optional() }).strict(), z.array(RunRecord)),

  // The review workspace over the project store: results lowest confidence first, reviews with undo/redo and history,
  // two runs on one page compared, exports of the reviewed truth (the renderer saves the file).
  'reviews.list': invoke(ReviewFilter, ReviewList),
  'reviews.get': invoke(RunRef, ReviewDetail),
  'reviews.set': invoke(ReviewSet, ReviewDetail),
  'reviews.undo': invoke(RunRef, ReviewDetail),
  'reviews.redo': invoke(RunRef, ReviewDetail),
  'reviews.history': invoke(RunRef, z.array(ReviewHistoryEntry)),
  'reviews.checkSmiles': invoke(z.object({ smiles: z.string().max(2000) }).strict(), SmilesCheck),
  'reviews.checkKern': invoke(z.object({ kern: z.string().max(100_000) }).strict(), KernCheck),
  'reviews.compare': invoke(z.object({ a: StoreRunId, b: StoreRunId }).strict(), ReviewComparison),
  'reviews.export': invoke(ReviewExportRequest, ReviewExport),
  // Project → Export training data…: reviewed results as PaliGemma fine-tuning data, zipped, with progress.
  'dataset.export': stream(DatasetExportInput, DatasetExportProgress, DatasetExportResult),

  // Evaluation of the project's results against their reviewed truth or a folder of truth files (models/eval), scored
  // on a worker thread with progress (cancel with streams.cancel).
  'evaluate.run': stream(EvaluateRequest, EvaluateProgress, EvaluateResult),
  'evaluate.export': invoke(EvaluateExportRequest, EvaluateExport),
  // The truth folder: chosen in a folder dialog (dialog hosts; null when cancelled), or its truth files uploaded (the
  // headless host's folder picker); the current choice, null when none.
  'evaluate.chooseTruthFolder': invoke(Empty, TruthFolderInfo.nullable()),
  'evaluate.uploadTruthFolder': invoke(TruthFolderUpload, TruthFolderInfo),
  'evaluate.truthFolder': invoke(Empty, TruthFolderInfo.nullable()),

  // Batches: a task × a model over every page of some open documents, kept page by page in the project store, so a
  // batch survives a crash and resumes when the app starts again. One batch runs at a time; others wait, queued.
  'batches.start': invoke(BatchStartInput, BatchStartResult),
  'batches.list': invoke(Empty, z.array(BatchSummary)),
  'batches.pause': invoke(BatchRef, BatchSummary),
  'batches.resume': invoke(BatchRef, BatchSummary),
  'batches.cancel': invoke(BatchRef, BatchSummary),
  'batches.items': invoke(BatchRef, z.array(BatchItem)),
  // Every change of a batch's state or progress, to every window.
  'batches.progress': event(BatchSummary),

  // Projects: the store runs, reviews and batches are kept in — the app's own, or a `.paliscope` file. Switching is
  // refused while a batch runs; a file that cannot be opened leaves the current project open. Dialogs: Electron only
  // (the headless host refuses them with UNSUPPORTED: upload the file instead).
  'projects.current': invoke(Empty, ProjectInfo),
  'projects.openBytes': invoke(ProjectOpenBytes, ProjectInfo),
  'projects.openDialog': invoke(Empty, ProjectSwitch),
  'projects.newDialog': invoke(Empty, ProjectSwitch),
  'projects.useDefault': invoke(Empty, ProjectInfo),
  'projects.saveCopy': invoke(Empty, ProjectCopy),
  'projects.recent': invoke(Empty, z.array(RecentProject)),
  'projects.openRecent': invoke(z.object({ id: Id }).strict(), ProjectInfo),
  // Project files made elsewhere (a cluster batch's shards) merged into the open project, with progress; refused
  // while a batch runs.
  'projects.importResults': stream(ProjectImportInput, ProjectImportProgress, ProjectImportResult),
  // The project changed (opened, new, default), to every window: the Batch tab and the review workspace reload.
  'projects.changed': event(ProjectInfo),

  // The Document view: a page's regions in reading order (the PDF text layer, or the page's OCR result), the whole
  // document assembled as Markdown from the regions the person edited, and exported (the renderer saves the file;
  // Markdown and JSON with pictures come as a zip).
  'document.regions': invoke(DocumentRegionsRequest, DocumentRegionsResult),
  'document.assemble': invoke(DocumentAssembleRequest, z.object({ markdown: z.string() })),
  'document.export': invoke(DocumentExportRequest, z.object({ fileName: z.string(), mime: z.string(), bytes: Bytes })),

  // Settings (main/services/settings.ts): how models run, how PDFs render, the theme; persisted in the user-data folder.
  // A change applies to the next run (provider, threads, dtype, cache) or the next PDF opened (DPI).
  'settings.get': invoke(Empty, SettingsView),
  'settings.set': invoke(SettingsChange, SettingsView),
  // Picks a PP-OCR recognizer folder in main's dialog; main has it checked (sizes, dictionary, class count) before it is kept.
  'settings.chooseOcrRecognizer': invoke(Empty, SettingsView),

  // Cancels any running stream this window started.
  'streams.cancel': invoke(z.object({ streamId: Id }).strict(), z.object({ cancelled: z.boolean() })),
} satisfies ContractShape;

export type Contract = typeof contract;
export { StreamStarted };
