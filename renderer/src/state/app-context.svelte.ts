// The window's state, built once by App and handed to every component below it through Svelte
// context, so a panel reads what it shows instead of being passed it prop by prop through its parents.
// Components call `getApp()` (typed) during their setup.
import { createContext } from 'svelte';
import type { Api } from '../lib/api';
import { parseDebugOverlay } from '../lib/debug-overlay';
import { AppCommands } from './app-commands.svelte';
import { BatchesState } from './batches.svelte';
import { CheckpointImportState } from './checkpoint-import.svelte';
import { DocumentsState } from './documents.svelte';
import { DocumentViewState } from './document-view.svelte';
import { EngineState } from './engine.svelte';
import { EvaluateState } from './evaluate.svelte';
import { NoticesState } from './notices.svelte';
import { OcrState } from './ocr.svelte';
import { FileOpener } from './opener.svelte';
import { PageFocus } from './page-focus.svelte';
import { ProjectsState } from './projects.svelte';
import { ReviewState } from './review.svelte';
import { RunsState } from './runs.svelte';
import { UiState } from './ui.svelte';
import { ViewportState } from './viewport.svelte';
import { DicomViewState } from './dicom.svelte';
import { THUMBNAIL_MAX_SIDE } from '../../../preload/contract/page-image';

export interface AppState {
  readonly api: Api;
  readonly notices: NoticesState;
  readonly documents: DocumentsState;
  readonly opener: FileOpener;
  readonly viewport: ViewportState;
  readonly ocr: OcrState;
  readonly engine: EngineState;
  readonly ui: UiState;
  readonly runs: RunsState;
  readonly batches: BatchesState;
  readonly review: ReviewState;
  readonly evaluation: EvaluateState;
  readonly projects: ProjectsState;
  readonly checkpointImport: CheckpointImportState;
  /** The Document view: the regions of the active document's pages as edited, and its export. */
  readonly documentView: DocumentViewState;
  /** The page shown and what is selected, hovered and drawn on it. */
  readonly focus: PageFocus;
  readonly commands: AppCommands;
  /** DICOM pages: windows, window/level set by the person, and the privacy setting for exports. */
  readonly dicom: DicomViewState;
  /** The page image URL main serves for a page at most `maxSide` pixels on its longer side. */
  pageUrl(documentId: string, index: number, maxSide: number): string;
}

export function createAppState(api: Api, search: string): AppState {
  const notices = new NoticesState();
  const documents = new DocumentsState();
  const opener = new FileOpener(api, documents, notices);
  const viewport = new ViewportState();
  const ocr = new OcrState(api, notices);
  const ui = new UiState();
  const dicom = new DicomViewState(api);
  const runs = new RunsState(api, notices, (documentId, page) => dicom.window(documentId, page));
  const batches = new BatchesState(api, notices);
  const review = new ReviewState(api, notices);
  // Another project: the Batch tab and the review workspace show its batches and results.
  const projects = new ProjectsState(api, notices, () => {
    batches.openId = null;
    batches.items = [];
    void batches.load();
    if (review.open) void review.load();
  });
  const focus = new PageFocus(documents, ocr, runs, viewport, parseDebugOverlay(search));
  return {
    api,
    notices,
    documents,
    opener,
    viewport,
    ocr,
    engine: new EngineState(api),
    ui,
    runs,
    batches,
    review,
    evaluation: new EvaluateState(api, notices),
    projects,
    checkpointImport: new CheckpointImportState(api, notices, () => void runs.loadModels()),
    focus,
    documentView: new DocumentViewState(api),
    commands: new AppCommands({ api, notices, documents, opener, viewport, ocr, runs, ui, focus }),
    dicom,
    // A DICOM page is shown through the window whose image has loaded (a smaller image while a drag is under way).
    pageUrl: (documentId, index, maxSide) => {
      const shown = dicom.shownImage(documentId, index);
      if (!shown) return api.pageUrl({ documentId, index, maxSide });
      return api.pageUrl({ documentId, index, maxSide: maxSide > THUMBNAIL_MAX_SIDE ? Math.min(maxSide, shown.maxSide) : maxSide, window: shown.window });
    },
  };
}

const [getApp, setApp] = createContext<AppState>();

/** The window's state; call during a component's setup, below App. */
export { getApp };
/** Makes `app` the window's state for every component below the caller (App only). */
export { setApp };
