// The colour themes, declared once: every colour token per theme, the stylesheet made from them (the system's
// setting picks the theme unless the person chose one in Settings), and the WCAG contrast arithmetic the unit test
// checks them with. The tokens live here rather than in app.css so the test measures the very values the window uses.

import { THEME_CHOICES, type ThemeChoice } from '../../../preload/contract/settings';

export { THEME_CHOICES, type ThemeChoice };
export type ThemeName = Exclude<ThemeChoice, 'system'>;

export const THEME_LABELS: Record<ThemeChoice, string> = {
  system: 'Follow the system (light, dark, more contrast)',
  light: 'Light',
  dark: 'Dark',
  'contrast-light': 'High contrast, light',
  'contrast-dark': 'High contrast, dark',
};

export const TOKEN_NAMES = [
  'fg', 'muted', 'chrome', 'chrome-deep', 'panel', 'canvas', 'border', 'border-strong', 'hover', 'hover-strong',
  'placeholder', 'accent', 'accent-soft', 'accent-fg', 'ok', 'warn', 'bad', 'bad-soft', 'hit', 'hit-stroke', 'hit-soft',
  'tooltip-bg', 'tooltip-fg', 'input-bg', 'focus',
  // Marks drawn over the page image, which stays paper-light in every theme: they keep their contrast against it.
  'page-ok', 'page-warn', 'page-bad', 'page-accent',
] as const;
export type Token = (typeof TOKEN_NAMES)[number];
export type Palette = Record<Token, string>;

export const PALETTES: Record<ThemeName, Palette> = {
  light: {
    fg: '#1d2329', muted: '#4d5763', chrome: '#f4f5f7', 'chrome-deep': '#e8eaed', panel: '#ffffff', canvas: '#dfe2e6',
    border: '#d3d7dc', 'border-strong': '#858d96', hover: 'rgb(0 0 0 / 0.05)', 'hover-strong': 'rgb(0 0 0 / 0.1)',
    placeholder: '#e3e6ea', accent: '#1f5bbd', 'accent-soft': 'rgb(31 91 189 / 0.12)', 'accent-fg': '#ffffff',
    ok: '#1a7535', warn: '#8a5a00', bad: '#b8282a', 'bad-soft': 'rgb(204 47 47 / 0.14)', hit: '#ffd400',
    'hit-stroke': '#8f7100', 'hit-soft': 'rgb(255 212 0 / 0.22)', 'tooltip-bg': '#1d2329', 'tooltip-fg': '#f4f5f7',
    'input-bg': '#ffffff', focus: '#1f5bbd', 'page-ok': '#1a7535', 'page-warn': '#8a5a00', 'page-bad': '#b8282a', 'page-accent': '#1f5bbd',
  },
  dark: {
    fg: '#dde1e6', muted: '#a3adb8', chrome: '#23272d', 'chrome-deep': '#1b1e22', panel: '#1f2328', canvas: '#121417',
    border: '#353b43', 'border-strong': '#6c7682', hover: 'rgb(255 255 255 / 0.06)', 'hover-strong': 'rgb(255 255 255 / 0.12)',
    placeholder: '#2c3138', accent: '#78b0fa', 'accent-soft': 'rgb(91 156 245 / 0.18)', 'accent-fg': '#0b1a2e',
    ok: '#4cc773', warn: '#e3a72f', bad: '#f47b75', 'bad-soft': 'rgb(240 98 92 / 0.2)', hit: '#ffd400',
    'hit-stroke': '#ffe566', 'hit-soft': 'rgb(255 212 0 / 0.16)', 'tooltip-bg': '#f0f2f4', 'tooltip-fg': '#1d2329',
    'input-bg': '#16191c', focus: '#8cbcff', 'page-ok': '#1a7535', 'page-warn': '#8a5a00', 'page-bad': '#b8282a', 'page-accent': '#1f5bbd',
  },
  // High contrast: text and lines at the extremes, no soft greys for meaning, a focus ring that cannot be missed.
  'contrast-light': {
    fg: '#000000', muted: '#1f1f1f', chrome: '#ffffff', 'chrome-deep': '#f0f0f0', panel: '#ffffff', canvas: '#e6e6e6',
    border: '#000000', 'border-strong': '#000000', hover: 'rgb(0 0 0 / 0.1)', 'hover-strong': 'rgb(0 0 0 / 0.18)',
    placeholder: '#d9d9d9', accent: '#0033a0', 'accent-soft': 'rgb(0 51 160 / 0.14)', 'accent-fg': '#ffffff',
    ok: '#005a1e', warn: '#6b4200', bad: '#a00000', 'bad-soft': 'rgb(160 0 0 / 0.07)', hit: '#ffd400',
    'hit-stroke': '#000000', 'hit-soft': 'rgb(255 212 0 / 0.4)', 'tooltip-bg': '#000000', 'tooltip-fg': '#ffffff',
    'input-bg': '#ffffff', focus: '#c00060', 'page-ok': '#005a1e', 'page-warn': '#6b4200', 'page-bad': '#a00000', 'page-accent': '#0033a0',
  },
  'contrast-dark': {
    fg: '#ffffff', muted: '#e6e6e6', chrome: '#000000', 'chrome-deep': '#0d0d0d', panel: '#000000', canvas: '#1a1a1a',
    border: '#ffffff', 'border-strong': '#ffffff', hover: 'rgb(255 255 255 / 0.14)', 'hover-strong': 'rgb(255 255 255 / 0.24)',
    placeholder: '#333333', accent: '#7fd4ff', 'accent-soft': 'rgb(127 212 255 / 0.2)', 'accent-fg': '#000000',
    ok: '#5df08a', warn: '#ffd24d', bad: '#ff8a80', 'bad-soft': 'rgb(255 138 128 / 0.14)', hit: '#ffd400',
    'hit-stroke': '#ffff00', 'hit-soft': 'rgb(255 212 0 / 0.3)', 'tooltip-bg': '#ffffff', 'tooltip-fg': '#000000',
    'input-bg': '#000000', focus: '#ffff00', 'page-ok': '#005a1e', 'page-warn': '#6b4200', 'page-bad': '#a00000', 'page-accent': '#0033a0',
  },
};

const SCHEME: Record<ThemeName, 'light' | 'dark'> = { light: 'light', dark: 'dark', 'contrast-light': 'light', 'contrast-dark': 'dark' };

function block(selector: string, theme: ThemeName): string {
  const p = PALETTES[theme];
  return `${selector} {\n  color-scheme: ${SCHEME[theme]};\n${TOKEN_NAMES.map((t) => `  --${t}: ${p[t]};`).join('\n')}\n}`;
}

/**
 * The theme stylesheet. Without a choice (`data-theme` absent on <html>) the system decides: light, dark, and the
 * high-contrast pair when it asks for more contrast. A choice from Settings sets `data-theme` and wins.
 */
export function themeStylesheet(): string {
  const auto = ':root:not([data-theme])';
  return [
    block(':root', 'light'),
    `@media (prefers-color-scheme: dark) {\n${block(auto, 'dark')}\n}`,
    `@media (prefers-contrast: more) {\n${block(auto, 'contrast-light')}\n}`,
    `@media (prefers-contrast: more) and (prefers-color-scheme: dark) {\n${block(auto, 'contrast-dark')}\n}`,
    ...(['light', 'dark', 'contrast-light', 'contrast-dark'] as const).map((t) => block(`:root[data-theme='${t}']`, t)),
  ].join('\n');
}

/** Puts the theme stylesheet on the document (a constructed sheet: the Content-Security-Policy allows no inline <style>). */
export function installThemes(doc: Document = document): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(themeStylesheet());
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
}

/** Applies a choice: 'system' leaves it to the media queries, the others pin a theme. */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (choice === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', choice);
}

// WCAG 2.2 contrast, by hand: the formula is a few lines (relative luminance of sRGB, then (L1 + 0.05) / (L2 + 0.05)),
// and the tokens also need alpha colours composited over their background, which the small contrast packages skip.
export type Rgba = [number, number, number, number];

export function parseColour(css: string): Rgba {
  const hex = /^#([0-9a-f]{6})$/i.exec(css.trim());
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 1];
  }
  const rgb = /^rgb\(\s*(\d+)\s+(\d+)\s+(\d+)\s*(?:\/\s*([\d.]+)\s*)?\)$/.exec(css.trim());
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), rgb[4] === undefined ? 1 : Number(rgb[4])];
  throw new Error(`colour "${css}": expected #rrggbb or rgb(r g b / a)`);
}

/** `top` painted over the opaque `bottom`. */
export function composite(top: Rgba, bottom: Rgba): Rgba {
  const a = top[3];
  return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
}

function luminance([r, g, b]: Rgba): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** The contrast ratio of a foreground over a background (1–21); translucent colours are composited first. */
export function contrastRatio(fg: string, bg: string, under = '#ffffff'): number {
  const base = composite(parseColour(bg), parseColour(under));
  const top = composite(parseColour(fg), base);
  const [a, b] = [luminance(top), luminance(base)].sort((x, y) => y - x) as [number, number];
  return (a + 0.05) / (b + 0.05);
}
