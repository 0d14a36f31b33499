import { describe, it, expect } from 'vitest';
import { ProgressBar } from './progress-bar';

describe('ProgressBar', () => {
  it('writes one line per tenth where stderr is not a terminal', () => {
    const lines: string[] = [];
    const bar = new ProgressBar({ isTTY: false, write: (s) => lines.push(s) }, 'convert');
    for (let i = 0; i <= 1000; i++) bar.update(i, 1000, 'decoder');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('convert:   0 % (decoder)\n');
    expect(lines.at(-1)).toBe('convert: 100 % (decoder)\n');
  });

  it('redraws in place on a terminal and always draws completion', () => {
    let screen = '';
    const bar = new ProgressBar({ isTTY: true, columns: 80, write: (s) => (screen += s) }, 'convert');
    bar.update(0, 10);
    bar.update(10, 10);
    expect(screen).not.toContain('\n');
    expect(screen.split('\r').at(-1)).toContain('[########################] 100 %');
    bar.clear();
    expect(screen.endsWith('\r')).toBe(true);
  });
});
