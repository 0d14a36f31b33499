// DICOM documents: the header fields shown beside a radiograph (identifiers marked), each page's windows, and the
// window/level a view or a run uses. Window numbers are in modality units (after Rescale Slope/Intercept).
import { z } from 'zod';

const Finite = z.number().finite();

/** Window/level: centre and width (≥ 1) in modality units, optionally inverted. */
export const DisplayWindow = z
  .object({ center: Finite.min(-1e7).max(1e7), width: Finite.min(1).max(1e7), invert: z.boolean().optional() })
  .strict();
export type DisplayWindow = z.infer<typeof DisplayWindow>;

export const DicomField = z.object({
  tag: z.string().max(16),
  keyword: z.string().max(64),
  label: z.string().max(100),
  value: z.string().max(2000),
  /** The field identifies the patient, the people around the study or its place and time. */
  identifying: z.boolean(),
});
export type DicomField = z.infer<typeof DicomField>;

export const DicomSummary = z.object({
  fields: z.array(DicomField).max(200),
  /** Burned In Annotation is YES: the pixels themselves may carry the patient's name or other text. */
  burnedInAnnotation: z.boolean(),
  transferSyntax: z.string(),
  lossy: z.boolean(),
  files: z.number().int().positive(),
});
export type DicomSummary = z.infer<typeof DicomSummary>;

export const DicomPage = z.object({
  file: z.string(),
  frame: z.number().int().nonnegative(),
  frames: z.number().int().positive(),
  photometric: z.string(),
  monochrome: z.boolean(),
  bitsStored: z.number().int(),
  windows: z.array(z.object({ center: z.number(), width: z.number(), label: z.string() })).max(100),
  defaultWindow: DisplayWindow,
  range: z.object({ min: z.number(), max: z.number() }),
});
export type DicomPage = z.infer<typeof DicomPage>;

/** Whether exports keep the patient identifiers (off: de-identified, PS3.15 Annex E basic profile). */
export const PrivacySettings = z.object({ keepIdentifiers: z.boolean() }).strict();
export type PrivacySettings = z.infer<typeof PrivacySettings>;
