import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ChunkType,
  encodeChunkHeader,
  encodeSparse,
  encodeSparseHeader,
  indexSparseImage,
  type SparseHeader,
} from '../../src/sparse/index.js';
import { crc32, crc32Combine, crc32Repeated } from '../../src/crc32.js';
import { QfhError, SparseFormatError } from '../../src/errors.js';
import { chunked, collect, materialise } from './helpers.js';

const header = (over: Partial<SparseHeader> = {}): SparseHeader => ({
  majorVersion: 1,
  minorVersion: 0,
  fileHeaderSize: 28,
  chunkHeaderSize: 12,
  blockSize: 4096,
  totalBlocks: 1,
  totalChunks: 1,
  imageChecksum: 0,
  ...over,
});
const chunk = (type: number, blocks: number, payload: Uint8Array, headerSize = 12): Uint8Array =>
  Buffer.concat([
    encodeChunkHeader({ type, blocks, totalSize: headerSize + payload.length }, headerSize),
    payload,
  ]);
const image = (h: SparseHeader, ...chunks: Uint8Array[]): Uint8Array =>
  Buffer.concat([encodeSparseHeader(h), ...chunks]);
const memorySource = (bytes: Uint8Array) => ({
  size: bytes.length,
  read: async (position: number, length: number) => bytes.subarray(position, position + length),
});

async function codeOf(bytes: Uint8Array): Promise<string> {
  const err = await collect(chunked(bytes)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SparseFormatError);
  return (err as SparseFormatError).code;
}

describe('sparse header and chunk rules (libsparse, captures.md §4): longer headers', () => {
  it('accepts longer file and chunk headers, skipping their extra bytes', async () => {
    const h = header({
      fileHeaderSize: 32,
      chunkHeaderSize: 16,
      blockSize: 8,
      totalBlocks: 3,
      totalChunks: 2,
    });
    const bytes = image(
      h,
      chunk(ChunkType.RAW, 1, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 16),
      chunk(ChunkType.FILL, 2, Uint8Array.from([9, 9, 9, 9]), 16),
    );
    const out = materialise(await collect(chunked(bytes, 5)), 24);
    expect([...out]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, ...Array<number>(16).fill(9)]);
    expect((await indexSparseImage(memorySource(bytes))).entries.map((e) => e.kind)).toEqual([
      'raw',
      'fill',
    ]);
  });
});

describe('sparse header and chunk rules (libsparse, captures.md §4): malformed images', () => {
  it.each([
    ['bad magic', Buffer.alloc(28), 'QFH_SPARSE_BAD_MAGIC'],
    ['major version 2', image(header({ majorVersion: 2 })), 'QFH_SPARSE_BAD_VERSION'],
    ['block size 6', image(header({ blockSize: 6 })), 'QFH_SPARSE_BAD_HEADER'],
    ['chunk header size 8', image(header({ chunkHeaderSize: 8 })), 'QFH_SPARSE_BAD_HEADER'],
    [
      'unknown chunk type',
      image(header(), chunk(0xcac5, 1, new Uint8Array(0))),
      'QFH_SPARSE_BAD_CHUNK',
    ],
    [
      'RAW size not blocks × blk_sz',
      image(header(), chunk(ChunkType.RAW, 1, new Uint8Array(100))),
      'QFH_SPARSE_BAD_CHUNK',
    ],
    [
      'FILL with 8 data bytes',
      image(header(), chunk(ChunkType.FILL, 1, new Uint8Array(8))),
      'QFH_SPARSE_BAD_CHUNK',
    ],
    [
      'total_sz below the chunk header',
      image(header(), encodeChunkHeader({ type: ChunkType.DONT_CARE, blocks: 1, totalSize: 4 })),
      'QFH_SPARSE_BAD_CHUNK',
    ],
    [
      'chunks covering fewer blocks than declared',
      image(header({ totalBlocks: 2 }), chunk(ChunkType.DONT_CARE, 1, new Uint8Array(0))),
      'QFH_SPARSE_BLOCK_COUNT',
    ],
    [
      'a chunk past the declared blocks',
      image(header({ totalBlocks: 1 }), chunk(ChunkType.DONT_CARE, 2, new Uint8Array(0))),
      'QFH_SPARSE_BLOCK_COUNT',
    ],
    [
      'fewer chunks than declared',
      image(header({ totalChunks: 2 }), chunk(ChunkType.DONT_CARE, 1, new Uint8Array(0))),
      'QFH_SPARSE_TRUNCATED',
    ],
    [
      'RAW data cut short',
      image(header(), chunk(ChunkType.RAW, 1, new Uint8Array(4096))).subarray(0, 28 + 12 + 1000),
      'QFH_SPARSE_TRUNCATED',
    ],
    ['header cut short', image(header()).subarray(0, 20), 'QFH_SPARSE_TRUNCATED'],
    [
      'data after the last chunk',
      Buffer.concat([
        image(header(), chunk(ChunkType.DONT_CARE, 1, new Uint8Array(0))),
        Buffer.from([0]),
      ]),
      'QFH_SPARSE_TRAILING_DATA',
    ],
  ])('rejects %s', async (_name, bytes, code) => {
    expect(await codeOf(bytes)).toBe(code);
  });

  it('allows trailing data when asked, and reports it from the index', async () => {
    const bytes = Buffer.concat([
      image(header(), chunk(ChunkType.DONT_CARE, 1, new Uint8Array(0))),
      Buffer.from([0, 0]),
    ]);
    expect(await collect(chunked(bytes), { allowTrailingData: true })).toHaveLength(1);
    expect((await indexSparseImage(memorySource(bytes))).trailingBytes).toBe(2);
  });
});

describe('bounded memory and 64-bit sizes', () => {
  it('describes a 1 GiB FILL in one 4-byte-pattern extent', async () => {
    const blocks = (1 << 30) / 4096;
    const bytes = image(
      header({ totalBlocks: blocks }),
      chunk(ChunkType.FILL, blocks, Uint8Array.from([0xde, 0xad, 0xbe, 0xef])),
    );
    const extents = await collect(chunked(bytes));
    expect(extents).toEqual([
      {
        kind: 'fill',
        offset: 0,
        length: 1 << 30,
        pattern: Uint8Array.from([0xde, 0xad, 0xbe, 0xef]),
      },
    ]);
  });

  it('places extents past 4 GiB at their exact offsets (no 32-bit products)', async () => {
    const blocks = 0x180000; // 6 GiB of DONT_CARE at 4 KiB blocks
    const bytes = image(
      header({ totalBlocks: blocks + 1, totalChunks: 2 }),
      chunk(ChunkType.DONT_CARE, blocks, new Uint8Array(0)),
      chunk(ChunkType.RAW, 1, new Uint8Array(4096).fill(7)),
    );
    const extents = await collect(chunked(bytes, 1 << 16));
    expect(extents.map((e) => [e.kind, e.offset])).toEqual([
      ['skip', 0],
      ['raw', 6 * 2 ** 30],
    ]);
  });

  it('splits RAW data into pieces no larger than maxRawPiece', async () => {
    const data = new Uint8Array(4096 * 4).map((_, i) => i * 7);
    const bytes = encodeSparse(data);
    const extents = await collect(chunked(bytes, 1 << 20), { maxRawPiece: 5000 });
    expect(
      Math.max(...extents.map((e) => (e.kind === 'raw' ? e.data.length : 0))),
    ).toBeLessThanOrEqual(5000);
    expect(materialise(extents, data.length)).toEqual(data);
  });
});

describe('CRC32 chunks', () => {
  it('combines CRCs exactly as hashing the concatenation would', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
        expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(Buffer.concat([a, b])));
      }),
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.nat({ max: 500 }),
        fc.uint8Array({ maxLength: 50 }),
        (unit, n, before) => {
          const whole = Buffer.concat([before, ...Array.from({ length: n }, () => unit)]);
          expect(crc32Repeated(unit, n, crc32(before))).toBe(crc32(whole));
        },
      ),
    );
  });

  it('accepts a correct CRC32 chunk over RAW, FILL and DONT_CARE (as zeros) and rejects a wrong one', async () => {
    const data = Buffer.concat([
      Buffer.alloc(4096, 3),
      Buffer.alloc(8192, 0),
      Buffer.from(new Uint8Array(4096).map((_, i) => i)),
    ]);
    const good = encodeSparse(data, { appendCrc: true, zeroAsDontCare: true });
    const extents = await collect(chunked(good, 1 << 16));
    expect(extents.map((e) => e.kind)).toEqual(['fill', 'skip', 'raw']);
    const bad = Uint8Array.from(good);
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
    expect(await codeOf(bad)).toBe('QFH_SPARSE_CRC_MISMATCH');
    expect(await collect(chunked(bad, 1 << 16), { verifyCrc: false })).toHaveLength(3);
  });
});

const arbImage = fc
  .record({
    blockWords: fc.integer({ min: 1, max: 64 }),
    kinds: fc.array(fc.constantFrom('rand', 'zero', 'fill', 'fill2'), {
      minLength: 1,
      maxLength: 12,
    }),
    seed: fc.integer(),
  })
  .map(({ blockWords, kinds, seed }) => {
    const blockSize = blockWords * 4;
    const data = new Uint8Array(blockSize * kinds.length);
    let x = seed >>> 0;
    kinds.forEach((k, b) => {
      const block = data.subarray(b * blockSize, (b + 1) * blockSize);
      if (k === 'rand')
        for (let i = 0; i < block.length; i++)
          block[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
      else if (k === 'fill') for (let i = 0; i < block.length; i += 4) block.set([1, 2, 3, 4], i);
      else if (k === 'fill2') block.fill(0xff);
    });
    return { blockSize, data };
  });

describe('sparse properties', () => {
  it('expand(encode(x)) = x for any block size that is a multiple of 4', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbImage,
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 97 }),
        async ({ blockSize, data }, zeroAsDontCare, appendCrc, piece) => {
          const bytes = encodeSparse(data, { blockSize, zeroAsDontCare, appendCrc });
          expect(materialise(await collect(chunked(bytes, piece)), data.length)).toEqual(data);
          expect((await indexSparseImage(memorySource(bytes))).expandedSize).toBe(data.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never crashes or over-reads on random or truncated input: extents or a QfhError', async () => {
    const inputs = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      arbImage.chain(({ blockSize, data }) => {
        const bytes = encodeSparse(data, { blockSize });
        return fc
          .tuple(
            fc.nat({ max: bytes.length }),
            fc.nat({ max: bytes.length - 1 }),
            fc.nat({ max: 255 }),
          )
          .map(([cut, at, v]) => {
            const copy = Uint8Array.from(bytes.subarray(0, cut));
            if (at < copy.length) copy[at] = v;
            return copy;
          });
      }),
    );
    await fc.assert(
      fc.asyncProperty(inputs, async (bytes) => {
        for (const run of [
          () => collect(chunked(bytes, 7)),
          () => indexSparseImage(memorySource(bytes)),
        ]) {
          try {
            await run();
          } catch (e) {
            expect(e).toBeInstanceOf(QfhError);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
