import { describe, expect, it } from 'vitest';
import { validateKern, kernTokenProblem } from './validate';
import { BAD_TOKENS_KERN, GARBAGE_KERN, MISMATCHED_KERN, PIANO_KERN, TRUNCATED_KERN } from './fixtures';

describe('validateKern', () => {
  it('accepts the golden piano score, following the *^ split and *v join', () => {
    const r = validateKern(PIANO_KERN);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.openSpines).toBe(0);
    expect(r.renderable).toBe(PIANO_KERN);
    const split = r.records.find((rec) => rec.line === 14); // 2.D | 4dd] | 4f#
    expect(split?.fields.map((f) => [f.track, f.sub])).toEqual([[1, 0], [2, 0], [2, 1]]);
    const joined = r.records.find((rec) => rec.line === 20); // after *v *v
    expect(joined?.fields).toHaveLength(2);
  });

  it('reports a line with more fields than spines with its position, and keeps the part before it', () => {
    const r = validateKern(MISMATCHED_KERN);
    expect(r.valid).toBe(false);
    expect(r.error).toEqual({ line: 7, column: null, message: 'line 7: 3 fields but 2 spines' });
    expect(r.renderable.split('\n').slice(-3)).toEqual(['4D\t4f', '*-\t*-', '']);
    expect(r.renderableLines).toBe(6);
  });

  it('reports too few fields too', () => {
    const r = validateKern('**kern\t**kern\n4C\t4e\n4D\n*-\t*-\n');
    expect(r.error?.message).toBe('line 3: 1 field but 2 spines');
  });

  it('counts spines through *^, *v, *x, *+ and *-', () => {
    const ok = validateKern(
      ['**kern\t**kern', '*^\t*', '4C\t4E\t4e', '*x\t*x\t*', '4C\t4E\t4e', '*v\t*v\t*', '4C\t4e', '*\t*-', '4C', '*-'].join('\n'),
    );
    expect(ok.errors).toEqual([]);
    expect(ok.valid).toBe(true);
    const loneJoin = validateKern('**kern\t**kern\n*v\t*\n4C\t4e\n*-\t*-');
    expect(loneJoin.error).toMatchObject({ line: 2, column: 1 });
    expect(loneJoin.error?.message).toContain('lone *v');
    const afterEnd = validateKern('**kern\n4C\n*-\n4D');
    expect(afterEnd.error?.message).toBe('line 4: text after every spine was terminated with *-');
  });

  it('treats a missing *- terminator as a cut-off output: valid, with a warning, and a terminator added for rendering', () => {
    const r = validateKern(TRUNCATED_KERN);
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => w.message)).toEqual(['line 9: the score ends without *- on its 2 spines (output cut off?)']);
    expect(r.renderable.endsWith('.\t16ddJJ\n*-\t*-\n')).toBe(true);
  });

  it('rejects text that is not Humdrum at line 1, spine 1', () => {
    const r = validateKern(GARBAGE_KERN);
    expect(r.valid).toBe(false);
    expect(r.error).toMatchObject({ line: 1, column: 1 });
    expect(r.error?.message).toContain('expected the exclusive interpretation header');
    expect(r.renderable).toBe('');
    expect(validateKern('').error?.message).toBe('line 1: empty output (no **kern header)');
  });

  it('names bad tokens by line and spine and renders only what precedes the first', () => {
    const r = validateKern(BAD_TOKENS_KERN);
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([[3, 2], [4, 2]]);
    expect(r.errors[0]?.message).toBe('line 3, spine 2: "e": no duration (such as 4, 8., 16)');
    expect(r.errors[1]?.message).toContain('"4xyz": no pitch');
    expect(r.renderable).toBe('**kern\t**kern\n*clefF4\t*clefG2\n*-\t*-\n');
  });

  it('flags mixed line kinds and empty fields', () => {
    expect(validateKern('**kern\t**kern\n*clefF4\t4e\n*-\t*-').error).toMatchObject({ line: 2, column: 2 });
    expect(validateKern('**kern\t**kern\n4C\t\n*-\t*-').error?.message).toContain('empty field');
    expect(validateKern('**kern\t**kern\n4C\t*clefG2\n*-\t*-').error).toMatchObject({ line: 2, column: 2 });
  });
});

describe('kernTokenProblem', () => {
  it.each(['4c', '8.G#', '16ddLL', '[4dd', '4dd]', '2.D 2F# 2A', '4r', '3%2c', '0C', 'qc', '8cc-J', '.', '4c;', "8e'"])('accepts %s', (t) => {
    expect(kernTokenProblem(t)).toBeNull();
  });
  it.each([
    ['c', 'no duration'],
    ['4', 'no pitch'],
    ['4cd', 'more than one pitch'],
    ['4c  4e', 'empty chord note'],
  ])('rejects %s (%s)', (t, why) => {
    expect(kernTokenProblem(t)).toContain(why);
  });
});

describe('validateKern on outputs cut off mid-line', () => {
  it('leaves out an incomplete last line (fewer fields, or a half-written token) with a warning', () => {
    const fewer = validateKern(`${TRUNCATED_KERN}\n8G`);
    expect(fewer.valid).toBe(true);
    expect(fewer.warnings.map((w) => w.message)).toEqual([
      'line 10: incomplete last line left out (output cut off?)',
      'line 9: the score ends without *- on its 2 spines (output cut off?)',
    ]);
    expect(fewer.renderable.endsWith('.\t16ddJJ\n*-\t*-\n')).toBe(true);
    const halfToken = validateKern(`${TRUNCATED_KERN}\n8G\t16`);
    expect(halfToken.valid).toBe(true);
    expect(halfToken.warnings[0]?.message).toBe('line 10: incomplete last line left out (output cut off?)');
  });

  it('still reports a bad last line that is not a cut (too many fields, or a terminated score)', () => {
    expect(validateKern(`${TRUNCATED_KERN}\n8G\t16c\t4e`).error?.message).toBe('line 10: 3 fields but 2 spines');
    expect(validateKern('**kern\t**kern\n4C\t4e\n*-\t*-\n4D').valid).toBe(false);
    expect(validateKern(MISMATCHED_KERN).valid).toBe(false);
  });
});
