/**
 * File bytes in SharedArrayBuffer memory. The worker reads the same memory
 * instead of receiving a copy, which matters for scan-sized files: copying
 * 70 MB on the calling thread costs tens of milliseconds every time.
 */
import { open } from 'node:fs/promises';

export function isShared(bytes: Uint8Array): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && bytes.buffer instanceof SharedArrayBuffer;
}

/** Read a whole file straight into shared memory (the read itself runs on the
 *  libuv pool, so the calling thread never touches the bytes). */
export async function readFileShared(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const out = new Uint8Array(new SharedArrayBuffer(size));
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await fh.read(out, offset, size - offset, offset);
      if (bytesRead === 0) break; // file shrank while being read
      offset += bytesRead;
    }
    return offset === size ? out : out.slice(0, offset);
  } finally {
    await fh.close();
  }
}

/** Shared view of `bytes`, copying once if they are not shared already. */
export function toShared(bytes: Uint8Array): Uint8Array {
  if (isShared(bytes)) return bytes;
  const out = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  out.set(bytes);
  return out;
}

/** What to post to the worker: shared bytes as they are, anything else as a
 *  transferred copy (the caller keeps its own bytes). */
export function forWorker(bytes: Uint8Array): { bytes: Uint8Array; transfer: ArrayBuffer[] } {
  if (isShared(bytes)) return { bytes, transfer: [] };
  const copy = bytes.slice();
  return { bytes: copy, transfer: [copy.buffer] };
}
