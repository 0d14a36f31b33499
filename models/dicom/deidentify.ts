/**
 * De-identification of the metadata Paliscope exports, following the DICOM
 * basic application level confidentiality profile (PS3.15 Annex E) with its
 * "Retain Longitudinal Temporal Information with Modified Dates" option:
 * names and IDs emptied or removed, UIDs replaced, dates shifted by a fixed
 * number of days. Replacement is keyed by a per-project secret, so the same
 * UID or date maps to the same value across every file and export of a
 * project (series stay together, intervals stay true) while nobody without
 * the secret can map them back.
 */
import { createHmac } from 'node:crypto';
import { FIELDS, type DicomMetadata, type MetadataField } from './metadata';

export const DEIDENTIFICATION_METHOD = 'DICOM PS3.15 Annex E basic profile; retain longitudinal temporal information with modified dates';

export interface Deidentifier {
  /** Days every date is moved back by (1–3650). */
  readonly dateShiftDays: number;
  uid(original: string): string;
  date(original: string): string;
}

function hmac(secret: string, text: string): Buffer {
  return createHmac('sha256', secret).update(text).digest();
}

/** A deterministic "2.25." UID (PS3.5 B.2: a UUID-derived decimal) from the secret and the original. */
function replacementUid(secret: string, original: string): string {
  const digest = hmac(secret, `uid:${original}`).subarray(0, 16);
  // A version-4-shaped 128-bit number, as 2.25 UIDs are.
  digest[6] = (digest[6]! & 0x0f) | 0x40;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${digest.toString('hex')}`).toString(10)}`;
}

function shiftDate(original: string, days: number): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(original.replace(/[.-]/g, ''));
  // Not a valid DA value: nothing trustworthy to shift, so it is removed.
  if (!m) return '';
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (!Number.isFinite(t)) return '';
  const d = new Date(t - days * 86_400_000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

export function createDeidentifier(secret: string): Deidentifier {
  if (secret.length < 16) throw new Error('the de-identification secret must be at least 16 characters');
  const dateShiftDays = 1 + (hmac(secret, 'date-shift').readUInt32BE(0) % 3650);
  return {
    dateShiftDays,
    uid: (original) => replacementUid(secret, original),
    date: (original) => shiftDate(original, dateShiftDays),
  };
}

const actions = new Map(FIELDS.map((f) => [f.keyword, f.action]));

/** Apply the profile to extracted metadata. Fields it empties are kept with an empty value (Z), removed ones (X) are dropped. */
export function deidentifyMetadata(meta: DicomMetadata, d: Deidentifier): DicomMetadata {
  const fields: MetadataField[] = [];
  for (const f of meta.fields) {
    if (f.keyword === 'PatientIdentityRemoved' || f.keyword === 'DeidentificationMethod') continue;
    // A field not in the table is treated as identifying and removed: the safe default for anything added later.
    const action = actions.get(f.keyword) ?? 'X';
    if (action === 'K') fields.push(f);
    else if (action === 'Z') fields.push({ ...f, value: '' });
    else if (action === 'D') fields.push({ ...f, value: 'ANONYMIZED' });
    else if (action === 'U') fields.push({ ...f, value: d.uid(f.value) });
    else if (action === 'S') {
      const shifted = d.date(f.value);
      if (shifted) fields.push({ ...f, value: shifted });
    }
  }
  fields.push({ tag: '0012,0062', keyword: 'PatientIdentityRemoved', label: 'Patient identity removed', value: 'YES', identifying: false });
  fields.push({ tag: '0012,0063', keyword: 'DeidentificationMethod', label: 'De-identification method', value: DEIDENTIFICATION_METHOD, identifying: false });
  return { fields, burnedInAnnotation: meta.burnedInAnnotation, deidentified: { method: DEIDENTIFICATION_METHOD, dateShiftDays: d.dateShiftDays } };
}
