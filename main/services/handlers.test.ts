// The desktop path that the headless E2E run cannot reach: the native open dialog (faked here as
// the list of paths a person picked), the recent list, and retrying a locked PDF from it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { composeForTests } from '../testing/compose-for-tests';
import { makeFixtures, ENCRYPTED_PDF_PASSWORD } from '../../e2e/fixtures/make-fixtures';
import type { Caller } from '../ipc/dispatcher';
import type { OpenResult, RecentFile, DocumentSummary } from '../../preload/contract';

let fixtures: Awaited<ReturnType<typeof makeFixtures>>;
let picked: string[] = [];
let services: ReturnType<typeof composeForTests>;
const caller: Caller = { id: 'window-1', push: () => undefined };

beforeAll(async () => {
  fixtures = await makeFixtures(join(import.meta.dirname, '../../.cache/fixtures'));
  services = composeForTests({ host: 'electron', showOpenDialog: async () => picked });
});
afterAll(() => services.dispose());

async function call<T>(name: string, input: unknown): Promise<T> {
  const r = await services.dispatcher.call(name, input, caller);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

describe('opening through the dialog and the recent list', () => {
  it('opens what opens, names each file that did not, and offers a retry for the locked one', async () => {
    picked = [fixtures['page.png'], fixtures['corrupt.png'], fixtures['encrypted.pdf']];
    const result = await call<OpenResult>('documents.openDialog', {});
    expect(result.opened.map((d) => d.name)).toEqual(['page.png']);
    expect(result.failed.map((f) => [f.name, f.code])).toEqual([
      ['corrupt.png', 'CORRUPT_FILE'],
      ['encrypted.pdf', 'PASSWORD_REQUIRED'],
    ]);
    expect(result.failed[0]!.message).toContain('corrupt.png');
    expect(result.failed[0]!.recentId).toBeUndefined();
    const locked = result.failed[1]!;
    expect(locked.recentId).toMatch(/^[0-9a-f]{16}$/);

    const recent = await call<RecentFile[]>('documents.recent', {});
    expect(recent.map((r) => r.name)).toEqual(['encrypted.pdf', 'page.png']);
    await expect(call('documents.openRecent', { recentId: locked.recentId, password: 'wrong' })).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    const opened = await call<DocumentSummary>('documents.openRecent', { recentId: locked.recentId, password: ENCRYPTED_PDF_PASSWORD });
    expect(opened).toMatchObject({ name: 'encrypted.pdf', format: 'pdf' });
    expect((await call<DocumentSummary[]>('documents.list', {})).map((d) => d.name)).toEqual(['page.png', 'encrypted.pdf']);
  });

  it('a cancelled dialog opens nothing', async () => {
    picked = [];
    expect(await call<OpenResult>('documents.openDialog', {})).toEqual({ opened: [], failed: [] });
  });

  it('an id not in the recent list is refused, not guessed at', async () => {
    await expect(call('documents.openRecent', { recentId: 'ffffffffffffffff' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
