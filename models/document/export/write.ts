// Writes one document's export into a folder: `<name>.md` (+ `<name>.images/`), `<name>.html`, `<name>.docx` or
// `<name>.json` (+ `<name>.images/`). The pictures of figures, molecules and scores are cropped from the page as
// Paliscope renders it.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { openDocument, type LoadedDocument } from '../../documents';
import { DocumentExport, type DocumentFile } from '../schema';
import type { Content } from '../assemble';
import { toDocx } from './docx';
import { toHtml } from './html';
import { toMarkdown } from './markdown';

export const EXPORT_TARGETS = ['md', 'html', 'docx', 'json'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

/** The pictures the document's regions carry, cropped from their pages (each page rendered once). */
export async function regionImages(doc: DocumentFile, path: string, signal?: AbortSignal): Promise<Map<string, Uint8Array>> {
  if (!doc.pages.some((p) => p.regions.some((r) => r.image))) return new Map();
  const loaded = await openDocument({ path }, { signal });
  try {
    return await regionImagesOf(doc, loaded, signal);
  } finally {
    await loaded.close();
  }
}

/** The same from a document already open. */
export async function regionImagesOf(doc: DocumentFile, loaded: LoadedDocument, signal?: AbortSignal): Promise<Map<string, Uint8Array>> {
  const images = new Map<string, Uint8Array>();
  const wanted = doc.pages.filter((p) => p.regions.some((r) => r.image));
  {
    for (const page of wanted) {
      if (page.index >= loaded.pages.length) continue;
      const px = await loaded.renderPage(page.index, { signal });
      for (const r of page.regions) {
        if (!r.image || r.box.x + r.box.width > px.width || r.box.y + r.box.height > px.height) continue;
        const png = await sharp(px.data, { raw: { width: px.width, height: px.height, channels: 3 } })
          .extract({ left: r.box.x, top: r.box.y, width: r.box.width, height: r.box.height }).png().toBuffer();
        images.set(r.image, new Uint8Array(png));
      }
    }
  }
  return images;
}

/** The output file's stem: the input's name without its extension, kept to safe characters. */
export function exportStem(name: string): string {
  return basename(name, extname(name)).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '') || 'document';
}

/** Writes the export; returns the files written. */
export async function writeDocumentExport(doc: DocumentFile, images: ReadonlyMap<string, Uint8Array>, to: ExportTarget, outDir: string, content: Content): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const stem = exportStem(doc.name);
  const written: string[] = [];
  const imageDir = `${stem}.images`;
  const writeImages = async () => {
    if (!images.size) return;
    await mkdir(join(outDir, imageDir), { recursive: true });
    for (const [name, bytes] of images) {
      const p = join(outDir, imageDir, name);
      await writeFile(p, bytes);
      written.push(p);
    }
  };
  const file = join(outDir, `${stem}.${to}`);
  if (to === 'md') {
    await writeFile(file, toMarkdown(doc, { imageDir, hasImage: (n) => images.has(n) }));
    await writeImages();
  } else if (to === 'html') {
    await writeFile(file, toHtml(doc, images));
  } else if (to === 'docx') {
    await writeFile(file, await toDocx(doc, images));
  } else {
    const withImages: DocumentFile = { ...doc, pages: doc.pages.map((p) => ({ ...p, regions: p.regions.map((r) => ({ ...r, image: r.image && images.has(r.image) ? `${imageDir}/${r.image}` : null })) })) };
    const json: DocumentExport = { format: 'paliscope-document', version: 1, content, documents: [withImages] };
    await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
    await writeImages();
  }
  written.unshift(file);
  return written;
}
