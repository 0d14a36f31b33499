import { describe, expect, it } from 'vitest';
import type { ImageInfo } from './image-info';
import type { GreyFrame } from './pixels';
import { applyWindow, defaultWindow, voi } from './window';

const info = (over: Partial<ImageInfo> = {}): ImageInfo => ({
  rows: 1,
  columns: 5,
  samplesPerPixel: 1,
  photometric: 'MONOCHROME2',
  bitsAllocated: 16,
  bitsStored: 12,
  highBit: 11,
  signed: false,
  planarConfiguration: 0,
  frames: 1,
  rescaleSlope: 1,
  rescaleIntercept: 0,
  windows: [],
  voiFunction: 'LINEAR',
  ...over,
});

const frame = (values: number[], signed = false): GreyFrame => ({
  kind: 'grey',
  width: values.length,
  height: 1,
  stored: signed ? Int16Array.from(values) : Uint16Array.from(values),
});

const greys = (img: { data: Uint8Array }): number[] => Array.from(img.data.filter((_, i) => i % 3 === 0));

describe('VOI LUT functions (PS3.3 C.11.2.1.2)', () => {
  it('LINEAR follows the standard formula with its half-unit offsets', () => {
    // c = 40, w = 400: below c - 0.5 - (w-1)/2 = -160 black, above c - 0.5 + (w-1)/2 = 239 white.
    expect(voi(-160, 40, 400)).toBe(0);
    expect(voi(-159, 40, 400)).toBeCloseTo(((-159 - 39.5) / 399 + 0.5) * 255, 10);
    expect(voi(39.5, 40, 400)).toBeCloseTo(127.5, 10);
    expect(voi(239, 40, 400)).toBeCloseTo(255, 10);
    expect(voi(240, 40, 400)).toBe(255);
  });
  it('a LINEAR window of width 1 is a threshold at the centre', () => {
    expect(voi(99, 100, 1)).toBe(0);
    expect(voi(100, 100, 1)).toBe(255);
  });
  it('LINEAR_EXACT maps c - w/2 … c + w/2 onto 0 … 255', () => {
    expect(voi(0, 100, 200, 'LINEAR_EXACT')).toBe(0);
    expect(voi(100, 100, 200, 'LINEAR_EXACT')).toBeCloseTo(127.5, 10);
    expect(voi(200, 100, 200, 'LINEAR_EXACT')).toBeCloseTo(255, 10);
  });
  it('SIGMOID is centred on c with slope set by w', () => {
    expect(voi(100, 100, 50, 'SIGMOID')).toBeCloseTo(127.5, 10);
    expect(voi(150, 100, 50, 'SIGMOID')).toBeCloseTo(255 / (1 + Math.exp(-4)), 10);
  });
});

describe('applyWindow', () => {
  it('applies Rescale Slope/Intercept before the window (CT in Hounsfield units)', () => {
    // Stored 0…2048 with intercept -1024 are -1024…1024 HU; a soft-tissue window c=40 w=400.
    const img = applyWindow(frame([0, 824, 1064, 1264, 2048]), info({ rescaleIntercept: -1024 }), { center: 40, width: 400 });
    expect(greys(img)).toEqual([0, 0, Math.round(voi(40, 40, 400)), 255, 255]);
  });
  it('handles signed stored values and a slope', () => {
    const img = applyWindow(frame([-100, 0, 100], true), info({ signed: true, rescaleSlope: 2 }), { center: 0, width: 401 });
    expect(greys(img)).toEqual([Math.round(voi(-200, 0, 401)), Math.round(voi(0, 0, 401)), Math.round(voi(200, 0, 401))]);
  });
  it('shows MONOCHROME1 inverted, and invert flips it back', () => {
    const f = frame([0, 4095]);
    const w = { center: 2048, width: 4096 };
    expect(greys(applyWindow(f, info(), w))).toEqual([0, 255]);
    expect(greys(applyWindow(f, info({ photometric: 'MONOCHROME1' }), w))).toEqual([255, 0]);
    expect(greys(applyWindow(f, info({ photometric: 'MONOCHROME1' }), { ...w, invert: true }))).toEqual([0, 255]);
  });
  it('replicates grey into RGB', () => {
    const img = applyWindow(frame([0, 2048, 4095]), info(), { center: 2048, width: 4096 });
    expect(img.channels).toBe(3);
    expect(Array.from(img.data.slice(3, 6))).toEqual([img.data[3], img.data[3], img.data[3]]);
  });
});

describe('defaultWindow', () => {
  it('prefers the header window', () => {
    expect(defaultWindow(info({ windows: [{ center: 40, width: 400, label: 'SOFT' }] }), frame([0, 1]))).toEqual({ center: 40, width: 400 });
  });
  it('otherwise spans the frame: min → black, max → white', () => {
    const f = frame([100, 300, 1100]);
    const w = defaultWindow(info({ rescaleIntercept: -50 }), f);
    expect(greys(applyWindow(f, info({ rescaleIntercept: -50 }), w))).toEqual([0, Math.round(voi(250, w.center, w.width)), 255]);
  });
});
