import { describe, expect, it } from 'vitest';
import { assignSplits, parseSplit, SPLITS } from './split';

// 120 documents: most hold a few detect examples, a third also hold a table, a few hold one rare task.
const items = Array.from({ length: 120 }, (_, d) => {
  const doc = `doc-${d}`;
  const out = Array.from({ length: 1 + (d % 4) }, () => ({ document: doc, task: 'detect' }));
  if (d % 3 === 0) out.push({ document: doc, task: 'table' });
  if (d % 12 === 5) out.push({ document: doc, task: 'molecule' });
  return out;
}).flat();

describe('assignSplits', () => {
  const ratios = parseSplit('80/10/10');
  const splits = assignSplits(items, ratios, 1);

  it('gives every document one split, and each task lands near the asked proportions', () => {
    expect(splits.size).toBe(120);
    for (const task of ['detect', 'table', 'molecule']) {
      const of = items.filter((i) => i.task === task);
      for (const s of SPLITS) {
        const share = of.filter((i) => splits.get(i.document) === s).length / of.length;
        // within a couple of documents' worth of the target
        expect(Math.abs(share - ratios[s]), `${task} ${s}: ${share}`).toBeLessThanOrEqual(task === 'molecule' ? 0.1 : 0.03);
      }
    }
  });

  it('is reproducible from the seed, differs with another seed, and keeps a document\'s place when others are added', () => {
    expect(assignSplits(items, ratios, 1)).toEqual(splits);
    expect([...assignSplits(items, ratios, 2)]).not.toEqual([...splits]);
    const fewer = assignSplits(items.filter((i) => i.document !== 'doc-7'), ratios, 1);
    expect(fewer.has('doc-7')).toBe(false);
  });

  it('a split asked at 0 % gets nothing', () => {
    const s = assignSplits(items, parseSplit('90/0/10'), 1);
    expect([...s.values()].includes('validation')).toBe(false);
  });
});

describe('parseSplit', () => {
  it('reads three percentages and refuses anything else, naming the input', () => {
    expect(parseSplit('70/20/10')).toEqual({ train: 0.7, validation: 0.2, test: 0.1 });
    expect(() => parseSplit('80/20')).toThrow(/--split 80\/20: expected three whole percentages/);
    expect(() => parseSplit('80/15/10')).toThrow(/add up to 105, not 100/);
    expect(() => parseSplit('0/50/50')).toThrow(/train split cannot be empty/);
    expect(() => parseSplit('a/b/c')).toThrow(/expected three/);
  });
});

describe('assignSplits with documents that share no task', () => {
  it('still fills every split asked for, by its share of all examples', () => {
    const s = assignSplits([...['a', 'b', 'c'].map((t) => ({ document: 'one', task: t })), ...['d', 'e', 'f'].map((t) => ({ document: 'two', task: t }))], parseSplit('50/0/50'), 4);
    expect(new Set(s.values())).toEqual(new Set(['train', 'test']));
  });
});
