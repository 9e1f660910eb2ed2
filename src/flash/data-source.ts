/**
 * Streams a plan op's bytes: file segments read through the package source in 1 MiB
 * pieces, host-patched bytes, or a FILL pattern repeated (never allocated whole: a 1 GiB
 * fill is 1 MiB reused).
 *
 * @module
 */
import type { PackageSource } from '../package/package-source.js';
import type { DataSource } from '../plan/types.js';

const PIECE = 1 << 20;

/** The bytes of `source`, in pieces, read from the package. */
export async function* readSource(
  source: DataSource,
  files: PackageSource,
): AsyncGenerator<Uint8Array> {
  if (source.kind === 'bytes') {
    yield source.data;
    return;
  }
  if (source.kind === 'fill') {
    const piece = new Uint8Array(Math.min(PIECE, source.length));
    for (let i = 0; i < piece.length; i += 4)
      piece.set(source.pattern.subarray(0, Math.min(4, piece.length - i)), i);
    for (let left = source.length; left > 0; left -= piece.length)
      yield piece.subarray(0, Math.min(piece.length, left));
    return;
  }
  for (const { offset, length } of source.segments) {
    if (length > 0) yield* files.stream(source.path, { start: offset, length });
  }
}
