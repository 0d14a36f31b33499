import { describe, expect, it } from 'vitest';
import type { DocumentSummary, OcrPage } from '../../../preload/contract';
import { createAppState } from './app-context.svelte';
import { fakeHost } from './fake-host.test-helpers';

const quad = (x: number, y: number, w: number, h: number): [[number, number], [number, number], [number, number], [number, number]] => [[x, y], [x + w, y], [x + w, y + h], [x, y + h]];
const ocrPage = (...texts: string[]): OcrPage => ({
  width: 400,
  height: 300,
  timings: {},
  lines: texts.map((text, i) => ({ text, confidence: 0.9, box: quad(10, 10 + 30 * i, 200, 20), block: 0, words: [] })),
});
const doc: DocumentSummary = { id: 'doc1', name: 'letters.pdf', format: 'pdf', pages: [0, 1, 2].map((index) => ({ index, width: 400, height: 300 })) };

function appWithDocument(search = ''): ReturnType<typeof createAppState> {
  const app = createAppState(fakeHost({}).api, search);
  app.documents.add(doc);
  app.ocr.results.set('doc1:0', ocrPage('Dear Sir', 'the stamp is faint'));
  app.ocr.results.set('doc1:2', ocrPage('a second stamp'));
  return app;
}

describe('the window state shared through context', () => {
  it('PageFocus follows the active page: its text, the search hits across pages, and going from hit to hit', () => {
    const { focus, ocr, documents } = appWithDocument();
    expect(focus.at).toEqual({ documentId: 'doc1', page: 0 });
    expect(focus.ocrState).toBe('done');
    expect(focus.canExportText).toBe(true);
    ocr.query = 'stamp';
    expect(focus.hitPages.map((h) => h.page)).toEqual([0, 2]);
    expect(focus.hits.lines).toEqual([1]);
    expect(focus.otherPageHits).toBe(1);
    focus.goToHit(1);
    expect(focus.selectedLine).toBe(1);
    // The next hit is on page 3: the document moves there with that line selected.
    focus.goToHit(1);
    expect(documents.active?.pageIndex).toBe(2);
    expect(focus.at).toEqual({ documentId: 'doc1', page: 2 });
    expect(focus.selectedLine).toBe(0);
    expect(focus.ocrResult?.lines[0]?.text).toBe('a second stamp');
  });

  it('the overlay holds the OCR lines, the next run\'s region and the test-only debug rectangle', () => {
    const { focus, runs } = appWithDocument('?debugOverlay=5,6,70,80');
    const ids = (): string[] => focus.shapes.map((s) => s.id);
    expect(ids()).toContain('debug-rect');
    expect(ids().filter((id) => id.startsWith('line-'))).toHaveLength(2);
    expect(ids()).not.toContain('next-region');
    runs.setRegion('doc1', 0, { x: 10, y: 20, width: 100, height: 50 }, false);
    expect(focus.nextRegion).toEqual({ x: 10, y: 20, width: 100, height: 50 });
    expect(ids()).toContain('next-region');
    expect(focus.shownMasks).toBeNull();
  });

  it('keyboard commands act on the shared state', () => {
    const { commands, ui, documents, ocr, focus } = appWithDocument();
    commands.run('toggleBoxes');
    expect(ui.showBoxes).toBe(false);
    commands.run('lastPage');
    expect(documents.active?.pageIndex).toBe(2);
    commands.run('prevPage');
    expect(documents.active?.pageIndex).toBe(1);
    commands.run('firstPage');
    commands.run('nextLine');
    expect(ocr.selectedLine('doc1', 0)).toBe(0);
    commands.run('nextLine');
    expect(focus.selectedLine).toBe(1);
    commands.run('help');
    expect(ui.helpOpen).toBe(true);
    commands.run('escape');
    expect(ui.helpOpen).toBe(false);
  });
});
