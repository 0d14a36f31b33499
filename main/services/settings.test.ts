import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type AppSettings } from '../../preload/contract/settings';
import type { MachineInfo } from '../../models/runtime/machine';
import { SettingsService } from './settings';

const LINUX: MachineInfo = { platform: 'linux', arch: 'x64', logicalCores: 4, physicalCores: 2, totalMemoryBytes: 8e9, cudaInstalled: false };

let dir: string;
let file: string;
let changes: AppSettings[];
const make = (): SettingsService =>
  new SettingsService({ file, userDataDir: dir, modelsFolders: () => [join(dir, 'models')], storePath: () => join(dir, 'store.sqlite'), machine: LINUX, onChange: (s) => changes.push(s) });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paliscope-settings-'));
  file = join(dir, 'settings.json');
  changes = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SettingsService', () => {
  it('starts from the defaults and says where things live', () => {
    const view = make().view();
    expect(view.settings).toEqual(DEFAULT_SETTINGS);
    expect(view.problem).toBeNull();
    expect(view.locations).toEqual({ settingsFile: file, userData: dir, modelsFolders: [join(dir, 'models')], store: join(dir, 'store.sqlite') });
    expect(view.machine).toEqual({ platform: 'linux', arch: 'x64', physicalCores: 2, logicalCores: 4 });
  });

  it('lists every provider with why this machine does not offer it', () => {
    const providers = Object.fromEntries(make().view().providers.map((p) => [p.name, p]));
    expect(providers.cpu).toEqual({ name: 'cpu', available: true, reason: null });
    expect(providers.cuda?.available).toBe(false);
    expect(providers.cuda?.reason).toMatch(/CUDA provider binaries/);
    expect(providers.dml?.reason).toMatch(/DirectML needs Windows \(this is linux\)/);
    expect(providers.coreml?.reason).toMatch(/CoreML needs macOS/);
  });

  it('keeps a change on disk, for the next start, and tells the app', () => {
    make().set({ threads: 3, pdfDpi: 200, theme: 'contrast-dark' });
    expect(changes.map((c) => c.pdfDpi)).toEqual([200]);
    const again = make();
    expect(again.current).toEqual({ ...DEFAULT_SETTINGS, threads: 3, pdfDpi: 200, theme: 'contrast-dark' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ threads: 3, pdfDpi: 200 });
  });

  it('turns single-key shortcuts off and keeps that; a file from before the setting reads as on', () => {
    writeFileSync(file, JSON.stringify({ theme: 'dark' }));
    expect(make().current).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark', singleKeyShortcuts: true });
    make().set({ singleKeyShortcuts: false });
    expect(make().current.singleKeyShortcuts).toBe(false);
    expect(() => make().set({ singleKeyShortcuts: 'no' } as unknown as AppSettings)).toThrow(/setting singleKeyShortcuts: /);
  });

  it('refuses what does not fit, naming the setting, and keeps the old value', () => {
    const s = make();
    expect(() => s.set({ threads: 0 })).toThrow(/setting threads: /);
    expect(() => s.set({ pdfDpi: 5000 })).toThrow(/setting pdfDpi: /);
    expect(() => s.set({ theme: 'neon' })).toThrow(/setting theme: /);
    expect(() => s.set({ colour: 'red' })).toThrow(/setting /);
    expect(() => s.set({ provider: 'dml' })).toThrow(/execution provider dml is not available here: DirectML needs Windows/);
    expect(s.current).toEqual(DEFAULT_SETTINGS);
    expect(existsSync(file)).toBe(false);
  });

  it('sets a damaged file aside, uses the defaults and says why', () => {
    writeFileSync(file, '{"threads": "many"');
    const s = make();
    expect(s.current).toEqual(DEFAULT_SETTINGS);
    expect(s.view().problem).toMatch(/could not be read .*kept as settings\.json\.bad/);
    expect(readFileSync(`${file}.bad`, 'utf8')).toBe('{"threads": "many"');
    writeFileSync(file, JSON.stringify({ threads: -2 }));
    expect(make().view().problem).toMatch(/threads/);
  });

  it('gives the engine only what the person set', () => {
    const s = make();
    expect(s.engineRunPrefs()).toEqual({ imageCacheBytes: 256 * 1024 * 1024 });
    s.set({ provider: 'cpu', threads: 1, dtype: 'q4', visionCacheMb: 0 });
    expect(s.engineRunPrefs()).toEqual({ providers: ['cpu'], threads: 1, dtype: 'q4', imageCacheBytes: 0 });
  });
});
