// The models catalog without running anything: which folders count as models, and what a folder
// that is not one (or not yet one) says about itself.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelCatalog, defaultModelFolders } from './models';

const root = mkdtempSync(join(tmpdir(), 'paliscope-models-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ModelCatalog', () => {
  it('looks in <userData>/models and PALISCOPE_MODELS_DIR, once each', () => {
    expect(defaultModelFolders('/u', {})).toEqual(['/u/models']);
    expect(defaultModelFolders('/u', { PALISCOPE_MODELS_DIR: '/lab/models' })).toEqual(['/u/models', '/lab/models']);
    expect(defaultModelFolders('/u', { PALISCOPE_MODELS_DIR: '/u/models/' })).toEqual(['/u/models']);
  });

  it('lists nothing, without failing, when the folders do not exist yet', () => {
    const folders = [join(root, 'absent'), join(root, 'also-absent')];
    expect(new ModelCatalog(folders).list()).toEqual({ folders, models: [], downloadFolder: folders[0], freeBytes: null });
  });

  it('lists subfolders only (not files, not hidden folders) and says why one is not a model', () => {
    const dir = join(root, 'models');
    mkdirSync(join(dir, 'notes'), { recursive: true });
    mkdirSync(join(dir, '.trash'), { recursive: true });
    writeFileSync(join(dir, 'readme.txt'), 'not a model');
    mkdirSync(join(dir, 'bad-manifest'), { recursive: true });
    writeFileSync(join(dir, 'bad-manifest', 'paliscope.json'), '{ not json');
    const { models } = new ModelCatalog([dir]).list();
    expect(models.map((m) => m.name)).toEqual(['bad-manifest', 'notes']);
    expect(models[0]).toMatchObject({ layout: null, resolution: null, location: join(dir, 'bad-manifest') });
    expect(models[0]!.problem).toMatch(/paliscope\.json: not valid JSON/);
    expect(models[1]!.problem).toMatch(/neither paliscope\.json .* nor an onnx\/ folder/);
    expect(models[0]!.id).toMatch(/^[0-9a-f]{16}$/);
    expect(models[0]!.id).not.toBe(models[1]!.id);
  });

  it('refuses to hand out a folder with a problem, naming it and the problem', () => {
    const dir = join(root, 'models');
    const catalog = new ModelCatalog([dir]);
    const notes = catalog.list().models.find((m) => m.name === 'notes')!;
    expect(() => catalog.get(notes.id)).toThrow(/model “notes”.*cannot be used: .*neither paliscope\.json/);
    expect(() => catalog.get('0000000000000000')).toThrow(/no model with id 0000000000000000/);
  });
});
