// Every theme's token pairs meet WCAG 2.2 AA: 4.5:1 for text (1.4.3), 3:1 for lines and marks people must see —
// input borders, the focus ring, confidence strokes over a page (1.4.11). High-contrast themes meet 7:1 for text (AAA).
import { describe, expect, it } from 'vitest';
import { PALETTES, THEME_CHOICES, TOKEN_NAMES, applyTheme, contrastRatio, parseColour, themeStylesheet, type Palette, type ThemeName, type Token } from './themes';

/** [foreground, background, layered over] — the last for translucent backgrounds. */
type Pair = [Token, Token, Token?];
const surfaces: Token[] = ['chrome', 'chrome-deep', 'panel', 'canvas', 'input-bg'];

const TEXT: Pair[] = [
  ...surfaces.flatMap((s): Pair[] => [['fg', s], ['muted', s]]),
  ['fg', 'accent-soft', 'panel'], ['muted', 'accent-soft', 'panel'], ['fg', 'hit-soft', 'panel'], ['fg', 'hover-strong', 'chrome'],
  ['accent', 'panel'], ['accent', 'chrome'], ['accent', 'accent-soft', 'chrome'], ['accent-fg', 'accent'],
  ['ok', 'panel'], ['warn', 'panel'], ['bad', 'panel'], ['ok', 'chrome'], ['warn', 'chrome'], ['bad', 'chrome'],
  ['bad', 'bad-soft', 'panel'], ['fg', 'bad-soft', 'panel'], ['tooltip-fg', 'tooltip-bg'],
];
const MARKS: Pair[] = [
  ['border-strong', 'panel'], ['border-strong', 'input-bg'], ['border-strong', 'chrome'],
  ['focus', 'chrome'], ['focus', 'panel'], ['focus', 'canvas'], ['focus', 'accent-soft', 'panel'],
];
/** Marks drawn over the page image, which is paper: light whatever the theme. */
const ON_PAPER: Token[] = ['page-ok', 'page-warn', 'page-bad', 'page-accent'];
const PAPER = '#ffffff';

function ratio(p: Palette, [fg, bg, under]: Pair): number {
  return contrastRatio(p[fg], p[bg], under ? p[under] : '#ffffff');
}

describe('contrast arithmetic', () => {
  it('matches the WCAG reference values', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    // #767676 on white is the classic 4.54:1 grey.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    // Half-transparent black over white is the mid grey #808080 (3.95:1 against white).
    expect(contrastRatio('rgb(0 0 0 / 0.5)', '#ffffff')).toBeCloseTo(contrastRatio('#808080', '#ffffff'), 1);
  });
  it('refuses a colour it cannot read, naming it', () => {
    expect(() => parseColour('red')).toThrow(/colour "red"/);
    expect(() => parseColour('#fff')).toThrow(/expected #rrggbb/);
  });
});

describe.each(Object.keys(PALETTES) as ThemeName[])('the %s theme', (theme) => {
  const p = PALETTES[theme];
  const textMin = theme.startsWith('contrast') ? 7 : 4.5;
  it('declares every token with a colour the arithmetic reads', () => {
    for (const t of TOKEN_NAMES) expect(() => parseColour(p[t]), t).not.toThrow();
  });
  it.each(TEXT.map((pair) => [pair.join(' on '), pair] as const))(`text %s reaches ${textMin}:1`, (_, pair) => {
    expect(ratio(p, pair)).toBeGreaterThanOrEqual(textMin);
  });
  it.each(MARKS.map((pair) => [pair.join(' on '), pair] as const))('mark %s reaches 3:1', (_, pair) => {
    expect(ratio(p, pair)).toBeGreaterThanOrEqual(3);
  });
  it.each(ON_PAPER)('%s over a white page reaches 3:1', (token) => {
    expect(contrastRatio(p[token], PAPER)).toBeGreaterThanOrEqual(3);
  });
});

describe('the stylesheet', () => {
  const css = themeStylesheet();
  it('follows the system: dark, more contrast, and both', () => {
    expect(css).toMatch(/@media \(prefers-color-scheme: dark\) \{\n:root:not\(\[data-theme\]\)/);
    expect(css).toMatch(/@media \(prefers-contrast: more\) \{\n:root:not\(\[data-theme\]\)/);
    expect(css).toMatch(/@media \(prefers-contrast: more\) and \(prefers-color-scheme: dark\)/);
  });
  it('has a block for every theme a person can pick, each with every token', () => {
    for (const choice of THEME_CHOICES.filter((c) => c !== 'system')) {
      const body = new RegExp(`:root\\[data-theme='${choice}'\\] \\{([^}]*)\\}`).exec(css)?.[1] ?? '';
      for (const t of TOKEN_NAMES) expect(body, `${choice} --${t}`).toContain(`--${t}: ${PALETTES[choice][t]};`);
    }
  });
  it('applies a choice on <html> and gives it back to the system', () => {
    const el = { attrs: new Map<string, string>(), setAttribute(k: string, v: string) { this.attrs.set(k, v); }, removeAttribute(k: string) { this.attrs.delete(k); } };
    applyTheme('contrast-dark', el as unknown as HTMLElement);
    expect(el.attrs.get('data-theme')).toBe('contrast-dark');
    applyTheme('system', el as unknown as HTMLElement);
    expect(el.attrs.has('data-theme')).toBe(false);
  });
});
