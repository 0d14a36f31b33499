// What the person can ask the window to do, whatever asked (a key, a toolbar button, a panel): open
// files, close a document, read text, run a model, export, copy. Each command touches several state
// classes, so it lives here rather than in any one of them or in a component.
import { settingsState } from './settings.svelte';
import { tick } from 'svelte';
import type { RunExportFormat, RunRecord, RunTask } from '../../../preload/contract';
import type { Api } from '../lib/api';
import { emitAppEvent } from '../lib/app-events';
import { saveFile } from '../lib/download';
import type { Command } from '../lib/shortcuts';
import type { DocumentsState } from './documents.svelte';
import type { NoticesState } from './notices.svelte';
import type { OcrState } from './ocr.svelte';
import type { FileOpener } from './opener.svelte';
import type { PageFocus } from './page-focus.svelte';
import type { RunsState } from './runs.svelte';
import type { UiState } from './ui.svelte';
import type { ViewportState } from './viewport.svelte';

export type TextExportFormat = 'txt' | 'json' | 'hocr' | 'alto' | 'pdf';

/** Inputs the commands focus or click; the components that render them bind them here. */
export class CommandTargets {
  fileInput = $state<HTMLInputElement | undefined>();
  searchInput = $state<HTMLInputElement | undefined>();
  pageInput = $state<HTMLInputElement | undefined>();
}

interface Parts {
  api: Api;
  notices: NoticesState;
  documents: DocumentsState;
  opener: FileOpener;
  viewport: ViewportState;
  ocr: OcrState;
  runs: RunsState;
  ui: UiState;
  focus: PageFocus;
}

export class AppCommands {
  /** A text export is being written (one at a time). */
  exporting = $state(false);
  readonly targets = new CommandTargets();
  readonly #p: Parts;

  constructor(parts: Parts) {
    this.#p = parts;
  }

  openFiles(): void {
    if (this.#p.opener.canShowDialogs) void this.#p.opener.openDialog();
    else this.targets.fileInput?.click();
  }

  async closeDocument(id: string): Promise<void> {
    const { ocr, runs, opener, viewport } = this.#p;
    if (ocr.run?.documentId === id) await ocr.cancel();
    if (runs.active?.documentId === id) await runs.cancel();
    runs.forget(id);
    await opener.close(id);
    ocr.forget(id);
    viewport.forget(id);
  }

  runOcr(all: boolean): void {
    const { focus, ocr, ui } = this.#p;
    if (!focus.doc || !focus.page || ocr.run) return;
    ui.rightTab = 'text';
    void ocr.start(focus.doc.summary.id, focus.doc.summary.pages.length, all ? undefined : [focus.page.index]);
  }

  runModel(): void {
    const at = this.#p.focus.at;
    if (!at) return;
    this.#p.ui.rightTab = 'model';
    void this.#p.runs.start(at.documentId, at.page);
  }

  /** Parses an output pasted from elsewhere as a run on this page (of `model`, when named); the reason it could not, or null. */
  async pasteRun(task: RunTask, promptText: string, text: string, model = ''): Promise<string | null> {
    const at = this.#p.focus.at;
    if (!at) return 'Open a document first';
    const error = await this.#p.runs.paste(at.documentId, at.page, task, promptText, text, model);
    return error?.message ?? null;
  }

  async exportText(format: TextExportFormat): Promise<void> {
    const doc = this.#p.focus.doc;
    if (!doc || this.exporting) return;
    const documentId = doc.summary.id;
    this.exporting = true;
    const r = await this.#p.api.call('ocr.export', { documentId, format });
    this.exporting = false;
    if (!r.ok) {
      this.#p.notices.error('Could not export the text', r.error.message, r.error.code);
      emitAppEvent('paliscope:error', { source: 'ocr.export', code: r.error.code, message: r.error.message });
      return;
    }
    saveFile(r.value.fileName, r.value.mime, r.value.bytes);
    emitAppEvent('paliscope:ocr-exported', { documentId, format, fileName: r.value.fileName, bytes: r.value.bytes.byteLength });
  }

  async exportRun(run: RunRecord, format: RunExportFormat): Promise<void> {
    const file = await this.#p.runs.exportRun(run.documentId, run.id, format);
    if (!file) return;
    saveFile(file.fileName, file.mime, file.bytes);
    emitAppEvent('paliscope:run-exported', { runId: run.id, format, fileName: file.fileName, bytes: file.bytes.byteLength });
  }

  copyText(text: string): void {
    const { notices } = this.#p;
    navigator.clipboard.writeText(text).then(
      () => notices.info('Text copied', text.includes('\n') ? `${text.split('\n').length} lines are on the clipboard.` : `“${text}” is on the clipboard.`),
      (err: unknown) => notices.error('Could not copy the text', String(err)),
    );
  }

  /** Carries out a keyboard command (see lib/shortcuts.ts). */
  run(command: Command): void {
    const { ui, runs, ocr, notices, documents, viewport, focus } = this.#p;
    switch (command) {
      case 'open': return this.openFiles();
      case 'help': ui.helpOpen = !ui.helpOpen; return;
      case 'settings': void settingsState().show(); return;
      case 'escape':
        if (ui.helpOpen) ui.helpOpen = false;
        else if (runs.active) void runs.cancel();
        else if (ocr.run) void ocr.cancel();
        else if (ocr.selection) ocr.selection = null;
        else notices.dismissAll();
        return;
      case 'toggleBoxes': ui.showBoxes = !ui.showBoxes; return;
      case 'toggleThumbnails': ui.showThumbnails = !ui.showThumbnails; return;
      case 'prevDocument': return documents.cycle(-1);
      case 'nextDocument': return documents.cycle(1);
      case 'search':
        ui.rightTab = 'text';
        void tick().then(() => this.targets.searchInput?.focus());
        return;
      default:
    }
    const doc = focus.doc;
    if (!doc) return;
    switch (command) {
      case 'zoomIn': return viewport.zoomIn();
      case 'zoomOut': return viewport.zoomOut();
      case 'zoomActual': return viewport.zoomTo(1);
      case 'fitWidth': return viewport.fitWidth();
      case 'fitPage': return viewport.fitPage();
      case 'panUp': return viewport.panStep(-1);
      case 'panDown': return viewport.panStep(1);
      case 'nextPage': return documents.stepPage(1);
      case 'prevPage': return documents.stepPage(-1);
      case 'firstPage': return documents.goToPage(0);
      case 'lastPage': return documents.goToPage(doc.summary.pages.length - 1);
      case 'goToPage': return void this.targets.pageInput?.select();
      case 'nextLine': return focus.stepLine(1);
      case 'prevLine': return focus.stepLine(-1);
      case 'copyLine':
        if (focus.ocrResult && focus.selectedLine !== null) this.copyText(focus.ocrResult.lines[focus.selectedLine]?.text ?? '');
        return;
      case 'ocrPage': return this.runOcr(false);
      case 'ocrAll': return this.runOcr(true);
      case 'runModel': return this.runModel();
      default:
    }
  }
}
