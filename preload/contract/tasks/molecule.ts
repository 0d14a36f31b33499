// A molecule-recognition result (models/paligemma/tasks/molecule/analyze.ts, MoleculeResult) as it crosses to the
// renderer: RDKit's verdict on the SMILES the model wrote, and what it derived from it. Every string is bounded; the
// analysis drops a field that would exceed its bound (with a warning) rather than produce something this rejects.
import { z } from 'zod';

/** Must equal MOLECULE_LIMITS in analyze.ts (molecule.test.ts checks). */
export const MOLECULE_MAX = {
  input: 2000,
  canonical: 8_000,
  formula: 500,
  inchi: 32_000,
  inchikey: 27,
  svg: 2_000_000,
  molblock: 2_000_000,
  error: 4_000,
  warning: 1_000,
  warnings: 50,
} as const;

const text = (max: number) => z.string().max(max);

export const MoleculeParsed = z.object({
  /** The SMILES analysed (the model's output without special tokens and surrounding whitespace). */
  input: text(MOLECULE_MAX.input),
  valid: z.boolean(),
  /** RDKit's canonical isomeric SMILES. */
  canonical: text(MOLECULE_MAX.canonical).nullable(),
  /** Hill formula with the net charge, e.g. "C4H12N+". */
  formula: text(MOLECULE_MAX.formula).nullable(),
  /** Average molecular weight in g/mol. */
  molecularWeight: z.number().nonnegative().finite().nullable(),
  inchi: text(MOLECULE_MAX.inchi).nullable(),
  inchikey: text(MOLECULE_MAX.inchikey).nullable(),
  /** RDKit's 2D depiction: a plain SVG document (shown only as an <img> data: URL). */
  svg: text(MOLECULE_MAX.svg).nullable(),
  molblock: text(MOLECULE_MAX.molblock).nullable(),
  /** Why the SMILES is invalid, in RDKit's words. */
  error: text(MOLECULE_MAX.error).nullable(),
  warnings: z.array(text(MOLECULE_MAX.warning)).max(MOLECULE_MAX.warnings),
});
export type MoleculeParsed = z.infer<typeof MoleculeParsed>;
