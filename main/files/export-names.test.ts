import { describe, expect, it } from 'vitest';
import { NAME_MAX, assertEntriesContained, safeFileName, safeName } from './export-names';

describe('safeName', () => {
  it('never yields a separator, a dot-dot, a hidden name, a device name or an overlong component', () => {
    for (const hostile of ['..', '.', '...', '../../../../evil', '..\\..\\evil', '/etc/passwd', 'C:\\Windows', ' .. ', 'a/../b', '.bashrc', 'nul', 'COM1.txt', 'x'.repeat(500), '\u0000\u001f', '']) {
      const n = safeName(hostile, 'fallback');
      expect(n, hostile).not.toMatch(/[/\\:\0]/);
      expect(n, hostile).not.toMatch(/^\./);
      expect(n, hostile).not.toMatch(/[.\s]$/);
      expect(n.length, hostile).toBeLessThanOrEqual(NAME_MAX);
      expect(n, hostile).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
      expect(n.length, hostile).toBeGreaterThan(0);
    }
    expect(safeName('annual report 2024', 'x')).toBe('annual report 2024');
    expect(safeName('..', 'result')).toBe('result');
  });
});

describe('assertEntriesContained', () => {
  it('refuses entries that would leave the folder, naming them', () => {
    for (const bad of ['../evil', 'a/../../evil', '/abs', 'C:/x', 'a\\..\\b', 'a//b', './a', '']) {
      expect(() => assertEntriesContained(['ok.txt', bad]), bad).toThrow(/leaves its folder/);
    }
    expect(() => assertEntriesContained(['a/b.txt', 'README.txt', 'x y/z..txt'])).not.toThrow();
  });
});

describe('safeFileName', () => {
  it('makes the stem safe by the same rule and ends with the extension', () => {
    expect(safeFileName('scan.TIF', 'tif')).toBe('scan.TIF');
    expect(safeFileName('multipage.tiff', 'tif')).toBe('multipage.tiff');
    expect(safeFileName('photo.jpeg', 'jpg')).toBe('photo.jpeg');
    expect(safeFileName('study', 'paliscope')).toBe('study.paliscope');
    expect(safeFileName('../../etc/passwd', 'png')).toBe('_.._etc_passwd.png');
    expect(safeFileName('a\\b:c*?.pdf', 'pdf')).toBe('a_b_c_.pdf');
    expect(safeFileName('..', 'pdf')).toBe('document.pdf');
    expect(safeFileName('nul.pdf', 'pdf')).toBe('_nul.pdf');
    expect(safeFileName(`${'x'.repeat(300)}.png`, 'png')).toBe(`${'x'.repeat(NAME_MAX)}.png`);
  });
});
