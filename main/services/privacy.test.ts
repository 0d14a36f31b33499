import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DicomMetadata } from '../../models/dicom';
import { PrivacyService } from './privacy';

const meta: DicomMetadata = {
  fields: [
    { tag: '0010,0010', keyword: 'PatientName', label: 'Patient name', value: 'Doe Jane', identifying: true },
    { tag: '0008,0060', keyword: 'Modality', label: 'Modality', value: 'CR', identifying: false },
  ],
  burnedInAnnotation: false,
};

describe('PrivacyService', () => {
  it('de-identifies by default, keeps identifiers only when asked, and remembers the choice', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'privacy-')), 'privacy.json');
    const a = new PrivacyService(file);
    expect(await a.settings()).toEqual({ keepIdentifiers: false });
    expect(JSON.stringify(await a.forExport(meta))).not.toContain('Doe Jane');
    await a.set({ keepIdentifiers: true });
    expect(JSON.stringify(await a.forExport(meta))).toContain('Doe Jane');
    const b = new PrivacyService(file);
    expect(await b.settings()).toEqual({ keepIdentifiers: true });
  });

  it('fails safe on a damaged settings file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'privacy-')), 'privacy.json');
    writeFileSync(file, '{"keepIdentifiers": "yes please"');
    const s = new PrivacyService(file);
    expect(await s.settings()).toEqual({ keepIdentifiers: false });
    expect(JSON.parse(readFileSync(file, 'utf8')).secret).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps one secret, so replacement UIDs stay the same across restarts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'privacy-')), 'privacy.json');
    const uid = async (): Promise<string | undefined> => (await (await new PrivacyService(file).deidentifier())?.uid('1.2.3'));
    expect(await uid()).toBe(await uid());
  });
});
