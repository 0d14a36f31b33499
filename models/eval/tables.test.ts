import { describe, expect, it } from 'vitest';
import { parseTable } from '../paligemma/tasks/table/parse-table';
import { cellExactMatch, cellTokens, teds } from './tables';
import { treeEditDistance, type TreeNode } from './tree-edit';

// The example of PubTabNet's demo notebook (src/demo.ipynb): the reference implementation prints 0.9781765018607124.
const PRED = '<html><body><table><thead><tr><td><b>Name of algori</b></td><td><b>Notablefeatures</b></td></tr></thead><tbody><tr><td>MACS [23]</td><td>Uses both a control library and local statistics to minimize bias</td></tr><tr><td>SICER [15]</td><td>Designed for detecting diffusely enriched regions; for example, histone modification</td></tr><tr><td>PeakSEQ [24]</td><td>Corrects for reference genome mappability and local statistics</td></tr><tr><td>SISSRs [25]</td><td>High resolution, precise identification of binding-site location</td></tr><tr><td>F-seq [26]</td><td>Uses kernel density estimation</td></tr></tbody></table></body></html>';
const TRUE = PRED.replace('Name of algori', 'Name of algorithm').replace('Notablefeatures', 'Notable features').replace('SICER [15]', 'SICER [14]').replace('PeakSEQ', 'PeakSeq');

const t = (label: string, ...children: TreeNode<string>[]): TreeNode<string> => ({ value: label, children });
const unit = (x: string, y: string) => (x === y ? 0 : 1);

describe('tree edit distance', () => {
  it('is 0 for equal trees and counts single edits', () => {
    expect(treeEditDistance(t('a', t('b'), t('c')), t('a', t('b'), t('c')), unit)).toBe(0);
    expect(treeEditDistance(t('a', t('b'), t('c')), t('a', t('b'), t('d')), unit)).toBe(1);
    expect(treeEditDistance(t('a', t('b'), t('c')), t('a', t('b')), unit)).toBe(1);
    expect(treeEditDistance(t('a'), t('a', t('b'), t('c'), t('d')), unit)).toBe(3);
  });
  it('matches the example of Zhang and Shasha (1989): distance 2', () => {
    // f(d(a c(b)) e) → f(c(d(a b)) e): delete c under d, insert c above d.
    const t1 = t('f', t('d', t('a'), t('c', t('b'))), t('e'));
    const t2 = t('f', t('c', t('d', t('a'), t('b'))), t('e'));
    expect(treeEditDistance(t1, t2, unit)).toBe(2);
    expect(treeEditDistance(t2, t1, unit)).toBe(2);
  });
  it('uses the rename cost when cheaper than delete + insert', () => {
    expect(treeEditDistance(t('a', t('x')), t('a', t('y')), (x, y) => (x === y ? 0 : 0.25))).toBe(0.25);
    expect(treeEditDistance(t('a', t('x')), t('a', t('y')), (x, y) => (x === y ? 0 : 5))).toBe(2);
  });
  it('handles a deep chain without recursion', () => {
    let deep = t('x');
    for (let i = 0; i < 5000; i++) deep = t('x', deep);
    expect(treeEditDistance(deep, t('x'), unit)).toBe(5000);
  });
});

describe('TEDS', () => {
  it('reproduces the PubTabNet demo value', () => {
    const p = parseTable(PRED), g = parseTable(TRUE);
    expect(teds(g, p)).toBeCloseTo(0.9781765018607124, 12);
    expect(teds(g, p, { structureOnly: true })).toBe(1);
  });
  it('hand-computed: one cell of two rows missing', () => {
    // truth: table > tbody > (tr > td a, td b), (tr > td c, td d): 7 elements; prediction lacks td d.
    const g = parseTable('<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>');
    const p = parseTable('<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>');
    // The parser pads the short row with an empty cell: the edit is a rename of "d" to "" (cost 1) over 7 nodes.
    expect(teds(g, p)).toBeCloseTo(1 - 1 / 7, 12);
    expect(teds(g, p, { structureOnly: true })).toBe(1);
    const q = parseTable('<table><tr><td colspan="2">a b</td></tr><tr><td>c</td><td>d</td></tr></table>');
    // td a → td "a b" with another colspan: rename 1; td b deleted: 1 → 2 / 7; structure only the same.
    expect(teds(g, q)).toBeCloseTo(1 - 2 / 7, 12);
    expect(teds(g, q, { structureOnly: true })).toBeCloseTo(1 - 2 / 7, 12);
  });
  it('tokenises inline tags and entities as PubTabNet does', () => {
    expect(cellTokens('<b>a&amp;</b>x<br>')).toEqual({ tokens: ['<b>', 'a', '&', '</b>', 'x', '<br>', '</br>'], elements: 2 });
  });
  it('scores empty and hostile tables without throwing', () => {
    const empty = parseTable('');
    const g = parseTable('<table><tr><td>a</td></tr></table>');
    expect(teds(empty, empty)).toBe(1);
    expect(teds(g, empty)).toBe(0);
    expect(teds(g, parseTable('<script>alert(1)</script><table><tr><td><img src=x onerror=1>a</td></tr></table>'))).toBe(1);
  });
  it('cell exact match over the larger table', () => {
    const g = parseTable('<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>');
    expect(cellExactMatch(g, parseTable('<table><tr><td>a</td><td>B</td></tr><tr><td>c</td><td>d</td></tr></table>'))).toBe(0.75);
    expect(cellExactMatch(g, parseTable('<table><tr><td>a</td><td>b</td><td>x</td></tr><tr><td>c</td><td>d</td></tr></table>'))).toBe(4 / 6);
  });
});
