import { describe, expect, it } from 'vitest';
import { analyzeSmiles } from './analyze';
import { serializeSmiles } from './serialize-smiles';

describe('serializeSmiles: canonical SMILES that RDKit reads back to the same molecule', () => {
  // Written the way a model or a person might, not canonically: aspirin, caffeine, a charged amine, a stereocentre,
  // an E double bond, an aromatic heterocycle with a ring closure written late.
  const WRITTEN = ['OC(=O)c1ccccc1OC(C)=O', 'Cn1cnc2n(C)c(=O)n(C)c(=O)c12', 'C[N+](C)(C)C', 'N[C@@H](C)C(=O)O', 'C/C=C/C', 'c1ccc2[nH]ccc2c1'];

  for (const smiles of WRITTEN) {
    it(smiles, async () => {
      const reviewed = await analyzeSmiles(smiles);
      expect(reviewed.valid).toBe(true);
      const suffix = serializeSmiles(reviewed);
      expect(suffix).toBe(reviewed.canonical);
      const back = await analyzeSmiles(suffix);
      expect(back.canonical).toBe(reviewed.canonical);
      expect(back.inchikey).toBe(reviewed.inchikey);
    });
  }

  it('refuses an invalid SMILES with RDKit\'s reason', async () => {
    const bad = await analyzeSmiles('C1CC(');
    expect(() => serializeSmiles(bad)).toThrow(/the SMILES "C1CC\(" is not valid/);
  });
});
