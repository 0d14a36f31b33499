// Files for a recognised molecule: SMILES (.smi), MDL molfile (.mol) and SD file (.sdf). Everything comes from the
// MoleculeResult that analyzeSmiles made, so exporting needs no RDKit call and works the same in main and the CLI.
import type { MoleculeResult } from './result';

export type MoleculeExportFormat = 'smi' | 'mol' | 'sdf';
export const MOLECULE_EXPORT_FORMATS: readonly MoleculeExportFormat[] = ['smi', 'mol', 'sdf'];

export interface MoleculeExport {
  mime: string;
  extension: string;
  bytes: Uint8Array;
}

// chemical/x-mdl-* are the registered-by-convention types chemistry tools (Open Babel, PubChem) use.
const MIME: Record<MoleculeExportFormat, string> = {
  smi: 'chemical/x-daylight-smiles',
  mol: 'chemical/x-mdl-molfile',
  sdf: 'chemical/x-mdl-sdfile',
};

/** The molfile header's first line holds at most 80 characters (CTfile spec); names are also kept to one line. */
const MAX_NAME = 80;

/**
 * One line of printable text for a title or data value: control characters (newlines included) become spaces, so a
 * name can neither break the file's line structure nor end a data item or a record early.
 */
function oneLine(text: string, max: number): string {
  return text
    .replace(/\p{Cc}+/gu, ' ')
    .trim()
    .slice(0, max);
}

/**
 * The molblock with `name` on its title line. An SD record must not contain "$$$$" before its end, and a data item's
 * name is set off by "> <…>", so both are kept out of the title.
 */
function titledMolblock(molblock: string, name: string): string {
  const lines = molblock.replace(/\r\n?/g, '\n').split('\n');
  lines[0] = oneLine(name, MAX_NAME).replace(/\$\$\$\$/g, '$ $ ');
  let text = lines.join('\n');
  if (!text.endsWith('\n')) text += '\n';
  return text;
}

function sdfItem(field: string, value: string): string {
  // A data value ends at the first blank line, so it is written as a single line.
  return `> <${field}>\n${oneLine(value, 100_000)}\n\n`;
}

/**
 * The molecule as a file. Throws an Error naming the reason when there is nothing valid to write (an invalid SMILES,
 * or a valid one whose molblock was dropped for size).
 */
export function exportMolecule(m: MoleculeResult, format: MoleculeExportFormat, name?: string): MoleculeExport {
  if (!MOLECULE_EXPORT_FORMATS.includes(format)) throw new Error(`Unknown molecule export format "${String(format)}" (smi, mol or sdf).`);
  if (!m.valid || !m.canonical) {
    throw new Error(`Cannot export "${oneLine(m.input, 80)}" as ${format.toUpperCase()}: the SMILES is invalid (${m.error ?? 'no reason recorded'}).`);
  }
  const title = oneLine(name ?? '', MAX_NAME);
  let text: string;
  if (format === 'smi') {
    // SMILES file: the SMILES, then optionally whitespace and a name.
    text = title ? `${m.canonical}\t${title}\n` : `${m.canonical}\n`;
  } else {
    if (!m.molblock) throw new Error(`Cannot export "${m.canonical}" as ${format.toUpperCase()}: no molblock was computed for it.`);
    text = titledMolblock(m.molblock, title);
    if (format === 'sdf') {
      text += sdfItem('SMILES', m.canonical);
      if (m.formula) text += sdfItem('FORMULA', m.formula);
      if (m.molecularWeight !== null) text += sdfItem('MW', String(m.molecularWeight));
      if (m.inchi) text += sdfItem('InChI', m.inchi);
      if (m.inchikey) text += sdfItem('InChIKey', m.inchikey);
      text += '$$$$\n';
    }
  }
  return { mime: MIME[format], extension: format, bytes: new TextEncoder().encode(text) };
}
