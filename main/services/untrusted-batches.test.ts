// A shared project's batches are inert: when the project opens they wait for the person, and when resumed they read
// only documents the person gave this app or whose content the project recorded right. Through main's services with
// the real engine host and built-in OCR, so a guard that is removed lets the OCR read the file and the test fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchItem, BatchSummary, Push } from '../../preload/contract';
import type { Services } from '../compose';
import { composeTestServices } from '../testing/compose-for-tests';
import { Store } from '../../models/store/store';
import { makeFixtures, type FixtureName } from '../../e2e/fixtures/make-fixtures';
import type { Caller } from '../ipc/dispatcher';
import { projectWithQueuedBatch } from '../../models/testing/hostile/projects';
import { BatchSourceGuard, unreadablePathReason } from './untrusted-batches';

const root = mkdtempSync(join(tmpdir(), 'paliscope-untrusted-batches-'));
let fixtures: Record<FixtureName, string>;
let services: Services;
const events: BatchSummary[] = [];
const caller: Caller = { id: 'w', push: (p: Push) => void ('event' in p && p.event === 'batches.progress' && events.push(p.payload as BatchSummary)) };

async function call<T>(name: string, input: unknown): Promise<T> {
  const r = await services.dispatcher.call(name, input, caller);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

beforeAll(async () => {
  fixtures = await makeFixtures(join(import.meta.dirname, '../../.cache/fixtures'));
  services = composeTestServices(join(root, 'user-data'), { modelFolders: [join(root, 'models')] });
  services.dispatcher.attach(caller);
}, 120_000);
afterAll(async () => {
  await services.shutdown();
  rmSync(root, { recursive: true, force: true });
});

describe('a project with a batch over a file the person never opened', () => {
  it('waits for the person when opened, and once resumed refuses to read the file, naming it; nothing is kept', async () => {
    // "Someone's scanned passport" outside anything the person opened in the app; the project claims other content.
    const outside = join(root, 'elsewhere', 'passport.tiff');
    rmSync(join(root, 'elsewhere'), { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(join(root, 'elsewhere'), { recursive: true }));
    copyFileSync(fixtures['multipage.tiff'], outside);
    const { path, batchId } = projectWithQueuedBatch(join(root, 'shared.paliscope'), outside, { status: 'running' });

    await call('projects.openBytes', { name: 'shared.paliscope', bytes: new Uint8Array(readFileSync(path)) });
    // Nothing starts by itself.
    await new Promise((r) => setTimeout(r, 1500));
    const [held] = await call<BatchSummary[]>('batches.list', {});
    expect(held).toMatchObject({ id: batchId, status: 'paused', problem: expect.stringMatching(/found in this project when it was opened: it runs only when you resume it/) });
    expect(services.project.store!.db.prepare('SELECT COUNT(*) FROM runs').pluck().get()).toBe(0);

    // The person resumes it: the page is refused, not read.
    await call('batches.resume', { batchId });
    const deadline = Date.now() + 60_000;
    while (!events.some((e) => e.id === batchId && e.status === 'done') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const items = await call<BatchItem[]>('batches.items', { batchId });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: 'failed' });
    expect(items[0]!.error).toMatch(/passport\.tiff was not read: it was not opened in this app and its content is not what the project recorded/);
    expect(services.project.store!.db.prepare("SELECT COUNT(*) FROM runs WHERE status = 'done'").pluck().get()).toBe(0);
  }, 120_000);
});

describe('BatchSourceGuard', () => {
  const store = Store.open(':memory:');
  const kept = join(root, 'user-data', 'documents');
  const guard = new BatchSourceGuard({ openedPaths: async () => [join(root, 'opened.txt')], documentsDir: kept });

  it('refuses UNC, device and relative paths before touching them', async () => {
    for (const p of ['\\\\attacker.example\\share\\scan.pdf', '//attacker.example/share/scan.pdf', '\\\\.\\PhysicalDrive0', '\\\\?\\C:\\secret.pdf', 'C:\\Users\\x\\NUL', '/dev/zero', '/proc/self/environ', 'scan.pdf']) {
      expect(unreadablePathReason(p), p).not.toBeNull();
      await expect(guard.check(store, p), p).rejects.toThrow(/was not read: it (is|names)/);
    }
    expect(unreadablePathReason('/home/me/scan.pdf')).toBeNull();
    expect(unreadablePathReason('C:\\Users\\me\\scan.pdf')).toBeNull();
  });

  it('reads what the person opened or the app kept, and a file whose content the project recorded right', async () => {
    const opened = join(root, 'opened.txt');
    writeFileSync(opened, 'opened');
    await guard.check(store, opened);
    await guard.check(store, join(kept, 'abc', 'scan.pdf'));
    const other = join(root, 'other.txt');
    writeFileSync(other, 'other');
    await expect(guard.check(store, other)).rejects.toThrow(/other\.txt was not read: the project has no record of it/);
    store.registerDocument({ path: other, sha256: sha256(other), pageCount: 1, size: 5 });
    await guard.check(store, other);
    writeFileSync(other, 'changed');
    await expect(guard.check(store, other)).rejects.toThrow(/its content is not what the project recorded/);
  });
});
