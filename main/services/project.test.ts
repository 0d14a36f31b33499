import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectService, defaultStorePath } from './project';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'paliscope-project-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('ProjectService', () => {
  it('opens the app store in the user-data folder, creating the folder', () => {
    const userData = join(tempDir(), 'not-yet');
    const project = new ProjectService({ userDataDir: userData });
    expect(project.store?.path).toBe(defaultStorePath(userData));
    expect(project.unavailable).toBeNull();
    expect(project.store!.schemaVersion).toBeGreaterThanOrEqual(2);
    project.close();
    expect(project.store).toBeNull();
  });

  it('keeps working without a store when the file is not one, and says why', () => {
    const userData = tempDir();
    writeFileSync(defaultStorePath(userData), 'this is not sqlite '.repeat(200));
    const warnings: string[] = [];
    const project = new ProjectService({ userDataDir: userData, log: { warn: (m) => warnings.push(m) } });
    expect(project.store).toBeNull();
    expect(project.unavailable).toMatch(/paliscope\.sqlite/);
    expect(warnings[0]).toMatch(/project store unavailable/);
    expect(() => project.requireStore('A batch')).toThrow(/A batch needs the project store.*paliscope\.sqlite/);
  });

  it('refuses a native add-on that does not load, with a message naming it', () => {
    const project = new ProjectService({ userDataDir: tempDir(), nativeBinding: '/nonexistent/better_sqlite3.node' });
    expect(project.store).toBeNull();
    expect(project.unavailable).toMatch(/cannot open the store/);
  });
});
