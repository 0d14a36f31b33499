import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentError, type DocumentErrorCode } from './errors';
import { DocumentLoader } from './loader';
import { WorkerPdfBackend } from './pdf-client';
import { FIXTURE_DIR, fixtures, pixel } from './test-helpers';

let fx: Awaited<ReturnType<typeof fixtures>>;
const loader = new DocumentLoader();

beforeAll(async () => {
  fx = await fixtures();
});
afterAll(() => loader.dispose());

async function failure(p: Promise<unknown>): Promise<DocumentError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, 'expected the call to fail').toBeInstanceOf(DocumentError);
  return e as DocumentError;
}

describe('bad input', () => {
  it.each([
    ['zero.png', 'EMPTY_FILE', /empty/],
    ['truncated.jpg', 'CORRUPT_FILE', /incomplete/],
    ['corrupt.png', 'CORRUPT_FILE', /could not be read/],
    ['not-an-image.png', 'UNSUPPORTED_FORMAT', /not a PNG, JPEG/],
    ['damaged.pdf', 'CORRUPT_FILE', /damaged/],
    ['encrypted.pdf', 'PASSWORD_REQUIRED', /password/],
  ] as const)('%s → %s with a message naming the file', async (name, code, reason) => {
    const e = await failure(loader.openDocument({ path: fx[name] }));
    expect(e.code).toBe(code satisfies DocumentErrorCode);
    expect(e.file).toBe(fx[name]);
    expect(e.message).toContain(name);
    expect(e.message).toMatch(reason);
  });

  it('the same inputs given as bytes fail the same way, naming the given name', async () => {
    for (const [name, code] of [
      ['zero.png', 'EMPTY_FILE'],
      ['corrupt.png', 'CORRUPT_FILE'],
      ['not-an-image.png', 'UNSUPPORTED_FORMAT'],
      ['damaged.pdf', 'CORRUPT_FILE'],
    ] as const) {
      const bytes = new Uint8Array(await readFile(fx[name]));
      const e = await failure(loader.openDocument({ name: `upload-${name}`, bytes }));
      expect(e.code, name).toBe(code);
      expect(e.message).toContain(`upload-${name}`);
    }
  });

  it('a missing file is NOT_FOUND', async () => {
    const path = join(FIXTURE_DIR, 'does-not-exist.png');
    const e = await failure(loader.openDocument({ path }));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('does-not-exist.png');
  });

  it('a folder without a DICOMDIR is refused by name, not a crash', async () => {
    // Folders open only as DICOM media (a DICOMDIR at their root); any other folder says so.
    const e = await failure(loader.openDocument({ path: FIXTURE_DIR }));
    expect(e.code).toBe('UNSUPPORTED_FORMAT');
    expect(e.message).toMatch(/folder without a DICOMDIR/);
  });

  it('a PNG named .pdf opens as PNG', async () => {
    const doc = await loader.openDocument({ path: fx['png-named.pdf'] });
    expect(doc.format).toBe('png');
    expect(doc.name).toBe('png-named.pdf');
  });

  it('limits give TOO_LARGE', async () => {
    const small = new DocumentLoader({ maxFileBytes: 1000 });
    expect((await failure(small.openDocument({ path: fx['page.png'] }))).code).toBe('TOO_LARGE');
    const fewPixels = new DocumentLoader({ maxPixels: 1_000_000 });
    const e = await failure(fewPixels.openDocument({ path: fx['big-scan.png'] }));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toMatch(/12000×9000/);
    expect((await failure(loader.openDocument({ path: fx['document.pdf'] }, { pdfDpi: 5000 }))).code).toBe('TOO_LARGE');
  });

  it('page index outside the document is PAGE_OUT_OF_RANGE', async () => {
    const doc = await loader.openDocument({ path: fx['multipage.tiff'] });
    for (const index of [3, -1, 1.5]) {
      const e = await failure(doc.renderPage(index));
      expect(e.code).toBe('PAGE_OUT_OF_RANGE');
      expect(e.message).toContain('multipage.tiff');
    }
    expect((await failure(doc.pagePreview(9, { maxSide: 100 }))).code).toBe('PAGE_OUT_OF_RANGE');
    const pdf = await loader.openDocument({ path: fx['document.pdf'] });
    expect((await failure(pdf.renderPage(pdf.pages.length))).code).toBe('PAGE_OUT_OF_RANGE');
  });

  it('an aborted signal rejects with AbortError', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(loader.openDocument({ path: fx['page.png'] }, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    // Aborted while the worker is opening: rejected, and the late document is closed, not leaked.
    const backend = loader.pdf as WorkerPdfBackend;
    const before = backend.documentCount;
    const opening = new AbortController();
    // From bytes, the open request reaches the worker synchronously, so this
    // abort lands while the worker is parsing.
    const bytes = new Uint8Array(await readFile(fx['pages-2000.pdf']));
    const p = loader.openDocument({ name: 'pages-2000.pdf', bytes }, { signal: opening.signal });
    opening.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    // The worker answers in order, so once a later open completes the
    // abandoned one has completed too (and must have been closed).
    const later = await loader.openDocument({ path: fx['document.pdf'] });
    await new Promise((r) => setImmediate(r));
    expect(backend.documentCount).toBe(before + 1);
    await later.close();
    const doc = await loader.openDocument({ path: fx['document.pdf'] });
    await expect(doc.renderPage(0, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    // Aborting mid-render rejects promptly; the document stays usable.
    const mid = new AbortController();
    const pending = doc.renderPage(1, { signal: mid.signal });
    mid.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect((await doc.renderPage(1)).width).toBe(1275);
  });

  it('failures leave the loader and other open documents working', async () => {
    const image = await loader.openDocument({ path: fx['palette.png'] });
    const pdf = await loader.openDocument({ path: fx['document.pdf'] }, { pdfDpi: 72 });
    const bad = ['zero.png', 'truncated.jpg', 'corrupt.png', 'not-an-image.png', 'damaged.pdf', 'encrypted.pdf'] as const;
    const results = await Promise.allSettled(bad.map((n) => loader.openDocument({ path: fx[n] })));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);

    expect(pixel(await image.renderPage(0), 5, 5)).toEqual([255, 0, 0]);
    expect((await pdf.renderPage(0)).width).toBe(612);
    const fresh = await loader.openDocument({ path: fx['anim.gif'] });
    expect(fresh.pages).toHaveLength(1);
    const freshPdf = await loader.openDocument({ path: fx['pages-2000.pdf'] }, { pdfDpi: 30 });
    expect((await freshPdf.renderPage(1234)).height).toBe(330);
  });
});
