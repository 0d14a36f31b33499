import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress';

const sink = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 60, write: (s: string) => out.push(s) } };
};

describe('ProgressBar', () => {
  it('redraws in place on a terminal and clears itself', () => {
    const { out, stream } = sink(true);
    const bar = new ProgressBar(stream, 4);
    bar.update(1.5, 'a.pdf p2 recognize');
    expect(out[0]).toMatch(/^\r\[#########-+\] 1\/4 pages a\.pdf p2 recognize$/);
    bar.pageDone(4, 'a.pdf p4');
    expect(out[1]).toContain('[########################] 4/4');
    bar.clear();
    expect(out[2]).toMatch(/^\r +\r$/);
  });

  it('prints one plain line per finished page otherwise', () => {
    const { out, stream } = sink(false);
    const bar = new ProgressBar(stream, 2);
    bar.update(0.5, 'x');
    bar.pageDone(1, 'x.png');
    expect(out).toEqual(['ocr: 1/2 pages (x.png)\n']);
  });
});
