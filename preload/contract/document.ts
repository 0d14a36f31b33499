// The Document view: a page's regions (found from the PDF text layer, or the built-in OCR's lines when the page has
// none), edited by the person (type, order, review, text), assembled and exported as one file. The region shapes are
// the JSON export's (models/document/schema.ts), declared here again because the contract imports only zod;
// document.test.ts proves the two declarations accept the same regions.
import { z } from 'zod';
import { Id } from './common';

export const DOCUMENT_REGION_TYPES = ['title', 'text', 'list', 'table', 'figure', 'caption', 'formula', 'molecule', 'music', 'header', 'footer'] as const;
export const DocumentRegionType = z.enum(DOCUMENT_REGION_TYPES);
export type DocumentRegionType = z.infer<typeof DocumentRegionType>;

export const DocumentRegionBox = z.object({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
}).strict();

const MAX_TEXT = 200_000;

/** What the view edits: the text results it shows, and figures (their picture is their content). */
export const DocumentRegionResult = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string().max(MAX_TEXT) }).strict(),
  z.object({ kind: z.literal('figure'), description: z.string().max(MAX_TEXT).nullable() }).strict(),
]);

export const DocumentRegion = z.object({
  id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/),
  type: DocumentRegionType,
  box: DocumentRegionBox,
  source: z.enum(['pdf-text', 'pdf-image', 'ocr', 'detect', 'user', 'layout']),
  order: z.number().int().positive().nullable(),
  captionOf: z.string().max(64).nullable(),
  result: DocumentRegionResult.nullable(),
  review: z.enum(['unreviewed', 'accepted', 'corrected', 'rejected']),
  runId: z.number().int().positive().nullable(),
  error: z.string().max(4_000).nullable(),
  image: z.string().max(256).regex(/^[A-Za-z0-9_.-]+$/).nullable(),
}).strict();
export type DocumentRegion = z.infer<typeof DocumentRegion>;

export const DocumentPageRegions = z.object({
  index: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  regions: z.array(DocumentRegion).max(5_000),
}).strict();
export type DocumentPageRegions = z.infer<typeof DocumentPageRegions>;

export const DocumentRegionsRequest = z.object({ documentId: Id, page: z.number().int().nonnegative() }).strict();
export const DocumentRegionsResult = DocumentPageRegions.extend({
  /** Why the page has no regions yet (no text layer and no OCR result), for the view to say. */
  note: z.string().max(1_000).nullable(),
});
export type DocumentRegionsResult = z.infer<typeof DocumentRegionsResult>;

export const DOCUMENT_EXPORT_FORMATS = ['md', 'html', 'docx', 'json'] as const;
export const DocumentExportRequest = z.object({
  documentId: Id,
  format: z.enum(DOCUMENT_EXPORT_FORMATS),
  /** 'reviewed': only regions accepted or corrected; 'all': every region with content. */
  content: z.enum(['reviewed', 'all']),
  pages: z.array(DocumentPageRegions).min(1).max(10_000),
}).strict();
export type DocumentExportRequest = z.infer<typeof DocumentExportRequest>;

export const DocumentAssembleRequest = DocumentExportRequest.omit({ format: true });
export type DocumentAssembleRequest = z.infer<typeof DocumentAssembleRequest>;
