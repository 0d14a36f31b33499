/**
 * The header fields Paliscope shows and exports, each marked with whether it
 * identifies the patient (or the people and place around the study) and with
 * its action under the DICOM basic confidentiality profile (PS3.15 Annex E,
 * table E.1-1): D replace with a dummy, Z empty, X remove, U replace UID
 * consistently, K keep. Dates under the profile's "modified dates" option are
 * shifted (S) rather than emptied, so intervals between studies survive.
 */
import type { DataSet } from 'dicom-parser';
import { tag } from './parse';
import { transferSyntaxLabel } from './transfer-syntax';

export type ProfileAction = 'K' | 'D' | 'Z' | 'X' | 'U' | 'S';

export interface FieldSpec {
  /** Group and element, e.g. "0010,0010". */
  tag: string;
  keyword: string;
  label: string;
  identifying: boolean;
  action: ProfileAction;
  /** Value representation, for formatting: dates, person names, decimal strings, numbers. */
  vr: 'DA' | 'TM' | 'PN' | 'UI' | 'DS' | 'IS' | 'US' | 'CS' | 'LO' | 'SH' | 'ST' | 'AS' | 'LT';
}

/** In display order: what a radiologist reads first, then the identifiers, then the technical details. */
export const FIELDS: readonly FieldSpec[] = [
  { tag: '0008,0060', keyword: 'Modality', label: 'Modality', identifying: false, action: 'K', vr: 'CS' },
  { tag: '0018,0015', keyword: 'BodyPartExamined', label: 'Body part', identifying: false, action: 'K', vr: 'CS' },
  { tag: '0018,5101', keyword: 'ViewPosition', label: 'View position', identifying: false, action: 'K', vr: 'CS' },
  { tag: '0020,0062', keyword: 'ImageLaterality', label: 'Laterality', identifying: false, action: 'K', vr: 'CS' },
  { tag: '0008,0020', keyword: 'StudyDate', label: 'Study date', identifying: true, action: 'S', vr: 'DA' },
  { tag: '0008,0030', keyword: 'StudyTime', label: 'Study time', identifying: true, action: 'Z', vr: 'TM' },
  { tag: '0008,0021', keyword: 'SeriesDate', label: 'Series date', identifying: true, action: 'S', vr: 'DA' },
  { tag: '0008,0022', keyword: 'AcquisitionDate', label: 'Acquisition date', identifying: true, action: 'S', vr: 'DA' },
  { tag: '0008,0023', keyword: 'ContentDate', label: 'Content date', identifying: true, action: 'S', vr: 'DA' },
  { tag: '0008,1030', keyword: 'StudyDescription', label: 'Study description', identifying: true, action: 'X', vr: 'LO' },
  { tag: '0008,103e', keyword: 'SeriesDescription', label: 'Series description', identifying: true, action: 'X', vr: 'LO' },
  { tag: '0028,0030', keyword: 'PixelSpacing', label: 'Pixel spacing (mm)', identifying: false, action: 'K', vr: 'DS' },
  { tag: '0018,1164', keyword: 'ImagerPixelSpacing', label: 'Imager pixel spacing (mm)', identifying: false, action: 'K', vr: 'DS' },
  { tag: '0028,0004', keyword: 'PhotometricInterpretation', label: 'Photometric interpretation', identifying: false, action: 'K', vr: 'CS' },
  { tag: '0028,0301', keyword: 'BurnedInAnnotation', label: 'Burned-in annotation', identifying: false, action: 'K', vr: 'CS' },
  // Patient and study identifiers.
  { tag: '0010,0010', keyword: 'PatientName', label: 'Patient name', identifying: true, action: 'Z', vr: 'PN' },
  { tag: '0010,0020', keyword: 'PatientID', label: 'Patient ID', identifying: true, action: 'Z', vr: 'LO' },
  { tag: '0010,1000', keyword: 'OtherPatientIDs', label: 'Other patient IDs', identifying: true, action: 'X', vr: 'LO' },
  { tag: '0010,0030', keyword: 'PatientBirthDate', label: 'Birth date', identifying: true, action: 'Z', vr: 'DA' },
  { tag: '0010,0040', keyword: 'PatientSex', label: 'Sex', identifying: true, action: 'Z', vr: 'CS' },
  { tag: '0010,1010', keyword: 'PatientAge', label: 'Age', identifying: true, action: 'X', vr: 'AS' },
  { tag: '0010,1040', keyword: 'PatientAddress', label: 'Patient address', identifying: true, action: 'X', vr: 'LO' },
  { tag: '0010,2154', keyword: 'PatientTelephoneNumbers', label: 'Patient telephone', identifying: true, action: 'X', vr: 'SH' },
  { tag: '0010,21b0', keyword: 'AdditionalPatientHistory', label: 'Patient history', identifying: true, action: 'X', vr: 'LT' },
  { tag: '0008,0050', keyword: 'AccessionNumber', label: 'Accession number', identifying: true, action: 'Z', vr: 'SH' },
  { tag: '0020,0010', keyword: 'StudyID', label: 'Study ID', identifying: true, action: 'Z', vr: 'SH' },
  { tag: '0008,0090', keyword: 'ReferringPhysicianName', label: 'Referring physician', identifying: true, action: 'Z', vr: 'PN' },
  { tag: '0008,1050', keyword: 'PerformingPhysicianName', label: 'Performing physician', identifying: true, action: 'X', vr: 'PN' },
  { tag: '0008,1060', keyword: 'NameOfPhysiciansReadingStudy', label: 'Reading physician', identifying: true, action: 'X', vr: 'PN' },
  { tag: '0008,1070', keyword: 'OperatorsName', label: 'Operator', identifying: true, action: 'X', vr: 'PN' },
  { tag: '0008,0080', keyword: 'InstitutionName', label: 'Institution', identifying: true, action: 'X', vr: 'LO' },
  { tag: '0008,0081', keyword: 'InstitutionAddress', label: 'Institution address', identifying: true, action: 'X', vr: 'ST' },
  { tag: '0008,1040', keyword: 'InstitutionalDepartmentName', label: 'Department', identifying: true, action: 'X', vr: 'LO' },
  { tag: '0008,1010', keyword: 'StationName', label: 'Station', identifying: true, action: 'X', vr: 'SH' },
  { tag: '0018,1000', keyword: 'DeviceSerialNumber', label: 'Device serial number', identifying: true, action: 'X', vr: 'LO' },
  { tag: '0020,4000', keyword: 'ImageComments', label: 'Image comments', identifying: true, action: 'X', vr: 'LT' },
  { tag: '0020,000d', keyword: 'StudyInstanceUID', label: 'Study instance UID', identifying: true, action: 'U', vr: 'UI' },
  { tag: '0020,000e', keyword: 'SeriesInstanceUID', label: 'Series instance UID', identifying: true, action: 'U', vr: 'UI' },
  { tag: '0008,0018', keyword: 'SOPInstanceUID', label: 'SOP instance UID', identifying: true, action: 'U', vr: 'UI' },
  { tag: '0020,0052', keyword: 'FrameOfReferenceUID', label: 'Frame of reference UID', identifying: true, action: 'U', vr: 'UI' },
  // Technical details.
  { tag: '0008,0070', keyword: 'Manufacturer', label: 'Manufacturer', identifying: false, action: 'K', vr: 'LO' },
  { tag: '0008,1090', keyword: 'ManufacturerModelName', label: 'Model', identifying: false, action: 'K', vr: 'LO' },
  { tag: '0018,0060', keyword: 'KVP', label: 'kVp', identifying: false, action: 'K', vr: 'DS' },
  { tag: '0028,0010', keyword: 'Rows', label: 'Rows', identifying: false, action: 'K', vr: 'US' },
  { tag: '0028,0011', keyword: 'Columns', label: 'Columns', identifying: false, action: 'K', vr: 'US' },
  { tag: '0028,0101', keyword: 'BitsStored', label: 'Bits stored', identifying: false, action: 'K', vr: 'US' },
  { tag: '0028,0008', keyword: 'NumberOfFrames', label: 'Frames', identifying: false, action: 'K', vr: 'IS' },
  { tag: '0028,1052', keyword: 'RescaleIntercept', label: 'Rescale intercept', identifying: false, action: 'K', vr: 'DS' },
  { tag: '0028,1053', keyword: 'RescaleSlope', label: 'Rescale slope', identifying: false, action: 'K', vr: 'DS' },
  { tag: '0028,1050', keyword: 'WindowCenter', label: 'Window centre', identifying: false, action: 'K', vr: 'DS' },
  { tag: '0028,1051', keyword: 'WindowWidth', label: 'Window width', identifying: false, action: 'K', vr: 'DS' },
  { tag: '0008,0016', keyword: 'SOPClassUID', label: 'SOP class UID', identifying: false, action: 'K', vr: 'UI' },
  { tag: '0002,0010', keyword: 'TransferSyntaxUID', label: 'Transfer syntax', identifying: false, action: 'K', vr: 'UI' },
  { tag: '0012,0062', keyword: 'PatientIdentityRemoved', label: 'Patient identity removed', identifying: false, action: 'K', vr: 'CS' },
  { tag: '0012,0063', keyword: 'DeidentificationMethod', label: 'De-identification method', identifying: false, action: 'K', vr: 'LO' },
];

export interface MetadataField {
  tag: string;
  keyword: string;
  label: string;
  value: string;
  identifying: boolean;
}

export interface DicomMetadata {
  fields: MetadataField[];
  /** Burned In Annotation (0028,0301) is YES: text such as the patient's name may be in the pixels themselves. */
  burnedInAnnotation: boolean;
  /** Set once the fields have been through deidentify(). */
  deidentified?: { method: string; dateShiftDays: number };
}

/** Longest value kept from any one field: metadata is for reading, not a channel for whole documents. */
const MAX_VALUE_CHARS = 256;

function keyOf(spec: FieldSpec): string {
  const [g, e] = spec.tag.split(',') as [string, string];
  return tag(Number.parseInt(g, 16), Number.parseInt(e, 16));
}

function readValue(ds: DataSet, spec: FieldSpec): string | undefined {
  const key = keyOf(spec);
  const el = ds.elements[key];
  if (!el || el.length === 0) return undefined;
  let v: string | undefined;
  if (spec.vr === 'US') v = ds.uint16(key)?.toString();
  else if (spec.keyword === 'TransferSyntaxUID') v = transferSyntaxLabel((ds.string(key) ?? '').replace(/\0/g, '').trim());
  else if (spec.vr === 'LT' || spec.vr === 'ST') v = ds.text(key);
  else v = ds.string(key);
  if (v === undefined) return undefined;
  // Control characters are never meaningful in these VRs and must not reach a terminal or a Markdown file.
  // eslint-disable-next-line no-control-regex
  v = v.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (spec.vr === 'PN') v = v.replace(/\^+/g, ' ').trim();
  if (v.length > MAX_VALUE_CHARS) v = `${v.slice(0, MAX_VALUE_CHARS)}…`;
  return v === '' ? undefined : v;
}

export function extractMetadata(ds: DataSet): DicomMetadata {
  const fields: MetadataField[] = [];
  for (const spec of FIELDS) {
    const value = readValue(ds, spec);
    if (value !== undefined) fields.push({ tag: spec.tag, keyword: spec.keyword, label: spec.label, value, identifying: spec.identifying });
  }
  const burned = fields.find((f) => f.keyword === 'BurnedInAnnotation')?.value.toUpperCase() === 'YES';
  return { fields, burnedInAnnotation: burned };
}

export function fieldSpec(keyword: string): FieldSpec | undefined {
  return FIELDS.find((f) => f.keyword === keyword);
}
