/**
 * Positional reads of a stored (uncompressed) zip entry: its bytes lie in the archive as
 * they are, so any range is one read at the entry's data offset, in any order.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import { ZipError } from '../errors.js';
import type { ZipArchive, ZipEntryInfo } from './zip-archive.js';

/** Where to read. */
export interface StoredRead {
  readonly entry: ZipEntryInfo;
  /** Offset of the entry's data in the archive. */
  readonly start: number;
  readonly position: number;
  readonly length: number;
}

/** Up to `length` bytes at `position` of a stored entry (fewer only at its end). */
export async function readStoredRange(archive: ZipArchive, r: StoredRead): Promise<Uint8Array> {
  const n = Math.max(0, Math.min(r.length, r.entry.size - r.position));
  const buffer = Buffer.alloc(n);
  if (n === 0) return buffer;
  const handle = await open(archive.path, 'r');
  try {
    const { bytesRead } = await handle.read(buffer, 0, n, r.start + r.position);
    if (bytesRead < n)
      throw new ZipError(
        'QFH_ZIP_TRUNCATED',
        `${archive.path}: ${r.entry.name} ends at byte ${r.position + bytesRead} of ${r.entry.size}: the file was cut short`,
      );
    return buffer;
  } finally {
    await handle.close();
  }
}
