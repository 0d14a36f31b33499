// What an export of a result on a DICOM page says about the study: the header fields as the privacy setting allows
// (de-identified by default), the window the model saw, and a document name that does not repeat a file name that
// may itself carry the patient's name.
import type { LoadedDocument } from '../../models/documents';
import type { PrivacyService } from '../services/privacy';
import type { StudyFacts } from './run-export';

export async function studyForExport(
  doc: Pick<LoadedDocument, 'name' | 'dicom'>,
  privacy: PrivacyService,
  window: StudyFacts['window'],
): Promise<{ documentName: string; study: StudyFacts } | null> {
  if (!doc.dicom) return null;
  const meta = await privacy.forExport(doc.dicom.metadata);
  const d = await privacy.deidentifier();
  return {
    // The replacement is stable (keyed like the UIDs), so exports of one file still group together.
    documentName: d ? `study-${d.uid(`name:${doc.name}`).slice(-12)}.dcm` : doc.name,
    study: { fields: meta.fields.map((f) => ({ label: f.label, value: f.value })), window, deidentified: meta.deidentified?.method ?? null },
  };
}
