import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  indexSparseImage,
  openRandomAccess,
  streamFile,
  expandSparse,
  type SparseHeader,
} from '../../src/sparse/index.js';
import { SparseFormatError } from '../../src/errors.js';
import { describeReal, realBytes, realPath } from '../helpers/real.js';
import { collect, expandedDigest, materialise } from './helpers.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../captures/sparse');
/** name → { size, sha256 } of simg2img's output, recorded by captures/sparse/make.sh. */
const EXPECTED = readFileSync(join(FIXTURES, 'expected.txt'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split(' '))
  .map(([name, size, sha256]) => ({ name: name ?? '', size: Number(size), sha256: sha256 ?? '' }));

describe('sparse images made by AOSP img2simg expand to the bytes simg2img gives', () => {
  it('has the five fixtures', () => expect(EXPECTED.map((e) => e.name)).toHaveLength(5));
  for (const { name, size, sha256 } of EXPECTED) {
    it(`${name}: ${size} bytes, sha256 ${sha256.slice(0, 12)}…`, async () => {
      const path = join(FIXTURES, name);
      expect(await expandedDigest(streamFile(path, { highWaterMark: 1000 }))).toEqual({
        size,
        sha256,
      });
      const file = await openRandomAccess(path);
      try {
        const index = await indexSparseImage(file);
        expect(index.expandedSize).toBe(size);
        expect(index.trailingBytes).toBe(0);
      } finally {
        await file.close();
      }
    });
  }

  it('reads block size 131072 (a NAND erase block) with FILL chunks', async () => {
    // This libsparse writes file holes as FILL 0, not DONT_CARE (simg_dump shows it);
    // DONT_CARE is covered by the real malformed image and the encoder's round trips.
    let header: SparseHeader | undefined;
    const kinds = (
      await collect(streamFile(join(FIXTURES, 'eraseblock-131072.simg')), {
        onHeader: (h) => (header = h),
      })
    ).map((e) => e.kind);
    expect(header?.blockSize).toBe(131072);
    expect(kinds).toEqual(['raw', 'fill', 'fill', 'raw']);
  });
});

describeReal('real sparse files from qdl.js fixtures', () => {
  const dir = 'android-sparse-qdljs-fixtures';

  it('expands sparse.img to exactly raw.img, and indexes 9 blocks of 4096 in 6 chunks', async () => {
    const raw = realBytes(dir, 'raw.img');
    let header: SparseHeader | undefined;
    const extents = await collect(streamFile(realPath(dir, 'sparse.img'), { highWaterMark: 333 }), {
      onHeader: (h) => (header = h),
    });
    expect(header).toMatchObject({
      blockSize: 4096,
      totalBlocks: 9,
      totalChunks: 6,
      imageChecksum: 0,
    });
    expect(Buffer.from(materialise(extents, raw.length)).equals(raw)).toBe(true);
    expect(extents.some((e) => e.kind === 'fill')).toBe(true);
  });

  it('rejects boot-sparse-truncated.img at its 16-byte DONT_CARE chunk, without reading past it', async () => {
    const bytes = realBytes(dir, 'boot-sparse-truncated.img');
    let pulled = 0;
    async function* counting(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < bytes.length; at++) {
        pulled++;
        yield bytes.subarray(at, at + 1);
      }
    }
    const err = await collect(counting()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SparseFormatError);
    expect((err as SparseFormatError).code).toBe('QFH_SPARSE_BAD_CHUNK');
    expect((err as SparseFormatError).message).toContain('DONT_CARE');
    // Header (28) + RAW chunk (12 + 2048) + next chunk header (12): nothing further was read.
    expect(pulled).toBeLessThanOrEqual(28 + 12 + 2048 + 12);
    const file = await openRandomAccess(realPath(dir, 'boot-sparse-truncated.img'));
    await expect(indexSparseImage(file)).rejects.toMatchObject({ code: 'QFH_SPARSE_BAD_CHUNK' });
    await file.close();
  });

  it('yields the boot header of that file before rejecting it (streaming, not buffering)', async () => {
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const e of expandSparse(
          streamFile(realPath(dir, 'boot-sparse-truncated.img')),
        )) {
          if (e.kind === 'raw') seen.push(Buffer.from(e.data.subarray(0, 8)).toString('latin1'));
        }
      })(),
    ).rejects.toThrow(SparseFormatError);
    expect(seen).toEqual(['ANDROID!']);
  });
});
