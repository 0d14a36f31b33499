// The result of analysing a model's SMILES, and the bounds on it. Kept free of imports (RDKit, Node) so the
// contract's schema test can check its shape and limits from the renderer's type-check too.

export interface MoleculeResult {
  /** The SMILES that was analysed: the model output with <eos>/<pad>/<bos> and surrounding whitespace removed. */
  input: string;
  valid: boolean;
  /** RDKit's canonical isomeric SMILES. */
  canonical: string | null;
  /** Hill formula with the net charge, e.g. "C9H8O4", "C4H12N+". */
  formula: string | null;
  /** Average molecular weight (g/mol), rounded to 4 decimals. */
  molecularWeight: number | null;
  /** Standard InChI; null where InChI is undefined (dummy atoms) or failed. */
  inchi: string | null;
  inchikey: string | null;
  /** RDKit's 2D depiction, a standalone SVG document (no XML prolog, no scripts, no external references). */
  svg: string | null;
  /** V2000 molblock (RDKit switches to V3000 for > 999 atoms) with 2D coordinates. */
  molblock: string | null;
  error: string | null;
  warnings: string[];
}

/** Longest SMILES analysed. Realistic OCSR outputs are under 200 characters; ChEMBL's longest are around 1 500. */
export const MAX_SMILES_CHARS = 2000;
/**
 * Upper bounds on the other fields, shared with the contract's schema (preload/contract/tasks/molecule.ts), so a
 * result always crosses to the renderer. A field that would exceed its bound is dropped with a warning.
 */
export const MOLECULE_LIMITS = {
  input: MAX_SMILES_CHARS,
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
