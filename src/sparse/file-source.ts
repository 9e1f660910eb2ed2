/**
 * File adapters for the sparse readers: a {@link RandomAccessSource} over an open file,
 * and a streaming source. Kept apart from the pure codec.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { RandomAccessSource } from './index-image.js';

/** Opens `path` for positional reads. Call `close()` when done. */
export async function openRandomAccess(
  path: string,
): Promise<RandomAccessSource & { close(): Promise<void> }> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  return readsAt(handle, size);
}

/** Positional reads of an open file of `size` bytes, and its close. */
export function readsAt(
  handle: FileHandle,
  size: number,
): RandomAccessSource & { close(): Promise<void> } {
  return {
    size,
    async read(position, length) {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      return buffer.subarray(0, bytesRead);
    },
    close: () => handle.close(),
  };
}

/** Streams a file (or a byte range of it) in chunks of `highWaterMark` bytes. */
export function streamFile(
  path: string,
  options: { start?: number; end?: number; highWaterMark?: number } = {},
): AsyncIterable<Uint8Array> {
  return createReadStream(path, {
    highWaterMark: options.highWaterMark ?? 1 << 20,
    ...(options.start === undefined ? {} : { start: options.start }),
    ...(options.end === undefined ? {} : { end: options.end }),
  });
}
