// Which files a run's parsed result can be saved as. Zod-free, so the renderer imports it at run time to build its
// Export menu, and main checks a request against the same table.

export const RUN_EXPORT_FORMATS = ['json', 'txt', 'md', 'coco', 'html', 'csv', 'xlsx', 'smi', 'mol', 'sdf', 'krn', 'mei', 'musicxml', 'mid'] as const;
export type RunExportFormat = (typeof RUN_EXPORT_FORMATS)[number];

/** The kinds of parsed result (RunParsed['kind']) and what each exports to, in menu order. */
export const EXPORTS_BY_KIND: Record<'boxes' | 'text' | 'report' | 'verdict' | 'table' | 'molecule' | 'music', readonly RunExportFormat[]> = {
  boxes: ['coco', 'json', 'txt'],
  text: ['txt', 'md', 'json'],
  report: ['md', 'txt', 'json'],
  verdict: ['json', 'txt'],
  table: ['html', 'csv', 'xlsx', 'json'],
  molecule: ['smi', 'sdf', 'mol', 'json'],
  music: ['krn', 'musicxml', 'mei', 'mid', 'json'],
};

export const EXPORT_LABELS: Record<RunExportFormat, string> = {
  json: 'JSON (parsed result)',
  txt: 'Plain text',
  md: 'Markdown',
  coco: 'COCO JSON',
  html: 'HTML table',
  csv: 'CSV',
  xlsx: 'Excel workbook (XLSX)',
  smi: 'SMILES',
  mol: 'MOL file',
  sdf: 'SDF',
  krn: '**kern',
  musicxml: 'MusicXML',
  mei: 'MEI',
  mid: 'MIDI',
};
