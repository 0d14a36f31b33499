// Content identity of a document file: SHA-256 of its bytes, streamed so a large PDF is never held in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface FileIdentity {
  sha256: string;
  size: number;
  mtimeMs: number;
}

export async function fileIdentity(path: string, signal?: AbortSignal): Promise<FileIdentity> {
  const before = await stat(path);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return { sha256: hash.digest('hex'), size: before.size, mtimeMs: before.mtimeMs };
}
