// An export of a report on a DICOM radiograph carries no patient identifier unless the person keeps them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DocumentLoader } from '../../models/documents';
import { fixture, makeSource, missingTools, PHI_VALUES } from '../../models/dicom/test-helpers';
import type { RunRecord } from '../../preload/contract';
import { PrivacyService } from '../services/privacy';
import { studyForExport } from './dicom-export';
import { exportRun } from './run-export';

const src = makeSource({ name: 'export-phi', width: 24, height: 24, frames: 1, bitsAllocated: 16, bitsStored: 12, signed: false, samples: 1, photometric: 'MONOCHROME2', extraTags: ['(0028,0301) CS [YES]', '(0008,1070) PN [Operator^Olive]'] });

const record: RunRecord = {
  id: '1', documentId: 'doc', page: 0, model: { id: 'm', name: 'tiny', location: '/m' }, prompt: { task: 'report', text: 'report' }, promptText: 'report',
  maxNewTokens: 64, strategy: { kind: 'greedy' }, startedAt: '2026-01-01T00:00:00Z', status: 'done', text: 'FINDINGS: Normal heart. IMPRESSION: Clear.',
  ids: [], logprobs: [], pieces: [], finishReason: 'eos', timings: null, providers: {}, dtypes: {}, error: null, region: null, source: 'model',
  window: { center: 2048, width: 4096 },
  parsed: { kind: 'report', text: 'FINDINGS: Normal heart. IMPRESSION: Clear.', sections: [{ heading: 'FINDINGS', text: 'Normal heart.' }, { heading: 'IMPRESSION', text: 'Clear.' }], warnings: [] },
};

const missing = missingTools.includes('dump2dcm');
if (missing) console.warn('skipping the DICOM export privacy test: dump2dcm is not installed (Debian package dcmtk)');

describe.skipIf(missing)('exports of results on DICOM pages', () => {
  const loader = new DocumentLoader({ inThreadPdf: true });
  afterAll(() => loader.dispose());
  const allPhi = [...PHI_VALUES, 'Operator Olive', 'export-phi'];

  async function exported(privacy: PrivacyService, format: 'md' | 'json'): Promise<{ name: string; text: string }> {
    const doc = await loader.openDocument({ path: fixture(src, 'explicit-le') });
    const facts = await studyForExport(doc, privacy, record.window ?? null);
    const file = await exportRun(record, facts!.documentName, format, undefined, facts!.study);
    await doc.close();
    return { name: file.fileName, text: new TextDecoder().decode(file.bytes) };
  }

  it('are de-identified by default: no PHI value in the Markdown report, the JSON or the file name', async () => {
    const privacy = new PrivacyService(join(mkdtempSync(join(tmpdir(), 'export-')), 'privacy.json'));
    for (const format of ['md', 'json'] as const) {
      const { name, text } = await exported(privacy, format);
      for (const phi of allPhi) {
        expect(text, `${format} export contains ${phi}`).not.toContain(phi);
        expect(name).not.toContain(phi);
      }
      expect(text).toContain('CHEST');
      expect(text).toContain('PS3.15');
    }
    const md = (await exported(privacy, 'md')).text;
    expect(md).toContain('## FINDINGS');
    expect(md).toContain('Window: width 4096, level 2048.');
  });

  it('keep the identifiers when the person turned that on, and say so', async () => {
    const privacy = new PrivacyService(join(mkdtempSync(join(tmpdir(), 'export-')), 'privacy.json'));
    await privacy.set({ keepIdentifiers: true });
    const { name, text } = await exported(privacy, 'md');
    expect(text).toContain('Doe Jane Q');
    expect(text).toContain('identifiers kept');
    expect(name).toContain('export-phi');
  });
});
