import { describe, expect, it } from 'vitest';
import { analyzeSmiles } from './analyze';
import { formulaFromRdkitJson, hillFormula } from './formula';

// Expected values are what desktop RDKit's rdMolDescriptors.CalcMolFormula gives for the same SMILES (checked with
// RDKit 2022.09), so the hand-written formula reads exactly as RDKit's own would.
const GOLDEN: Array<[string, string]> = [
  ['C[N+](C)(C)C', 'C4H12N+'],
  ['*CC', 'C2H5*'],
  ['[Fe+2]', 'Fe+2'],
  ['[NH4+]', 'H4N+'],
  ['[O-]S(=O)(=O)[O-]', 'O4S-2'],
  ['[N-]=[N+]=[N-]', 'N3-'],
  ['[Cu+2].[O-]S(=O)(=O)[O-]', 'CuO4S'],
  ['[Ca+2].[Cl-].[Cl-]', 'CaCl2'],
  ['[2H]C([2H])([2H])O', 'CH4O'],
  ['[H][H]', 'H2'],
  ['BrC(Br)Br', 'CHBr3'],
  ['C[Si](C)(C)Cl', 'C3H9ClSi'],
  ['C1=CC=C[C-]1.[Fe+2].C1=CC=C[C-]1', 'C10H8Fe'],
  ['[He]', 'He'],
];

describe('formula (Hill system, as RDKit CalcMolFormula writes it)', () => {
  for (const [smiles, formula] of GOLDEN) {
    it(`${smiles} → ${formula}`, async () => {
      expect((await analyzeSmiles(smiles)).formula).toBe(formula);
    });
  }
  it('Hill order: C, H, then alphabetical; without carbon all alphabetical', () => {
    expect(hillFormula(new Map([['O', 2], ['H', 4], ['C', 1], ['Br', 1]]))).toBe('CH4BrO2');
    expect(hillFormula(new Map([['O', 1], ['H', 2]]))).toBe('H2O');
  });
  it('rejects JSON that is not an RDKit molecule', () => {
    expect(() => formulaFromRdkitJson('{"molecules": []}')).toThrow(/no molecule/);
    expect(() => formulaFromRdkitJson('{"molecules": [{"atoms": [{"z": 200}]}]}')).toThrow(/atomic number 200/);
  });
});
