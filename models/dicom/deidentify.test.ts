import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDeidentifier, deidentifyMetadata } from './deidentify';
import { openDicomImage } from './dicom-image';
import { extractMetadata, type DicomMetadata } from './metadata';
import { parseDicomBytes } from './parse';
import { fixture, makeSource, missingTools, PATIENT, PHI_VALUES } from './test-helpers';

const src = makeSource({ name: 'phi-grey8', width: 16, height: 16, frames: 1, bitsAllocated: 8, bitsStored: 8, signed: false, samples: 1, photometric: 'MONOCHROME2', extraTags: ['(0028,0301) CS [YES]'] });
const secret = 'project-secret-0123456789';


const field = (m: DicomMetadata, keyword: string): string | undefined => m.fields.find((f) => f.keyword === keyword)?.value;

describe.skipIf(missingTools.includes('dump2dcm'))('metadata and the basic confidentiality profile', () => {
  if (missingTools.includes('dump2dcm')) console.warn('skipping DICOM metadata tests: dump2dcm is not installed (Debian package dcmtk)');
  const meta = (): DicomMetadata => extractMetadata(parseDicomBytes(new Uint8Array(readFileSync(fixture(src, 'explicit-le')))).dataset);

  it('reads what a radiologist looks at and marks the identifiers', () => {
    const m = meta();
    expect(field(m, 'Modality')).toBe('CR');
    expect(field(m, 'BodyPartExamined')).toBe('CHEST');
    expect(field(m, 'ViewPosition')).toBe('PA');
    expect(field(m, 'PixelSpacing')).toBe('0.139\\0.139');
    expect(field(m, 'PhotometricInterpretation')).toBe('MONOCHROME2');
    expect(field(m, 'PatientName')).toBe('Doe Jane Q');
    expect(m.fields.find((f) => f.keyword === 'PatientName')?.identifying).toBe(true);
    expect(m.fields.find((f) => f.keyword === 'Modality')?.identifying).toBe(false);
    expect(m.burnedInAnnotation).toBe(true);
  });

  it('leaves none of the PHI values in the de-identified metadata', () => {
    const out = JSON.stringify(deidentifyMetadata(meta(), createDeidentifier(secret)));
    for (const phi of PHI_VALUES) expect(out, phi).not.toContain(phi);
    // The clinical content survives.
    expect(out).toContain('CHEST');
    expect(out).toContain('PatientIdentityRemoved');
  });

  it('replaces UIDs consistently and shifts dates by one project-wide offset', () => {
    const d = createDeidentifier(secret);
    const a = deidentifyMetadata(meta(), d);
    const b = deidentifyMetadata(meta(), createDeidentifier(secret));
    expect(field(a, 'StudyInstanceUID')).toBe(field(b, 'StudyInstanceUID'));
    expect(field(a, 'StudyInstanceUID')).toMatch(/^2\.25\.\d+$/);
    expect(field(a, 'StudyInstanceUID')).not.toBe(field(a, 'SeriesInstanceUID'));
    expect(field(deidentifyMetadata(meta(), createDeidentifier('another-secret-987654')), 'StudyInstanceUID')).not.toBe(field(a, 'StudyInstanceUID'));
    const shifted = field(a, 'StudyDate')!;
    const days = (Date.UTC(2024, 0, 15) - Date.UTC(+shifted.slice(0, 4), +shifted.slice(4, 6) - 1, +shifted.slice(6))) / 86_400_000;
    expect(days).toBe(d.dateShiftDays);
    expect(days).toBeGreaterThanOrEqual(1);
    expect(field(a, 'PatientName')).toBe('');
    expect(field(a, 'PatientBirthDate')).toBe('');
    expect(field(a, 'InstitutionName')).toBeUndefined();
    expect(a.burnedInAnnotation).toBe(true);
  });

  it('is idempotent: de-identifying twice changes nothing more than the UIDs being mapped again', () => {
    const d = createDeidentifier(secret);
    const once = deidentifyMetadata(meta(), d);
    const twice = deidentifyMetadata(once, d);
    expect(twice.fields.filter((f) => f.keyword === 'PatientIdentityRemoved')).toHaveLength(1);
    for (const phi of PHI_VALUES) expect(JSON.stringify(twice)).not.toContain(phi);
  });

  it('the opened image carries the same metadata', () => {
    const img = openDicomImage(new Uint8Array(readFileSync(fixture(src, 'explicit-le'))));
    expect(field(img.metadata, 'PatientID')).toBe(PATIENT.id);
  });

  it('refuses a short secret', () => {
    expect(() => createDeidentifier('short')).toThrow(/at least 16/);
  });
});
