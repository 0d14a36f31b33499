import { describe, expect, it } from 'vitest';
import { analyzeSmiles } from '../paligemma/tasks/molecule/analyze';
import { addFingerprints, moleculeScores, tanimoto, type EvalMolecule } from './molecules';

const mol = async (smiles: string): Promise<EvalMolecule> => {
  const m = await analyzeSmiles(smiles);
  return { input: m.input, valid: m.valid, canonical: m.canonical, inchikey: m.inchikey, error: m.error };
};

describe('molecule metrics', () => {
  it('Tanimoto of packed bits, by hand', () => {
    // 1100 and 1010: one bit in both, three in either → 1/3.
    expect(tanimoto(Uint8Array.of(0b1100), Uint8Array.of(0b1010))).toBeCloseTo(1 / 3, 12);
    expect(tanimoto(Uint8Array.of(0), Uint8Array.of(0))).toBe(1);
  });
  it('the same molecule written two ways is an exact, InChIKey and Tanimoto match', async () => {
    const truth = await mol('OCC'), pred = await mol('C(O)C');
    await addFingerprints([truth, pred]);
    expect(moleculeScores(truth, pred)).toEqual({ valid: 1, exact: 1, inchikey: 1, tanimoto: 1 });
  });
  it('a different molecule scores partly; an invalid one scores 0 and says why', async () => {
    const truth = await mol('c1ccccc1O'), pred = await mol('c1ccccc1N'), bad = await mol('C1CC(');
    await addFingerprints([truth, pred, bad]);
    const s = moleculeScores(truth, pred);
    expect(s.exact).toBe(0);
    expect(s.inchikey).toBe(0);
    expect(s.tanimoto).toBeGreaterThan(0.2);
    expect(s.tanimoto).toBeLessThan(0.8);
    const notes: string[] = [];
    expect(moleculeScores(truth, bad, notes)).toEqual({ valid: 0, exact: 0, inchikey: 0, tanimoto: 0 });
    expect(notes[0]).toMatch(/invalid SMILES "C1CC\("/);
  });
});
