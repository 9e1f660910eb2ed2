import { createHash } from 'node:crypto';
import { expandSparse, type ExpandOptions, type SparseExtent } from '../../src/sparse/index.js';

/** Feeds `bytes` to a consumer in pieces of `size`, like a stream would. */
export async function* chunked(bytes: Uint8Array, size = 4096): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** All extents of an expansion. */
export async function collect(
  source: AsyncIterable<Uint8Array>,
  options?: ExpandOptions,
): Promise<SparseExtent[]> {
  const out: SparseExtent[] = [];
  for await (const e of expandSparse(source, options)) out.push(e);
  return out;
}

/** The expanded bytes (DONT_CARE as zeros, as simg2img writes them), for small images. */
export function materialise(extents: readonly SparseExtent[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (const e of extents) {
    if (e.kind === 'raw') out.set(e.data, e.offset);
    else if (e.kind === 'fill')
      for (let i = 0; i < e.length; i += 4) out.set(e.pattern, e.offset + i);
  }
  return out;
}

/** Size and sha256 of the expansion, streamed: never holds the image in memory. */
export async function expandedDigest(
  source: AsyncIterable<Uint8Array>,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const feedRepeated = (unit: Uint8Array, length: number): void => {
    const piece = Buffer.alloc(Math.min(length, 1 << 20));
    for (let i = 0; i < piece.length; i += unit.length) piece.set(unit, i);
    for (let left = length; left > 0; left -= piece.length)
      hash.update(piece.subarray(0, Math.min(left, piece.length)));
  };
  for await (const e of expandSparse(source)) {
    if (e.offset !== size) throw new Error(`extent at ${e.offset}, expected ${size}`);
    if (e.kind === 'raw') {
      hash.update(e.data);
      size += e.data.length;
    } else {
      feedRepeated(e.kind === 'fill' ? e.pattern : new Uint8Array(4), e.length);
      size += e.length;
    }
  }
  return { size, sha256: hash.digest('hex') };
}
