// The review workspace: results kept in the project store, their reviews (accepted / corrected / rejected) with undo,
// redo and history, the comparison of two runs on one page, and exports of the reviewed truth. Runs in the store are
// numbered by the store (positive integers), unlike the app's in-memory run ids.
import { z } from 'zod';
import { Id, PixelBox, Bytes } from './common';
import { PageRegion, RunParsed } from './runs';
import { TABLE_MAX_CELLS, TABLE_MAX_CELL_TEXT } from './tasks/table';
import { MOLECULE_MAX } from './tasks/molecule';
import { MUSIC_MAX, MusicParsed } from './tasks/music';

export const StoreRunId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const ReviewStatus = z.enum(['accepted', 'corrected', 'rejected']);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

/** Which results to list: lowest confidence first (unknown last), then oldest. */
export const ReviewFilter = z
  .object({
    task: z.string().min(1).max(40).optional(),
    /** 'reviewed' = accepted or corrected; 'unreviewed' = no review yet. */
    status: z.enum(['accepted', 'corrected', 'rejected', 'reviewed', 'unreviewed']).optional(),
    modelId: z.string().min(1).max(512).optional(),
    /** Only results at or below this confidence (0…1); results of unknown confidence are then left out. */
    maxConfidence: z.number().min(0).max(1).optional(),
    limit: z.number().int().min(1).max(2000).default(500),
    offset: z.number().int().nonnegative().default(0),
  })
  .strict();
export type ReviewFilter = z.input<typeof ReviewFilter>;

/** A review as it stands: the corrected value is the whole corrected parsed result (null unless corrected). */
export const ReviewState = z.object({ status: ReviewStatus, value: RunParsed.nullable(), note: z.string().max(2000).nullable() });
export type ReviewState = z.infer<typeof ReviewState>;

export const ReviewHistoryEntry = z.object({
  id: z.number().int().positive(),
  /** The state after the change; null = not reviewed. */
  state: ReviewState.nullable(),
  previous: ReviewState.nullable(),
  /** Set on an undo: the entry it reverted. */
  undoOf: z.number().int().positive().nullable(),
  /** Set on a redo: the entry it applied again (recognised from the history, see main/services/reviews.ts). */
  redoOf: z.number().int().positive().nullable(),
  at: z.string(),
});
export type ReviewHistoryEntry = z.infer<typeof ReviewHistoryEntry>;

/** One row of the results list. */
export const ReviewItem = z.object({
  runId: StoreRunId,
  document: z.object({ id: z.number().int().positive(), name: z.string(), sha256: z.string() }),
  /** 0-based page index. */
  page: z.number().int().nonnegative(),
  task: z.string(),
  model: z.object({ id: z.string(), name: z.string() }),
  runStatus: z.enum(['done', 'error', 'cancelled']),
  confidence: z.number().min(0).max(1).nullable(),
  review: ReviewState.nullable(),
  /** A one-line summary of the result in force (model text: shown as text only). */
  summary: z.string().max(300),
  createdAt: z.string(),
});
export type ReviewItem = z.infer<typeof ReviewItem>;

export const ReviewList = z.object({
  items: z.array(ReviewItem),
  /** Values the filters can take (tasks and models present in the store). */
  tasks: z.array(z.string()),
  models: z.array(z.object({ id: z.string(), name: z.string() })),
  /** Why there is no store (the list is then empty); null when there is one. */
  unavailable: z.string().nullable(),
});
export type ReviewList = z.infer<typeof ReviewList>;

const QuadPoint = z.tuple([z.number(), z.number()]);
export const OcrReviewLine = z.object({ text: z.string(), confidence: z.number().min(0).max(1).nullable(), box: z.tuple([QuadPoint, QuadPoint, QuadPoint, QuadPoint]) });
export type OcrReviewLine = z.infer<typeof OcrReviewLine>;

/** Everything the review view shows of one result. */
export const ReviewDetail = ReviewItem.extend({
  prompt: z.string(),
  raw: z.string(),
  error: z.string().nullable(),
  /** What the model's output was parsed into; null when it had none or it is not a kind the app shows. */
  parsed: RunParsed.nullable(),
  /** The value in force: the correction when corrected, else `parsed`. */
  value: RunParsed.nullable(),
  /**
   * The built-in OCR's lines (its result is not a RunParsed): each line's text, confidence and quadrilateral in page
   * pixels — the value in force, and the OCR's own (they differ once corrected). Null for other results.
   */
  ocrLines: z.array(OcrReviewLine).nullable(),
  ocrLinesOriginal: z.array(OcrReviewLine).nullable(),
  /** The page's size in pixels (as runs saw it), and the part of it the model was given (null: all of it). */
  pageSize: z.object({ width: z.number().positive(), height: z.number().positive() }).nullable(),
  region: PageRegion.nullable(),
  /** The open document showing this page (page images go by URL); null with the reason when it cannot be shown. */
  image: z.object({ documentId: Id, page: z.number().int().nonnegative() }).nullable(),
  imageUnavailable: z.string().nullable(),
  history: z.array(ReviewHistoryEntry),
  canUndo: z.boolean(),
  canRedo: z.boolean(),
  /** Other runs on the same page, to compare with. */
  samePage: z.array(z.object({ runId: StoreRunId, task: z.string(), model: z.object({ id: z.string(), name: z.string() }), createdAt: z.string() })),
});
export type ReviewDetail = z.infer<typeof ReviewDetail>;

/** A correction, in the form fit for the result's kind; main validates it and builds the corrected parsed result. */
export const ReviewCorrection = z.discriminatedUnion('kind', [
  /**
   * OCR, captions, answers, reports, verdicts: the whole text (OCR line by line, joined with \n). For the built-in
   * OCR, one line of text per line it found, in order (a line left empty is dropped: it was not text).
   */
  z.object({ kind: z.literal('text'), text: z.string().max(256 * 1024) }).strict(),
  /** Detection, segmentation, text boxes: every object, in page pixels [x0, y0, x1, y1]. */
  z.object({ kind: z.literal('boxes'), objects: z.array(z.object({ label: z.string().max(2000), box: PixelBox }).strict()).max(5000) }).strict(),
  /** Tables: the cells whose text changed, by their grid position. */
  z
    .object({
      kind: z.literal('table'),
      cells: z.array(z.object({ row: z.number().int().nonnegative(), col: z.number().int().nonnegative(), text: z.string().max(TABLE_MAX_CELL_TEXT) }).strict()).max(TABLE_MAX_CELLS),
    })
    .strict(),
  /** Molecules: the SMILES, checked by RDKit; refused with RDKit's reason when invalid. */
  z.object({ kind: z.literal('molecule'), smiles: z.string().min(1, 'the SMILES is empty').max(MOLECULE_MAX.input) }).strict(),
  /** Scores: the **kern text, checked and engraved by Verovio; refused with the faulty line when invalid. */
  z.object({ kind: z.literal('music'), kern: z.string().min(1, 'the score is empty').max(MUSIC_MAX.maxInputBytes) }).strict(),
]);
export type ReviewCorrection = z.infer<typeof ReviewCorrection>;

export const ReviewSet = z.discriminatedUnion('status', [
  z.object({ runId: StoreRunId, status: z.literal('accepted'), note: z.string().max(2000).optional() }).strict(),
  z.object({ runId: StoreRunId, status: z.literal('rejected'), note: z.string().max(2000).optional() }).strict(),
  z.object({ runId: StoreRunId, status: z.literal('corrected'), correction: ReviewCorrection, note: z.string().max(2000).optional() }).strict(),
]);
export type ReviewSet = z.infer<typeof ReviewSet>;

/** RDKit's verdict on a SMILES typed in the editor. */
export const SmilesCheck = z.object({
  valid: z.boolean(),
  canonical: z.string().nullable(),
  formula: z.string().nullable(),
  /** RDKit's reason when invalid. */
  error: z.string().nullable(),
});
export type SmilesCheck = z.infer<typeof SmilesCheck>;

/** Verovio's verdict on **kern typed in the editor: the engraved score (or the faulty line) as a music result. */
export const KernCheck = z.object({ music: MusicParsed });
export type KernCheck = z.infer<typeof KernCheck>;

/** The differences between two runs' results on one page (the values in force, corrections included). */
export const ReviewComparison = z.object({
  a: StoreRunId,
  b: StoreRunId,
  kind: z.enum(['text', 'boxes', 'table', 'other']),
  /** Word-level: runs of words the same in both, only in a (removed) or only in b (added). */
  words: z.array(z.object({ op: z.enum(['same', 'removed', 'added']), text: z.string() })),
  /** Boxes paired by IoU (≥ threshold); an index is null when the box has no partner. */
  boxes: z.array(z.object({ a: z.number().int().nonnegative().nullable(), b: z.number().int().nonnegative().nullable(), iou: z.number().min(0).max(1), sameLabel: z.boolean() })),
  /** Cell-level, over the union of both grids. */
  cells: z.array(z.object({ row: z.number().int().nonnegative(), col: z.number().int().nonnegative(), a: z.string().nullable(), b: z.string().nullable(), same: z.boolean() })),
  /** One line saying how much differs. */
  summary: z.string(),
});
export type ReviewComparison = z.infer<typeof ReviewComparison>;

/** 'bundle': a zip of each result in its field's formats (XLSX, SDF, MusicXML, ALTO, …) plus results.jsonl. */
export const REVIEW_EXPORT_FORMATS = ['jsonl', 'csv', 'coco', 'bundle'] as const;
export type ReviewExportFormat = (typeof REVIEW_EXPORT_FORMATS)[number];
export const ReviewExportRequest = z
  .object({
    format: z.enum(REVIEW_EXPORT_FORMATS),
    /** 'reviewed': accepted and corrected results only. */
    only: z.enum(['all', 'reviewed']).default('all'),
    task: z.string().min(1).max(40).optional(),
    modelId: z.string().min(1).max(512).optional(),
  })
  .strict();
export type ReviewExportRequest = z.input<typeof ReviewExportRequest>;
export const ReviewExport = z.object({ fileName: z.string(), mime: z.string(), bytes: Bytes, results: z.number().int().nonnegative() });

export const RunRef = z.object({ runId: StoreRunId }).strict();
