/**
 * Android sparse image headers (AOSP libsparse sparse_format.h, verified in
 * research/captures.md §4). Pure: bytes in, objects out, and back.
 *
 * @module
 */
import { SparseFormatError } from '../errors.js';

export const SPARSE_MAGIC = 0xed26ff3a;
export const SPARSE_FILE_HEADER_SIZE = 28;
export const SPARSE_CHUNK_HEADER_SIZE = 12;

/** Chunk types. */
export const ChunkType = {
  RAW: 0xcac1,
  FILL: 0xcac2,
  DONT_CARE: 0xcac3,
  CRC32: 0xcac4,
} as const;
export type ChunkTypeId = (typeof ChunkType)[keyof typeof ChunkType];

const CHUNK_NAMES: Record<number, string> = {
  0xcac1: 'RAW',
  0xcac2: 'FILL',
  0xcac3: 'DONT_CARE',
  0xcac4: 'CRC32',
};

/** Name of a chunk type (`RAW`…), or its hex for an unknown one. */
export function chunkTypeName(type: number): string {
  return CHUNK_NAMES[type] ?? `0x${type.toString(16)}`;
}

/** The 28-byte file header (longer headers are accepted; their extra bytes are skipped). */
export interface SparseHeader {
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly fileHeaderSize: number;
  readonly chunkHeaderSize: number;
  /** Output block size: any non-zero multiple of 4 (NAND vendors use the erase-block size). */
  readonly blockSize: number;
  readonly totalBlocks: number;
  readonly totalChunks: number;
  /** Always written as 0 by libsparse. */
  readonly imageChecksum: number;
}

/** One chunk header. */
export interface ChunkHeader {
  readonly type: number;
  /** Output blocks this chunk covers. */
  readonly blocks: number;
  /** Input bytes including the chunk header. */
  readonly totalSize: number;
}

/** Whether `bytes` starts with the sparse magic. */
export function isSparseImage(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === SPARSE_MAGIC
  );
}

/** Decodes and checks the file header. */
export function decodeSparseHeader(bytes: Uint8Array): SparseHeader {
  if (bytes.length < SPARSE_FILE_HEADER_SIZE) {
    throw new SparseFormatError(
      'QFH_SPARSE_TRUNCATED',
      `sparse header truncated: ${bytes.length} of 28 bytes`,
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, SPARSE_FILE_HEADER_SIZE);
  const magic = v.getUint32(0, true);
  if (magic !== SPARSE_MAGIC) {
    throw new SparseFormatError(
      'QFH_SPARSE_BAD_MAGIC',
      `not an Android sparse image: magic 0x${magic.toString(16)}, expected 0xed26ff3a`,
    );
  }
  const header: SparseHeader = {
    majorVersion: v.getUint16(4, true),
    minorVersion: v.getUint16(6, true),
    fileHeaderSize: v.getUint16(8, true),
    chunkHeaderSize: v.getUint16(10, true),
    blockSize: v.getUint32(12, true),
    totalBlocks: v.getUint32(16, true),
    totalChunks: v.getUint32(20, true),
    imageChecksum: v.getUint32(24, true),
  };
  if (header.majorVersion !== 1) {
    throw new SparseFormatError(
      'QFH_SPARSE_BAD_VERSION',
      `sparse major version ${header.majorVersion} is not supported (only 1)`,
    );
  }
  if (
    header.fileHeaderSize < SPARSE_FILE_HEADER_SIZE ||
    header.chunkHeaderSize < SPARSE_CHUNK_HEADER_SIZE
  ) {
    throw new SparseFormatError(
      'QFH_SPARSE_BAD_HEADER',
      `sparse header sizes ${header.fileHeaderSize}/${header.chunkHeaderSize} are below 28/12`,
    );
  }
  if (header.blockSize === 0 || header.blockSize % 4 !== 0) {
    throw new SparseFormatError(
      'QFH_SPARSE_BAD_HEADER',
      `sparse block size ${header.blockSize} is not a non-zero multiple of 4`,
    );
  }
  if (header.totalBlocks * header.blockSize > Number.MAX_SAFE_INTEGER) {
    throw new SparseFormatError(
      'QFH_SPARSE_BAD_HEADER',
      `sparse image describes ${header.totalBlocks} × ${header.blockSize} bytes, beyond what qfh addresses`,
    );
  }
  return header;
}

/** Encodes a 28-byte file header (extra header bytes, if `fileHeaderSize` > 28, are zero). */
export function encodeSparseHeader(h: SparseHeader): Uint8Array {
  const out = new Uint8Array(h.fileHeaderSize);
  const v = new DataView(out.buffer);
  v.setUint32(0, SPARSE_MAGIC, true);
  v.setUint16(4, h.majorVersion, true);
  v.setUint16(6, h.minorVersion, true);
  v.setUint16(8, h.fileHeaderSize, true);
  v.setUint16(10, h.chunkHeaderSize, true);
  v.setUint32(12, h.blockSize, true);
  v.setUint32(16, h.totalBlocks, true);
  v.setUint32(20, h.totalChunks, true);
  v.setUint32(24, h.imageChecksum, true);
  return out;
}

/** Decodes the first 12 bytes of a chunk header. */
export function decodeChunkHeader(bytes: Uint8Array): ChunkHeader {
  if (bytes.length < SPARSE_CHUNK_HEADER_SIZE) {
    throw new SparseFormatError(
      'QFH_SPARSE_TRUNCATED',
      `sparse chunk header truncated: ${bytes.length} of 12 bytes`,
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, SPARSE_CHUNK_HEADER_SIZE);
  return {
    type: v.getUint16(0, true),
    blocks: v.getUint32(4, true),
    totalSize: v.getUint32(8, true),
  };
}

/** Encodes a chunk header of `headerSize` bytes (12 unless the file header says more). */
export function encodeChunkHeader(
  c: ChunkHeader,
  headerSize = SPARSE_CHUNK_HEADER_SIZE,
): Uint8Array {
  const out = new Uint8Array(headerSize);
  const v = new DataView(out.buffer);
  v.setUint16(0, c.type, true);
  v.setUint32(4, c.blocks, true);
  v.setUint32(8, c.totalSize, true);
  return out;
}

/**
 * Checks a chunk header against libsparse's rules and returns its payload length.
 * @param index chunk number, for messages
 */
export function chunkPayloadLength(c: ChunkHeader, header: SparseHeader, index: number): number {
  const payload = c.totalSize - header.chunkHeaderSize;
  const where = `chunk ${index} (${chunkTypeName(c.type)}, ${c.blocks} blocks, total_sz ${c.totalSize})`;
  const bad = (why: string): SparseFormatError =>
    new SparseFormatError('QFH_SPARSE_BAD_CHUNK', `sparse ${where}: ${why}`);
  if (payload < 0)
    throw bad(`total_sz is smaller than the ${header.chunkHeaderSize}-byte chunk header`);
  switch (c.type) {
    case ChunkType.RAW:
      if (payload !== c.blocks * header.blockSize)
        throw bad(`carries ${payload} data bytes, expected ${c.blocks} × ${header.blockSize}`);
      return payload;
    case ChunkType.FILL:
      if (payload !== 4) throw bad(`carries ${payload} data bytes, a FILL carries exactly 4`);
      return 4;
    case ChunkType.DONT_CARE:
      if (payload !== 0) throw bad(`carries ${payload} data bytes, a DONT_CARE carries none`);
      return 0;
    case ChunkType.CRC32:
      if (payload !== 4)
        throw bad(`carries ${payload} data bytes, a CRC32 chunk carries exactly 4`);
      return 4;
    default:
      throw bad('unknown chunk type');
  }
}
