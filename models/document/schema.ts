// The document model, declared once: pages, their regions (type, box, where the region came from, its place in the
// reading order, its result and its review state). `paliscope document --to json` writes exactly this shape, and every
// other export (Markdown, HTML, DOCX) is made from it. A JSON document read back (from a file someone sent) is checked
// against these schemas before use: nothing in it is trusted.
//
// Boxes are in pixels of the page as Paliscope renders it (PDF pages at 150 DPI), origin top-left.
import { z } from 'zod';

/** What a region is. header/footer are kept (they are on the page) but left out of the reading order. */
export const REGION_TYPES = ['title', 'text', 'list', 'table', 'figure', 'caption', 'formula', 'molecule', 'music', 'header', 'footer'] as const;
export const RegionType = z.enum(REGION_TYPES);
export type RegionType = z.infer<typeof RegionType>;

/**
 * Where a region came from. 'layout' is the slot for a dedicated layout model installed through the model manager:
 * it has a name here so documents can record it, and no implementation yet.
 */
export const REGION_SOURCES = ['pdf-text', 'pdf-image', 'ocr', 'detect', 'user', 'layout'] as const;
export const RegionSource = z.enum(REGION_SOURCES);
export type RegionSource = z.infer<typeof RegionSource>;

const MAX_TEXT = 200_000;
const MAX_SVG = 4_000_000;

export const Box = z.object({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
}).strict();
export type Box = z.infer<typeof Box>;

/** A table cell in the grid (spans honoured); `text` is the cell's plain text. */
export const TableCell = z.object({
  row: z.number().int().nonnegative(),
  col: z.number().int().nonnegative(),
  rowspan: z.number().int().positive(),
  colspan: z.number().int().positive(),
  header: z.boolean(),
  text: z.string().max(10_000),
}).strict();

/** A region's content, by kind: what the exports write. */
export const RegionResult = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string().max(MAX_TEXT) }).strict(),
  z.object({ kind: z.literal('table'), rows: z.number().int().nonnegative(), cols: z.number().int().nonnegative(), cells: z.array(TableCell).max(20_000) }).strict(),
  z.object({ kind: z.literal('molecule'), smiles: z.string().max(8_000), valid: z.boolean(), svg: z.string().max(MAX_SVG).nullable() }).strict(),
  z.object({ kind: z.literal('music'), kern: z.string().max(100_000), valid: z.boolean(), svg: z.string().max(MAX_SVG).nullable() }).strict(),
  /** A figure: its caption from a captioning run, when one was made. The picture itself is the region's crop. */
  z.object({ kind: z.literal('figure'), description: z.string().max(MAX_TEXT).nullable() }).strict(),
]);
export type RegionResult = z.infer<typeof RegionResult>;

/** Review state of the region's result: the review of the run that made it ('unreviewed' when there is none). */
export const RegionReview = z.enum(['unreviewed', 'accepted', 'corrected', 'rejected']);
export type RegionReview = z.infer<typeof RegionReview>;

export const Region = z.object({
  /** Unique within its page, e.g. "p1-r3". */
  id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/),
  type: RegionType,
  box: Box,
  source: RegionSource,
  /** 1-based place in the page's reading order; null for what is not read (headers, footers). */
  order: z.number().int().positive().nullable(),
  /** A caption's figure or table (its id on the same page). */
  captionOf: z.string().max(64).nullable(),
  result: RegionResult.nullable(),
  review: RegionReview,
  /** The project store's run holding the result (null for a result not stored as a run). */
  runId: z.number().int().positive().nullable(),
  /** A reason the region has no result (its run failed, no model for its type). */
  error: z.string().max(4_000).nullable(),
  /** The region's picture for exports that embed it (figures, molecules, scores): a file name beside the JSON. */
  image: z.string().max(256).regex(/^(?!.*\.\.)([A-Za-z0-9_.-]+\/)?[A-Za-z0-9_.-]+$/).nullable(),
}).strict();
export type Region = z.infer<typeof Region>;

export const Page = z.object({
  /** 0-based page index in its file. */
  index: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  regions: z.array(Region).max(5_000),
}).strict();
export type Page = z.infer<typeof Page>;

export const DocumentFile = z.object({
  /** The file's name (no folder) and its content hash. */
  name: z.string().max(1_000),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  pages: z.array(Page).max(100_000),
}).strict();
export type DocumentFile = z.infer<typeof DocumentFile>;

/** The JSON export: `version` changes only when a field changes meaning. */
export const DocumentExport = z.object({
  format: z.literal('paliscope-document'),
  version: z.literal(1),
  /** 'reviewed': only accepted or corrected results were kept; 'all': every result. */
  content: z.enum(['reviewed', 'all']),
  documents: z.array(DocumentFile).max(10_000),
}).strict();
export type DocumentExport = z.infer<typeof DocumentExport>;

/** A page's regions as the project store keeps them (the run of the page's layout): results live in their own runs. */
export const LayoutRegion = Region.omit({ result: true, review: true, image: true });
export type LayoutRegion = z.infer<typeof LayoutRegion>;

export const PageLayout = z.object({
  kind: z.literal('document-page'),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  regions: z.array(LayoutRegion).max(5_000),
}).strict();
export type PageLayout = z.infer<typeof PageLayout>;

/** The store's names for the runs a document batch writes. */
export const DOCUMENT_TASK = 'document';
export const DOCUMENT_MODEL = { id: 'paliscope-document', name: 'Document layout' } as const;
/** A region's text read from where it was found (a text layer, the built-in OCR's lines): task and model of its run. */
export const REGION_TEXT_TASK = 'region-text';
export const TEXT_LAYER_MODEL = { id: 'pdf-text-layer', name: 'PDF text layer' } as const;
