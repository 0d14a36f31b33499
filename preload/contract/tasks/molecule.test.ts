import { describe, expect, expectTypeOf, it } from 'vitest';
import { MAX_SMILES_CHARS, MOLECULE_LIMITS, type MoleculeResult } from '../../../models/paligemma/tasks/molecule/result';
import { MOLECULE_MAX, MoleculeParsed } from './molecule';

// The analysis runs RDKit in Node; this folder is also type-checked for the browser (tsconfig.web.json), so its module
// is imported by a specifier the type-checker does not follow, and typed through result.ts.
const ANALYZE = '../../../models/paligemma/tasks/molecule/analyze';
async function analyzeSmiles(raw: string): Promise<MoleculeResult> {
  const mod = (await import(/* @vite-ignore */ ANALYZE)) as { analyzeSmiles: (raw: string) => Promise<MoleculeResult> };
  return mod.analyzeSmiles(raw);
}

describe('MoleculeParsed', () => {
  it("has exactly the shape of the analysis's MoleculeResult", () => {
    expectTypeOf<MoleculeParsed>().toEqualTypeOf<MoleculeResult>();
  });

  it("uses the analysis's bounds", () => {
    expect(MOLECULE_MAX).toEqual(MOLECULE_LIMITS);
    expect(MOLECULE_MAX.input).toBe(MAX_SMILES_CHARS);
  });

  it('accepts what the analysis produces, valid, invalid and oversized', async () => {
    const vancomycin =
      'C[C@H]1[C@H]([C@@](C[C@@H](O1)O[C@@H]2[C@H]([C@@H]([C@H](O[C@H]2OC3=C4C=C5C=C3OC6=C(C=C(C=C6)[C@H]([C@H](C(=O)N[C@H](C(=O)N[C@H]5C(=O)N[C@@H]7C8=CC(=C(C=C8)O)C9=C(C=C(C=C9O)O)[C@H](NC(=O)[C@H]([C@@H](C1=CC(=C(O4)C=C1)Cl)O)NC7=O)C(=O)O)CC(=O)N)NC(=O)[C@@H](CC(C)C)NC)O)Cl)CO)O)O)(C)N)O';
    for (const raw of ['CC(=O)Oc1ccccc1C(=O)O<eos>', vancomycin, '*CC name', 'C1CC', 'CC(C', '', 'x'.repeat(50_000), 'C'.repeat(600)]) {
      const r = await analyzeSmiles(raw);
      expect(MoleculeParsed.parse(r)).toEqual(r);
    }
  });

  it('refuses oversized or mistyped fields', async () => {
    const ok = await analyzeSmiles('CCO');
    expect(MoleculeParsed.safeParse({ ...ok, svg: 'x'.repeat(MOLECULE_MAX.svg + 1) }).success).toBe(false);
    expect(MoleculeParsed.safeParse({ ...ok, warnings: Array(MOLECULE_MAX.warnings + 1).fill('w') }).success).toBe(false);
    expect(MoleculeParsed.safeParse({ ...ok, molecularWeight: -1 }).success).toBe(false);
    expect(MoleculeParsed.safeParse({ ...ok, valid: 'yes' }).success).toBe(false);
  });
});
