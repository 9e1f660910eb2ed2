/**
 * Streaming expansion of an Android sparse image into output extents. Memory stays
 * bounded whatever the image describes: RAW data is yielded in pieces of at most
 * `maxRawPiece` bytes, FILL and DONT_CARE as descriptions (a 1 GiB FILL is 4 bytes of
 * pattern and a length), and the running CRC for CRC32 chunks is combined, not recomputed.
 *
 * @module
 */
import { SparseFormatError } from '../errors.js';
import { crc32, crc32Repeated } from '../crc32.js';
import { ByteReader } from './byte-reader.js';
import {
  ChunkType,
  SPARSE_CHUNK_HEADER_SIZE,
  SPARSE_FILE_HEADER_SIZE,
  chunkPayloadLength,
  decodeChunkHeader,
  decodeSparseHeader,
  type SparseHeader,
} from './format.js';

/** A run of output bytes. Offsets and lengths are in bytes of the expanded image. */
export type SparseExtent =
  | { readonly kind: 'raw'; readonly offset: number; readonly data: Uint8Array }
  | {
      readonly kind: 'fill';
      readonly offset: number;
      readonly length: number;
      readonly pattern: Uint8Array;
    }
  | { readonly kind: 'skip'; readonly offset: number; readonly length: number };

/** Options for {@link expandSparse}. */
export interface ExpandOptions {
  /** Largest RAW piece yielded. @default 1048576 */
  maxRawPiece?: number;
  /** Check CRC32 chunks against the output so far (DONT_CARE counted as zeros). @default true */
  verifyCrc?: boolean;
  /** The CRC-32 to check them with (a runtime's native one). @default the portable `crc32` */
  crc32?: ((data: Uint8Array, previous?: number) => number) | undefined;
  /** Accept bytes after the last chunk instead of failing. @default false */
  allowTrailingData?: boolean;
  /** Called once with the decoded file header, before the first extent. */
  onHeader?: (header: SparseHeader) => void;
}

const ZERO_WORD = new Uint8Array(4);

/**
 * Expands a sparse image read from `source` (e.g. `fs.createReadStream(path)`).
 * @throws SparseFormatError on any inconsistency: bad header, bad chunk, truncation,
 *   block or chunk counts that disagree with the header, a CRC mismatch, trailing data.
 */
export async function* expandSparse(
  source: AsyncIterable<Uint8Array>,
  options: ExpandOptions = {},
): AsyncGenerator<SparseExtent, SparseHeader> {
  const reader = new ByteReader(source);
  try {
    const header = decodeSparseHeader(await reader.read(SPARSE_FILE_HEADER_SIZE));
    const extra = header.fileHeaderSize - SPARSE_FILE_HEADER_SIZE;
    truncatedUnless((await reader.skip(extra)) === extra, 'file header');
    options.onHeader?.(header);
    const state: ChunkState = {
      reader,
      header,
      block: 0,
      crc: 0,
      verifyCrc: options.verifyCrc ?? true,
      crc32: options.crc32 ?? crc32,
      maxRawPiece: options.maxRawPiece ?? 1 << 20,
    };
    for (let index = 0; index < header.totalChunks; index++) yield* chunkExtents(state, index);
    if (state.block !== header.totalBlocks)
      throw new SparseFormatError(
        'QFH_SPARSE_BLOCK_COUNT',
        `sparse chunks cover ${state.block} blocks, the header declares ${header.totalBlocks}`,
      );
    if (!options.allowTrailingData && !(await reader.atEnd()))
      throw new SparseFormatError(
        'QFH_SPARSE_TRAILING_DATA',
        `sparse image has data after its ${header.totalChunks} declared chunks (at byte ${reader.consumed})`,
      );
    return header;
  } finally {
    await reader.close();
  }
}

/** Where the expansion is. */
interface ChunkState {
  readonly reader: ByteReader;
  readonly header: SparseHeader;
  readonly verifyCrc: boolean;
  /** For RAW data, the bulk of the bytes (FILL and DONT_CARE runs are combined in O(log n)). */
  readonly crc32: (data: Uint8Array, previous?: number) => number;
  readonly maxRawPiece: number;
  block: number;
  crc: number;
}

/** The extents of chunk `index`, read from where the reader is. */
async function* chunkExtents(s: ChunkState, index: number): AsyncGenerator<SparseExtent> {
  const { reader, header } = s;
  const raw = await reader.read(SPARSE_CHUNK_HEADER_SIZE);
  truncatedUnless(
    raw.length === SPARSE_CHUNK_HEADER_SIZE,
    `chunk ${index} header`,
    header,
    s.block,
  );
  const chunk = decodeChunkHeader(raw);
  const extraHeader = header.chunkHeaderSize - SPARSE_CHUNK_HEADER_SIZE;
  truncatedUnless(
    (await reader.skip(extraHeader)) === extraHeader,
    `chunk ${index} header`,
    header,
    s.block,
  );
  const payload = chunkPayloadLength(chunk, header, index);
  if (s.block + chunk.blocks > header.totalBlocks)
    throw new SparseFormatError(
      'QFH_SPARSE_BLOCK_COUNT',
      `sparse chunk ${index} ends at block ${s.block + chunk.blocks}, past the ${header.totalBlocks} blocks the header declares`,
    );
  const offset = s.block * header.blockSize;
  const length = chunk.blocks * header.blockSize;
  if (chunk.type === ChunkType.RAW) {
    for (let done = 0; done < payload;) {
      const piece = await reader.readUpTo(Math.min(s.maxRawPiece, payload - done));
      if (piece === undefined) return truncated(`RAW chunk ${index} data`, header, s.block);
      if (s.verifyCrc) s.crc = s.crc32(piece, s.crc) >>> 0;
      yield { kind: 'raw', offset: offset + done, data: piece };
      done += piece.length;
    }
  } else if (chunk.type === ChunkType.FILL) {
    const pattern = await reader.read(4);
    truncatedUnless(pattern.length === 4, `FILL chunk ${index} value`, header, s.block);
    const copy = Uint8Array.from(pattern);
    if (s.verifyCrc) s.crc = crc32Repeated(copy, length / 4, s.crc);
    if (length > 0) yield { kind: 'fill', offset, length, pattern: copy };
  } else if (chunk.type === ChunkType.DONT_CARE) {
    if (s.verifyCrc) s.crc = crc32Repeated(ZERO_WORD, length / 4, s.crc);
    if (length > 0) yield { kind: 'skip', offset, length };
  } else await checkCrcChunk(s, index);
  s.block += chunk.blocks;
}

async function checkCrcChunk(s: ChunkState, index: number): Promise<void> {
  const stored = await s.reader.read(4);
  truncatedUnless(stored.length === 4, `CRC32 chunk ${index} value`, s.header, s.block);
  const expected = new DataView(stored.buffer, stored.byteOffset, 4).getUint32(0, true);
  if (s.verifyCrc && expected !== s.crc)
    throw new SparseFormatError(
      'QFH_SPARSE_CRC_MISMATCH',
      `sparse CRC32 chunk ${index} says 0x${expected.toString(16).padStart(8, '0')}, the data before it gives 0x${s.crc.toString(16).padStart(8, '0')}`,
    );
}

function truncatedUnless(ok: boolean, what: string, header?: SparseHeader, block?: number): void {
  if (!ok) truncated(what, header, block);
}

function truncated(what: string, header?: SparseHeader, block?: number): never {
  const where =
    header && block !== undefined ? ` (at output block ${block} of ${header.totalBlocks})` : '';
  throw new SparseFormatError(
    'QFH_SPARSE_TRUNCATED',
    `sparse image ends inside its ${what}${where}`,
  );
}
