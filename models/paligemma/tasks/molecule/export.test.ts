import { describe, expect, it } from 'vitest';
import { analyzeSmiles } from './analyze';
import { exportMolecule } from './export';
import { loadRdkit } from './rdkit';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** The data items of one SD record, read per the CTfile spec: "> <NAME>" header, value lines, blank line. */
function sdfItems(record: string): Record<string, string> {
  const items: Record<string, string> = {};
  const afterEnd = record.slice(record.indexOf('M  END\n') + 'M  END\n'.length);
  for (const m of afterEnd.matchAll(/^> +<([^>]+)>\n([\s\S]*?)\n\n/gm)) items[m[1]!] = m[2]!;
  return items;
}

const MOLECULES = [
  'CC(=O)Oc1ccccc1C(=O)O', // aspirin
  'CN1C=NC2=C1C(=O)N(C(=O)N2C)C', // caffeine
  'CC1(C)S[C@@H]2[C@H](NC(=O)Cc3ccccc3)C(=O)N2[C@H]1C(=O)O', // penicillin G: three stereocentres
  'C/C=C/C(=O)O', // crotonic acid: E double bond
  'C[N+](C)(C)C.[Cl-]', // a salt with charges
  '[13CH3]C(=O)O', // an isotope
];

describe('exportMolecule', () => {
  for (const smiles of MOLECULES) {
    it(`SDF of ${smiles} reads back in RDKit as the same canonical SMILES, with its properties`, async () => {
      const m = await analyzeSmiles(smiles);
      expect(m.valid).toBe(true);
      const file = exportMolecule(m, 'sdf', 'scan p.3, figure 2');
      expect(file).toMatchObject({ mime: 'chemical/x-mdl-sdfile', extension: 'sdf' });
      const sdf = text(file.bytes);
      expect(sdf.startsWith('scan p.3, figure 2\n')).toBe(true);
      expect(sdf.endsWith('\n$$$$\n')).toBe(true);
      expect(sdf.match(/\$\$\$\$/g)).toHaveLength(1);
      expect(sdfItems(sdf)).toEqual({
        SMILES: m.canonical,
        FORMULA: m.formula,
        MW: String(m.molecularWeight),
        InChI: m.inchi,
        InChIKey: m.inchikey,
      });

      const { rdkit } = await loadRdkit();
      const back = rdkit.get_mol(sdf);
      try {
        expect(back?.is_valid()).toBe(true);
        expect(back!.get_smiles()).toBe(m.canonical);
        expect(back!.get_prop('_Name')).toBe('scan p.3, figure 2');
        expect(back!.get_inchi()).toBe(m.inchi);
      } finally {
        back?.delete();
      }
    });
  }

  it('MOL is the molblock with the name as its title; SMI is the canonical SMILES and the name', async () => {
    const m = await analyzeSmiles('OCC');
    const mol = exportMolecule(m, 'mol', 'ethanol');
    expect(mol).toMatchObject({ mime: 'chemical/x-mdl-molfile', extension: 'mol' });
    expect(text(mol.bytes).split('\n')[0]).toBe('ethanol');
    expect(text(mol.bytes)).toMatch(/M {2}END\n$/);
    expect(text(mol.bytes)).not.toContain('$$$$');
    expect(text(exportMolecule(m, 'smi', 'ethanol').bytes)).toBe('CCO\tethanol\n');
    expect(text(exportMolecule(m, 'smi').bytes)).toBe('CCO\n');
    expect(exportMolecule(m, 'smi').mime).toBe('chemical/x-daylight-smiles');
  });

  it('a hostile name cannot break the file: newlines, $$$$ and data headers stay on the title line', async () => {
    const m = await analyzeSmiles('CCO');
    const sdf = text(exportMolecule(m, 'sdf', 'x\n$$$$\n> <SMILES>\nC\n\n' + 'y'.repeat(200)).bytes);
    const lines = sdf.split('\n');
    expect(lines[0]!.length).toBeLessThanOrEqual(80);
    expect(sdf.match(/\$\$\$\$/g)).toHaveLength(1);
    expect(sdfItems(sdf).SMILES).toBe('CCO');
    const { rdkit } = await loadRdkit();
    const back = rdkit.get_mol(sdf);
    expect(back?.get_smiles()).toBe('CCO');
    back?.delete();
  });

  it('an invalid molecule is refused with the reason', async () => {
    const m = await analyzeSmiles('C1CC');
    for (const format of ['smi', 'mol', 'sdf'] as const) {
      expect(() => exportMolecule(m, format)).toThrow(/Cannot export "C1CC" as .*: the SMILES is invalid \(Invalid SMILES: unclosed ring/);
    }
    const ok = await analyzeSmiles('CCO');
    expect(() => exportMolecule({ ...ok, molblock: null }, 'sdf')).toThrow(/no molblock/);
    expect(() => exportMolecule(ok, 'pdb' as 'sdf')).toThrow(/Unknown molecule export format "pdb"/);
  });
});
