import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forWorker, isShared, readFileShared, toShared } from './shared-bytes';

describe('shared bytes', () => {
  it('reads a file into shared memory, byte for byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'paliscope-shared-'));
    try {
      const content = Buffer.alloc(300_000);
      for (let i = 0; i < content.length; i++) content[i] = (i * 7) & 0xff;
      await writeFile(join(dir, 'f.bin'), content);
      const bytes = await readFileShared(join(dir, 'f.bin'));
      expect(isShared(bytes)).toBe(true);
      expect(Buffer.compare(Buffer.from(bytes), content)).toBe(0);
      await writeFile(join(dir, 'empty.bin'), '');
      expect((await readFileShared(join(dir, 'empty.bin'))).length).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('posts shared bytes as they are and copies private bytes for transfer', () => {
    const own = Uint8Array.from([1, 2, 3]);
    const posted = forWorker(own);
    expect(posted.bytes).not.toBe(own);
    expect([...posted.bytes]).toEqual([1, 2, 3]);
    expect(posted.transfer).toEqual([posted.bytes.buffer]);

    const shared = toShared(own);
    expect(isShared(shared)).toBe(true);
    expect([...shared]).toEqual([1, 2, 3]);
    expect(toShared(shared)).toBe(shared);
    expect(forWorker(shared)).toEqual({ bytes: shared, transfer: [] });
  });
});
