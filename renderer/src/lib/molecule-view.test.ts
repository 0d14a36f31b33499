// The molecule view rendered (server-side, no DOM needed) from real analysis results.
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import MoleculeView from '../components/tasks/MoleculeView.svelte';
import type { MoleculeParsed } from '../../../preload/contract/tasks/molecule';

const aspirin: MoleculeParsed = {
  input: 'OC(=O)c1ccccc1OC(C)=O',
  valid: true,
  canonical: 'CC(=O)Oc1ccccc1C(=O)O',
  formula: 'C9H8O4',
  molecularWeight: 180.159,
  inchi: 'InChI=1S/C9H8O4/c1-6(10)13-8-5-3-2-4-7(8)9(11)12/h2-5H,1H3,(H,11,12)',
  inchikey: 'BSYNRYMUTXBXSQ-UHFFFAOYSA-N',
  svg: "<svg version='1.1' xmlns='http://www.w3.org/2000/svg' width='400px' height='300px' viewBox='0 0 400 300'><path d='M 10,10 L 90,90' style='stroke:#000'/></svg>",
  molblock: '\n     RDKit          2D\n\nM  END\n',
  error: null,
  warnings: [],
};

/** The rendered markup without Svelte's hydration markers (<!--[-->, <!---->), which sit between text nodes. */
const body = (props: { molecule: MoleculeParsed }): string => render(MoleculeView, { props }).body.replace(/<!--[^]*?-->/g, '');

describe('MoleculeView', () => {
  it('shows the depiction only as a data: URL image, and the properties as text', () => {
    const html = body({ molecule: aspirin });
    expect(html).toContain('data-testid="molecule-view"');
    expect(html).toContain('data-valid="true"');
    const img = /<img[^>]*data-testid="molecule-depiction"[^>]*>/.exec(html)?.[0] ?? '';
    expect(img).toMatch(/src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"/);
    // Its text alternative says what can be said of the drawing: formula, weight, then the SMILES.
    expect(img).toContain('alt="2D structure, formula C9H8O4, weight 180.16 g/mol, SMILES CC(=O)Oc1ccccc1C(=O)O"');
    expect(html).not.toContain('<svg'); // the SVG is never part of the page's markup
    expect(html).toMatch(/data-testid="molecule-canonical"[^>]*>CC\(=O\)Oc1ccccc1C\(=O\)O</);
    expect(html).toContain('C<sub>9</sub>H<sub>8</sub>O<sub>4</sub>');
    expect(html).toContain('180.16 g/mol');
    expect(html).toContain('BSYNRYMUTXBXSQ-UHFFFAOYSA-N');
    expect(html).toContain('OC(=O)c1ccccc1OC(C)=O'); // as written, since it differs from the canonical form
    expect(html).not.toContain('molecule-invalid');
  });

  it('an invalid SMILES shows RDKit’s reason and the SMILES as written, escaped', () => {
    const html = body({
      molecule: { ...aspirin, input: 'C1CC<img src=x onerror=alert(1)>', valid: false, canonical: null, formula: null, molecularWeight: null, inchi: null, inchikey: null, svg: null, molblock: null, error: "Invalid SMILES: unclosed ring for input: 'C1CC'" },
    });
    expect(html).toContain('data-testid="molecule-invalid"');
    expect(html).toContain('data-valid="false"');
    expect(html).toMatch(/data-testid="molecule-error"[^>]*>unclosed ring for input: 'C1CC'</);
    expect(html).toContain('C1CC&lt;img src=x onerror=alert(1)>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('molecule-depiction');
  });

  it('a valid molecule without a depiction says so', () => {
    const html = body({ molecule: { ...aspirin, svg: null } });
    expect(html).toContain('No depiction for this structure.');
    expect(html).not.toContain('<img');
  });
});
