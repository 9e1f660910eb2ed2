/**
 * Indexes a sparse image by reading only its headers (positional reads), so a plan can
 * know every extent of a multi-GiB image, and where its RAW data sits in the file,
 * without reading the data. CRC32 chunks are recorded, not checked (that needs the data:
 * the streaming expander checks them during the transfer).
 *
 * @module
 */
import { SparseFormatError } from '../errors.js';
import { readWindow } from '../read-window.js';
import {
  ChunkType,
  SPARSE_FILE_HEADER_SIZE,
  chunkPayloadLength,
  decodeChunkHeader,
  decodeSparseHeader,
  type SparseHeader,
} from './format.js';

/** Random access to a file's bytes. */
export interface RandomAccessSource {
  readonly size: number;
  /** Up to `length` bytes at `position` (fewer only at the end of the file). */
  read(position: number, length: number): Promise<Uint8Array>;
}

/** One chunk as located in the file and in the output. */
export type SparseIndexEntry =
  | {
      readonly kind: 'raw';
      readonly outputOffset: number;
      readonly length: number;
      readonly fileOffset: number;
    }
  | {
      readonly kind: 'fill';
      readonly outputOffset: number;
      readonly length: number;
      readonly pattern: Uint8Array;
    }
  | { readonly kind: 'skip'; readonly outputOffset: number; readonly length: number }
  | { readonly kind: 'crc32'; readonly outputOffset: number; readonly value: number };

/** The layout of a sparse image. */
export interface SparseIndex {
  readonly header: SparseHeader;
  readonly entries: readonly SparseIndexEntry[];
  /** Size of the expanded image in bytes. */
  readonly expandedSize: number;
  /** Bytes after the last chunk (0 for a well-formed image). */
  readonly trailingBytes: number;
}

/** Options for {@link indexSparseImage}. */
export interface IndexOptions {
  /** Refuse images declaring more chunks than this. @default 524288 */
  readonly maxChunks?: number;
}

/** More chunks than any real image has, few enough to index in seconds and bounded memory. */
export const DEFAULT_MAX_CHUNKS = 1 << 19;

/**
 * Reads every header of a sparse image.
 * @throws SparseFormatError on a bad header or chunk, a chunk running past the end of
 *   the file (truncation), or counts that disagree with the header.
 */
export async function indexSparseImage(
  source: RandomAccessSource,
  options: IndexOptions = {},
): Promise<SparseIndex> {
  const header = decodeSparseHeader(await source.read(0, SPARSE_FILE_HEADER_SIZE));
  const maxChunks = options.maxChunks ?? DEFAULT_MAX_CHUNKS;
  if (header.totalChunks > maxChunks)
    throw new SparseFormatError(
      'QFH_SPARSE_TOO_MANY_CHUNKS',
      `the sparse image declares ${header.totalChunks} chunks; qfh indexes at most ${maxChunks} (img2simg images of real firmware have thousands)`,
    );
  // Densely packed chunk headers cost one read per 64 KiB.
  const window = { read: readWindow(source.size, (at, n) => source.read(at, n), 64 * 1024) };
  const entries: SparseIndexEntry[] = [];
  let position = header.fileHeaderSize;
  let block = 0;
  for (let index = 0; index < header.totalChunks; index++) {
    if (position + header.chunkHeaderSize > source.size) {
      throw new SparseFormatError(
        'QFH_SPARSE_TRUNCATED',
        `sparse image ends inside chunk ${index}'s header (file is ${source.size} bytes, ${header.totalChunks} chunks declared)`,
      );
    }
    const chunk = decodeChunkHeader(await window.read(position, 12));
    const payload = chunkPayloadLength(chunk, header, index);
    const dataAt = position + header.chunkHeaderSize;
    if (dataAt + payload > source.size) {
      throw new SparseFormatError(
        'QFH_SPARSE_TRUNCATED',
        `sparse chunk ${index} needs ${payload} data bytes at ${dataAt}, the file ends at ${source.size}`,
      );
    }
    const outputOffset = block * header.blockSize;
    const length = chunk.blocks * header.blockSize;
    if (chunk.type === ChunkType.RAW)
      entries.push({ kind: 'raw', outputOffset, length, fileOffset: dataAt });
    else if (chunk.type === ChunkType.FILL)
      entries.push({
        kind: 'fill',
        outputOffset,
        length,
        pattern: Uint8Array.from(await window.read(dataAt, 4)),
      });
    else if (chunk.type === ChunkType.DONT_CARE)
      entries.push({ kind: 'skip', outputOffset, length });
    else {
      const value = await window.read(dataAt, 4);
      entries.push({
        kind: 'crc32',
        outputOffset,
        value: new DataView(value.buffer, value.byteOffset, 4).getUint32(0, true),
      });
    }
    block += chunk.blocks;
    if (block > header.totalBlocks) {
      throw new SparseFormatError(
        'QFH_SPARSE_BLOCK_COUNT',
        `sparse chunk ${index} ends at block ${block}, past the ${header.totalBlocks} blocks the header declares`,
      );
    }
    position = dataAt + payload;
  }
  if (block !== header.totalBlocks) {
    throw new SparseFormatError(
      'QFH_SPARSE_BLOCK_COUNT',
      `sparse chunks cover ${block} blocks, the header declares ${header.totalBlocks}`,
    );
  }
  return {
    header,
    entries,
    expandedSize: header.totalBlocks * header.blockSize,
    trailingBytes: source.size - position,
  };
}
