/**
 * Positional reads of a stored (uncompressed) zip entry: its bytes lie in the archive as
 * they are, so any range is one read at the entry's data offset, in any order.
 *
 * @module
 */
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
export function readStoredRange(archive: ZipArchive, r: StoredRead): Promise<Uint8Array> {
  const n = Math.max(0, Math.min(r.length, r.entry.size - r.position));
  if (n === 0) return Promise.resolve(new Uint8Array(0));
  // The archive's reader refuses a short read: the layout check put the entry inside the file.
  return archive.read(r.start + r.position, n);
}
