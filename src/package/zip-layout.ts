/**
 * Where a zip's entries lie in its bytes, checked: no two entries share bytes (the
 * non-recursive zip bomb), none runs past the end of the file (a cut download), no name
 * repeats, and each entry's data start after a real local header.
 *
 * @module
 */
import { ZipError } from '../errors.js';
import type { OpenedFile } from './package-source.js';
import type { ZipEntryInfo } from './zip-archive.js';

const LOCAL_HEADER = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;

/** Entries must not share bytes, nor run past the end of the file, nor repeat a name. */
export function checkLayout(
  entries: readonly ZipEntryInfo[],
  c: { path: string; fileSize: number },
): void {
  const names = new Set<string>();
  for (const e of entries) {
    if (names.has(e.name))
      throw new ZipError('QFH_ZIP_CORRUPT', `${c.path} holds two entries named ${e.name}`);
    names.add(e.name);
  }
  const sorted = [...entries].sort((a, b) => a.offset - b.offset);
  for (const [i, e] of sorted.entries()) {
    const next = sorted[i + 1];
    // The local header and the name, at least: the data cannot start earlier.
    const end = e.offset + LOCAL_HEADER_SIZE + e.nameBytes + e.compressedSize;
    if (next && end > next.offset)
      throw new ZipError(
        'QFH_ZIP_BOMB',
        `${c.path}: ${e.name} and ${next.name} share compressed bytes (overlapping entries, a zip bomb's trick)`,
      );
    if (end > c.fileSize)
      throw new ZipError(
        'QFH_ZIP_TRUNCATED',
        `${c.path}: ${e.name} runs past the end of the file (${end} > ${c.fileSize} bytes)`,
      );
  }
}

/** Where the entry's data start: after its local header's fixed part, name and extra field. */
export async function localDataStart(
  file: OpenedFile,
  entry: ZipEntryInfo,
  path: string,
): Promise<number> {
  const header = await file.read(entry.offset, LOCAL_HEADER_SIZE);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (header.length < LOCAL_HEADER_SIZE || view.getUint32(0, true) !== LOCAL_HEADER)
    throw new ZipError(
      'QFH_ZIP_CORRUPT',
      `${path}: ${entry.name} has no local header at byte ${entry.offset}`,
    );
  const start =
    entry.offset + LOCAL_HEADER_SIZE + view.getUint16(26, true) + view.getUint16(28, true);
  if (start + entry.compressedSize > file.size)
    throw new ZipError(
      'QFH_ZIP_TRUNCATED',
      `${path}: ${entry.name} runs past the end of the file (${start + entry.compressedSize} > ${file.size} bytes)`,
    );
  return start;
}
