/**
 * Builds Android sparse images from raw bytes, the way img2simg does: blocks whose 4-byte
 * words are all equal become FILL, zero blocks optionally DONT_CARE, the rest RAW, with
 * neighbouring chunks of the same kind merged. Used by tests, the demo and the simulator's
 * package builder; qfh never needs to write sparse images to flash them.
 *
 * @module
 */
import { crc32 } from '../crc32.js';
import {
  ChunkType,
  SPARSE_CHUNK_HEADER_SIZE,
  SPARSE_FILE_HEADER_SIZE,
  encodeChunkHeader,
  encodeSparseHeader,
} from './format.js';
import { concatBytes } from '../bytes.js';

/** Options for {@link encodeSparse}. */
export interface EncodeOptions {
  /** Output block size, a non-zero multiple of 4. @default 4096 */
  blockSize?: number;
  /** Write zero blocks as DONT_CARE (they then expand to "whatever was there"). @default false */
  zeroAsDontCare?: boolean;
  /** Append a CRC32 chunk over the whole output, as libsparse does when asked. @default false */
  appendCrc?: boolean;
}

type Run = { type: number; first: number; blocks: number; pattern?: Uint8Array };

function classify(block: Uint8Array): { type: number; pattern?: Uint8Array } {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const word = view.getUint32(0, true);
  for (let i = 4; i < block.length; i += 4)
    if (view.getUint32(i, true) !== word) return { type: ChunkType.RAW };
  return { type: ChunkType.FILL, pattern: block.slice(0, 4) };
}

/** Encodes `data` (length a multiple of the block size) as a sparse image. */
export function encodeSparse(data: Uint8Array, options: EncodeOptions = {}): Uint8Array {
  const blockSize = options.blockSize ?? 4096;
  if (blockSize <= 0 || blockSize % 4 !== 0)
    throw new RangeError(`block size ${blockSize} is not a non-zero multiple of 4`);
  if (data.length % blockSize !== 0)
    throw new RangeError(
      `data length ${data.length} is not a multiple of the block size ${blockSize}`,
    );
  const runs: Run[] = [];
  for (let b = 0; b < data.length / blockSize; b++) {
    const { type: kind, pattern } = classify(data.subarray(b * blockSize, (b + 1) * blockSize));
    const type =
      kind === ChunkType.FILL && options.zeroAsDontCare && pattern?.every((x) => x === 0)
        ? ChunkType.DONT_CARE
        : kind;
    const last = runs[runs.length - 1];
    const samePattern =
      type !== ChunkType.FILL ||
      (last?.pattern !== undefined &&
        pattern !== undefined &&
        last.pattern.every((x, i) => x === pattern[i]));
    if (last && last.type === type && samePattern) last.blocks++;
    else
      runs.push({
        type,
        first: b,
        blocks: 1,
        ...(pattern && type === ChunkType.FILL ? { pattern } : {}),
      });
  }
  const parts: Uint8Array[] = [];
  for (const run of runs) {
    const payload =
      run.type === ChunkType.RAW
        ? data.subarray(run.first * blockSize, (run.first + run.blocks) * blockSize)
        : run.type === ChunkType.FILL
          ? (run.pattern ?? new Uint8Array(4))
          : new Uint8Array(0);
    parts.push(
      encodeChunkHeader({
        type: run.type,
        blocks: run.blocks,
        totalSize: SPARSE_CHUNK_HEADER_SIZE + payload.length,
      }),
      payload,
    );
  }
  if (options.appendCrc) {
    const value = new Uint8Array(4);
    new DataView(value.buffer).setUint32(0, crc32(data), true);
    parts.push(
      encodeChunkHeader({
        type: ChunkType.CRC32,
        blocks: 0,
        totalSize: SPARSE_CHUNK_HEADER_SIZE + 4,
      }),
      value,
    );
  }
  const header = encodeSparseHeader({
    majorVersion: 1,
    minorVersion: 0,
    fileHeaderSize: SPARSE_FILE_HEADER_SIZE,
    chunkHeaderSize: SPARSE_CHUNK_HEADER_SIZE,
    blockSize,
    totalBlocks: data.length / blockSize,
    totalChunks: runs.length + (options.appendCrc ? 1 : 0),
    imageChecksum: 0,
  });
  return concatBytes([header, ...parts]);
}
