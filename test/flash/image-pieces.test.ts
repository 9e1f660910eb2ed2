import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { portableRuntime, type FlashRuntime } from '../../src/flash/flash-runtime.js';
import { imagePieces } from '../../src/flash/image-pieces.js';
import { nodeRuntime } from '../../src/flash/node-runtime.js';
import { openPackageSource } from '../../src/package/index.js';
import { folderSource } from '../../src/package/folder-source.js';
import type { PackageSource } from '../../src/package/package-source.js';
import type { DataSource } from '../../src/plan/types.js';
import { bytesOf, makePackage } from '../helpers/package-dir.js';
import { zipFolder } from '../helpers/zip.js';

const MiB = 1 << 20;
const sha = (...parts: Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** Reads every piece (copying it: a piece is only valid until the next is asked for). */
async function readAll(
  source: DataSource,
  files: PackageSource,
  o: { hash: boolean; bytes: number; padding: number; runtime?: FlashRuntime },
): Promise<{ bytes: Uint8Array; digest: string | undefined; largest: number }> {
  const image = imagePieces(source, files, { ...o, runtime: o.runtime ?? nodeRuntime });
  const pieces: Uint8Array[] = [];
  for await (const piece of image.pieces()) pieces.push(piece.slice());
  return {
    bytes: Buffer.concat(pieces),
    digest: o.hash ? await image.digest(o.padding) : undefined,
    largest: Math.max(...pieces.map((p) => p.length)),
  };
}

// 20 MiB is hashed on the worker thread, 300 KiB on the main thread, and both by the portable
// runtime (any JavaScript runtime: @noble/hashes on the calling thread): every digest must
// agree with an independent SHA-256 of the same bytes and zero padding.
for (const size of [20 * MiB + 12345, 300_000])
  it(`reads file segments in order into bounded pieces and hashes them with padding (${size} bytes)`, async () => {
    const file = bytesOf(size + 8192, 7);
    const root = await makePackage({ 'img.bin': file });
    // Two segments, as a sparse image's RAW runs are: the bytes between them are skipped.
    const segments = [
      { offset: 100, length: 4096 },
      { offset: 8192, length: size - 4096 },
    ];
    const expected = Buffer.concat([file.subarray(100, 4196), file.subarray(8192, size + 4096)]);
    const padding = 3000;
    const sources = [await folderSource(root), await zippedSource(root)];
    for (const [files, runtime] of sources.flatMap((f) =>
      [nodeRuntime, portableRuntime].map((r) => [f, r] as const),
    )) {
      const got = await readAll({ kind: 'file', path: 'img.bin', segments }, files, {
        hash: true,
        bytes: size,
        padding,
        runtime,
      });
      expect(sha(got.bytes)).toBe(sha(expected));
      expect(got.largest).toBeLessThanOrEqual(4 * MiB); // the ring's buffers, whatever the size
      expect(got.digest).toBe(sha(expected, new Uint8Array(padding)));
    }
  });

async function zippedSource(root: string): Promise<PackageSource> {
  const zip = join(root, '..', 'pkg.zip');
  await zipFolder(root, zip, { prefix: 'FW/' });
  return openPackageSource(zip);
}

it('fills and host-patched bytes come out as they are defined, and hash the same', async () => {
  const files = await folderSource(await makePackage({ 'x.bin': 'x' }));
  const pattern = Uint8Array.from([1, 2, 3, 4]);
  const expected = new Uint8Array(3 * MiB + 8).map((_, i) => pattern[i % 4] ?? 0);
  for (const runtime of [nodeRuntime, portableRuntime]) {
    const fill = await readAll({ kind: 'fill', pattern, length: 3 * MiB + 8 }, files, {
      hash: true,
      bytes: 3 * MiB + 8,
      padding: 0,
      runtime,
    });
    expect(sha(fill.bytes)).toBe(sha(expected));
    expect(fill.digest).toBe(sha(expected));
  }
  const data = bytesOf(5000, 3);
  const bytes = await readAll({ kind: 'bytes', path: 'gpt', data }, files, {
    hash: true,
    bytes: data.length,
    padding: 12,
  });
  expect(sha(bytes.bytes)).toBe(sha(data));
  expect(bytes.digest).toBe(sha(data, new Uint8Array(12)));
});

it('a reader stopped early releases its file and its hashing job (the next image still hashes)', async () => {
  const size = 12 * MiB;
  const file = bytesOf(size, 9);
  const files = await folderSource(await makePackage({ 'img.bin': file }));
  const source: DataSource = {
    kind: 'file',
    path: 'img.bin',
    segments: [{ offset: 0, length: size }],
  };
  const stopped = imagePieces(source, files, { hash: true, bytes: size, runtime: nodeRuntime });
  for await (const piece of stopped.pieces()) if (piece.length > 0) break;
  const again = await readAll(source, files, { hash: true, bytes: size, padding: 0 });
  expect(again.digest).toBe(sha(file));
});

it('reuses the buffers of a finished image, never those of one stopped part-way', async () => {
  // A stopped image is a failed write: the transport may still hold the piece.
  const bytes = 3 * MiB;
  const files = await folderSource(await makePackage({ 'img.bin': bytesOf(bytes, 9) }));
  const source: DataSource = {
    kind: 'file',
    path: 'img.bin',
    segments: [{ offset: 0, length: bytes }],
  };
  const buffersOf = async (stopAfter?: number): Promise<Set<ArrayBufferLike>> => {
    const seen = new Set<ArrayBufferLike>();
    let n = 0;
    for await (const piece of imagePieces(source, files, {
      hash: false,
      bytes,
      runtime: nodeRuntime,
    }).pieces()) {
      seen.add(piece.buffer);
      if (++n === stopAfter) break;
    }
    return seen;
  };
  const finished = await buffersOf();
  const stopped = await buffersOf(1);
  expect([...stopped].every((b) => finished.has(b))).toBe(true);
  const next = await buffersOf();
  expect([...next].some((b) => stopped.has(b))).toBe(false);
});
