// Molecule metrics: validity, exact match of RDKit's canonical SMILES, InChIKey match, and the Tanimoto similarity of
// Morgan fingerprints (radius 2, 2,048 bits: ECFP4, the usual choice in the image-to-SMILES literature, e.g.
// MolScribe, DECIMER). An invalid prediction is wrong on every count and says why.
import { discardRdkit, loadRdkit } from '../paligemma/tasks/molecule/rdkit';

export interface EvalMolecule {
  input: string;
  valid: boolean;
  canonical: string | null;
  inchikey: string | null;
  error?: string | null;
  /** Filled by `addFingerprints`: the packed Morgan bits, or null when RDKit could not make them. */
  fingerprint?: Uint8Array | null;
}

export const MORGAN = { radius: 2, nBits: 2048 } as const;

/** Computes each valid molecule's fingerprint once (RDKit's WebAssembly, loaded on first use), in place. */
export async function addFingerprints(molecules: Iterable<EvalMolecule>): Promise<void> {
  const todo = [...molecules].filter((m) => m.valid && m.canonical && m.fingerprint === undefined);
  if (!todo.length) return;
  let rdkit;
  try {
    rdkit = (await loadRdkit()).rdkit;
  } catch {
    for (const m of todo) m.fingerprint = null;
    return;
  }
  const details = JSON.stringify(MORGAN);
  const cache = new Map<string, Uint8Array | null>();
  for (const m of todo) {
    const smiles = m.canonical!;
    if (!cache.has(smiles)) {
      let fp: Uint8Array | null = null;
      let mol;
      try {
        mol = rdkit.get_mol(smiles);
        if (mol && mol.is_valid()) fp = new Uint8Array(mol.get_morgan_fp_as_uint8array(details) as Uint8Array);
      } catch {
        // A failure inside RDKit's WebAssembly (see molecule/analyze.ts): the instance is not used again.
        discardRdkit();
        mol = null;
        fp = null;
      } finally {
        mol?.delete();
      }
      cache.set(smiles, fp);
    }
    m.fingerprint = cache.get(smiles) ?? null;
  }
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, i) => { let n = 0; for (let v = i; v; v >>= 1) n += v & 1; return n; });

/** Tanimoto (Jaccard) similarity of two packed bit vectors; 1 for two empty fingerprints. */
export function tanimoto(a: Uint8Array, b: Uint8Array): number {
  let both = 0, either = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0, y = b[i] ?? 0;
    both += POPCOUNT[x & y]!;
    either += POPCOUNT[x | y]!;
  }
  return either ? both / either : 1;
}

export interface MoleculeScores { valid: number; exact: number; inchikey: number; tanimoto: number | null }

export function moleculeScores(truth: EvalMolecule, pred: EvalMolecule, notes: string[] = []): MoleculeScores {
  if (!truth.valid || !truth.canonical) {
    notes.push(`the truth is not a valid molecule (${truth.error ?? 'no canonical SMILES'}); only validity is scored`);
    return { valid: pred.valid ? 1 : 0, exact: 0, inchikey: 0, tanimoto: null };
  }
  if (!pred.valid || !pred.canonical) {
    notes.push(`invalid SMILES "${pred.input.slice(0, 80)}": ${pred.error ?? 'RDKit did not accept it'}`);
    return { valid: 0, exact: 0, inchikey: 0, tanimoto: 0 };
  }
  let sim: number | null = null;
  if (truth.fingerprint && pred.fingerprint) sim = tanimoto(truth.fingerprint, pred.fingerprint);
  else notes.push('no Morgan fingerprint (RDKit could not compute one), so no Tanimoto similarity');
  const inchi = truth.inchikey && pred.inchikey ? (truth.inchikey === pred.inchikey ? 1 : 0) : 0;
  if (!truth.inchikey || !pred.inchikey) notes.push('an InChIKey is missing, so the InChIKey match counts as 0');
  return { valid: 1, exact: truth.canonical === pred.canonical ? 1 : 0, inchikey: inchi, tanimoto: sim };
}
