/**
 * DICOM for Paliscope: parse Part 10 files, decode every common transfer
 * syntax at full depth, map through window/level to 8-bit RGB, read the
 * metadata radiologists look at, and de-identify it for export. Pure Node.
 */
export { DicomError, type DicomFailure } from './errors';
export { hasDicomPreamble, parseDicomBytes } from './parse';
export { readImageInfo, isMonochrome, type ImageInfo, type WindowPreset, type Photometric, type VoiFunction } from './image-info';
export { openDicomImage, DEFAULT_MAX_FRAMES, type DicomImage, type DicomLimits } from './dicom-image';
export type { DicomFrame, GreyFrame, ColourFrame, StoredValues } from './pixels';
export { applyWindow, defaultWindow, modalityRange, modalityValue, voi, type WindowLevel, type RgbImage } from './window';
export { extractMetadata, FIELDS, type DicomMetadata, type MetadataField, type FieldSpec, type ProfileAction } from './metadata';
export { createDeidentifier, deidentifyMetadata, DEIDENTIFICATION_METHOD, type Deidentifier } from './deidentify';
export { dicomdirImageFiles } from './dicomdir';
export { supportedTransferSyntaxes, transferSyntaxLabel, type TransferSyntax } from './transfer-syntax';
