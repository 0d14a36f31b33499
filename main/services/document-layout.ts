// The Document view's calls: a page's regions in reading order, and the whole document assembled from the regions the
// person edited (types, order, reviews, corrected text), as Markdown for the view or as an export file. Regions come
// from the PDF text layer and its placed pictures; a page without a text layer takes the blocks of its built-in OCR
// result (the OCR panel's), or says that it needs one. The renderer is untrusted: the regions it sends back were
// checked by the contract, and each box is checked against the real page before a picture is cut from it.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { strToU8, zipSync } from 'fflate';
import type { DocumentAssembleRequest, DocumentExportRequest, DocumentRegion, DocumentRegionsResult } from '../../preload/contract';
import { AppFailure } from '../ipc/dispatcher';
import { imageName } from '../../models/document/assemble';
import { toDocx } from '../../models/document/export/docx';
import { toHtml } from '../../models/document/export/html';
import { toMarkdown } from '../../models/document/export/markdown';
import { exportStem, regionImagesOf } from '../../models/document/export/write';
import { readingOrder } from '../../models/document/order';
import { regionText } from '../../models/document/page-runner';
import { DocumentExport, type DocumentFile } from '../../models/document/schema';
import { isTextType, mergeProposals } from '../../models/document/sources/combine';
import { linesOfOcrPage } from '../../models/document/sources/ocr-blocks';
import { createPdfReader, pdfImageSource, pdfTextSource } from '../../models/document/sources/pdf-text';
import { textBlocks } from '../../models/document/sources/text-blocks';
import type { PageContext } from '../../models/document/sources/types';
import type { DocumentService } from './documents';
import type { OcrService } from './ocr';

export class DocumentLayoutService {
  readonly #documents: DocumentService;
  readonly #ocr: OcrService;
  readonly #reader = createPdfReader();

  constructor(deps: { documents: DocumentService; ocr: OcrService }) {
    this.#documents = deps.documents;
    this.#ocr = deps.ocr;
  }

  async regions(documentId: string, page: number): Promise<DocumentRegionsResult> {
    const doc = this.#documents.get(documentId);
    const info = doc.pages[page];
    if (!info) throw new AppFailure('PAGE_OUT_OF_RANGE', `${doc.name} has ${doc.pages.length} pages; the regions of page ${page + 1} were asked for`);
    const source = this.#documents.source(documentId);
    const ctx: PageContext = {
      path: 'path' in source ? source.path : `${documentId}:${source.name}`, bytes: 'bytes' in source ? source.bytes : undefined,
      index: page, width: info.width, height: info.height, pixels: () => doc.renderPage(page),
    };
    let text = doc.format === 'pdf' ? await pdfTextSource(this.#reader).propose(ctx) : [];
    const images = doc.format === 'pdf' ? await pdfImageSource(this.#reader).propose(ctx) : [];
    let note: string | null = null;
    if (!text.length) {
      const ocr = this.#ocr.results(documentId).get(page);
      if (ocr) text = textBlocks(linesOfOcrPage(ocr), info, 'ocr');
      else note = `page ${page + 1} has no text layer: read it with the built-in OCR (Text tab), then reload the regions`;
    }
    const proposals = mergeProposals({ user: [], detect: [], images, text });
    const { order, captionOf } = readingOrder(proposals);
    const ids = proposals.map((_, i) => `p${page + 1}-r${i + 1}`);
    const regions: DocumentRegion[] = proposals.map((r, i) => ({
      id: ids[i]!, type: r.type, box: r.box, source: r.source, order: order[i] ?? null,
      captionOf: captionOf[i] !== null && captionOf[i] !== undefined ? ids[captionOf[i]!]! : null,
      result: isTextType(r.type) || r.type === 'formula' ? { kind: 'text', text: regionText(r) } : r.type === 'figure' ? { kind: 'figure', description: null } : null,
      review: 'unreviewed', runId: null, error: null, image: imageName({ id: ids[i]!, type: r.type }),
    }));
    return { index: page, width: info.width, height: info.height, regions, note };
  }

  /** The document as Markdown, as the export will write it (pictures named, not embedded). */
  async assemble(input: DocumentAssembleRequest): Promise<{ markdown: string }> {
    const file = await this.#file(input, false);
    return { markdown: toMarkdown(file, { imageDir: `${exportStem(file.name)}.images`, hasImage: (n) => file.pages.some((p) => p.regions.some((r) => r.image === n)) }) };
  }

  async export(input: DocumentExportRequest): Promise<{ fileName: string; mime: string; bytes: Uint8Array }> {
    const file = await this.#file(input, true);
    const doc = this.#documents.get(input.documentId);
    const images = await regionImagesOf(file, doc);
    const stem = exportStem(file.name);
    const zip = (main: { name: string; bytes: Uint8Array }) => {
      if (!images.size) return null;
      const entries: Record<string, Uint8Array> = { [main.name]: main.bytes };
      for (const [name, bytes] of images) entries[`${stem}.images/${name}`] = bytes;
      return { fileName: `${stem}.zip`, mime: 'application/zip', bytes: zipSync(entries, { level: 6 }) };
    };
    if (input.format === 'html') return { fileName: `${stem}.html`, mime: 'text/html', bytes: strToU8(toHtml(file, images)) };
    if (input.format === 'docx') return { fileName: `${stem}.docx`, mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: await toDocx(file, images) };
    if (input.format === 'md') {
      const md = { name: `${stem}.md`, bytes: strToU8(toMarkdown(file, { imageDir: `${stem}.images`, hasImage: (n) => images.has(n) })) };
      return zip(md) ?? { fileName: md.name, mime: 'text/markdown', bytes: md.bytes };
    }
    const withPaths: DocumentFile = { ...file, pages: file.pages.map((p) => ({ ...p, regions: p.regions.map((r) => ({ ...r, image: r.image && images.has(r.image) ? `${stem}.images/${r.image}` : null })) })) };
    const json = { name: `${stem}.json`, bytes: strToU8(`${JSON.stringify(DocumentExport.parse({ format: 'paliscope-document', version: 1, content: input.content, documents: [withPaths] }), null, 2)}\n`) };
    return zip(json) ?? { fileName: json.name, mime: 'application/json', bytes: json.bytes };
  }

  /** The edited regions as the export's document, checked against the open document's pages. */
  async #file(input: DocumentAssembleRequest, hash: boolean): Promise<DocumentFile> {
    const doc = this.#documents.get(input.documentId);
    const seen = new Set<number>();
    for (const p of input.pages) {
      const real = doc.pages[p.index];
      if (!real) throw new AppFailure('PAGE_OUT_OF_RANGE', `${doc.name} has ${doc.pages.length} pages; regions were sent for page ${p.index + 1}`);
      if (seen.has(p.index)) throw new AppFailure('BAD_INPUT', `page ${p.index + 1} was sent twice`);
      seen.add(p.index);
      if (p.width !== real.width || p.height !== real.height) throw new AppFailure('BAD_INPUT', `page ${p.index + 1} is ${real.width}×${real.height} px, not ${p.width}×${p.height}`);
      for (const r of p.regions) {
        if (r.box.x + r.box.width > real.width || r.box.y + r.box.height > real.height) {
          throw new AppFailure('BAD_INPUT', `region ${r.id} (${r.box.width}×${r.box.height} at ${r.box.x},${r.box.y}) is not inside page ${p.index + 1} (${real.width}×${real.height} px)`);
        }
      }
    }
    const pages = [...input.pages].sort((a, b) => a.index - b.index).map((p) => ({
      ...p,
      // Only reviewed content: regions neither accepted nor corrected keep their place but lose their content.
      regions: p.regions.map((r) => (input.content === 'reviewed' && r.review !== 'accepted' && r.review !== 'corrected' ? { ...r, result: null, image: null } : r)),
    }));
    const sha256 = hash ? await this.#sha256(input.documentId) : '0'.repeat(64);
    return DocumentExport.parse({ format: 'paliscope-document', version: 1, content: input.content, documents: [{ name: doc.name, sha256, pages }] }).documents[0]!;
  }

  async #sha256(documentId: string): Promise<string> {
    const source = this.#documents.source(documentId);
    const bytes = 'bytes' in source ? source.bytes : await readFile(source.path);
    return createHash('sha256').update(bytes).digest('hex');
  }

  async dispose(): Promise<void> {
    await this.#reader.close();
  }
}
