/** Benchmark inputs, made in a temp folder: raw and sparse images, and packages around them. */
import { open, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildTestProgrammer } from '../src/sim/index.js';
import { encodeChunkHeader, encodeSparseHeader, ChunkType } from '../src/sparse/index.js';

const MiB = 1 << 20;

/** A file of `size` pseudo-random bytes (written in 1 MiB pieces). */
export async function rawImage(path: string, size: number): Promise<void> {
  const handle = await open(path, 'w');
  const piece = Buffer.alloc(MiB);
  let x = 12345;
  for (let i = 0; i < piece.length; i += 4) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    piece.writeUInt32LE(x, i);
  }
  try {
    for (let at = 0; at < size; at += MiB) {
      piece.writeUInt32LE(at, 0); // vary every piece a little
      await handle.write(piece, 0, Math.min(MiB, size - at));
    }
  } finally {
    await handle.close();
  }
}

/**
 * A sparse image of 4096-byte blocks: `raw` bytes of RAW data in 4 MiB chunks, `fill` bytes of
 * FILL, and DONT_CARE up to `total` output bytes.
 */
export async function sparseImage(
  path: string,
  o: { raw: number; fill: number; total: number },
): Promise<void> {
  const blk = 4096;
  const chunkBytes = 4 * MiB;
  const rawChunks = Math.ceil(o.raw / chunkBytes);
  const fillBlocks = o.fill / blk;
  const rawBlocks = o.raw / blk;
  const totalBlocks = o.total / blk;
  const handle = await open(path, 'w');
  const payload = Buffer.alloc(chunkBytes);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + 7) & 0xff;
  const careBlocks = totalBlocks - rawBlocks - fillBlocks;
  const chunks = rawChunks * 2 + (fillBlocks > 0 ? 1 : 0);
  try {
    await handle.write(
      encodeSparseHeader({
        majorVersion: 1,
        minorVersion: 0,
        fileHeaderSize: 28,
        chunkHeaderSize: 12,
        blockSize: blk,
        totalBlocks,
        totalChunks: chunks,
        imageChecksum: 0,
      }),
    );
    const gap = Math.floor(careBlocks / rawChunks);
    let left = careBlocks;
    for (let c = 0; c < rawChunks; c++) {
      const n = Math.min(chunkBytes, o.raw - c * chunkBytes);
      await handle.write(
        encodeChunkHeader({ type: ChunkType.RAW, blocks: n / blk, totalSize: 12 + n }),
      );
      await handle.write(payload.subarray(0, n));
      const skip = c === rawChunks - 1 ? left : gap;
      left -= skip;
      await handle.write(
        encodeChunkHeader({ type: ChunkType.DONT_CARE, blocks: skip, totalSize: 12 }),
      );
    }
    if (fillBlocks > 0)
      await handle.write(
        Buffer.concat([
          encodeChunkHeader({ type: ChunkType.FILL, blocks: fillBlocks, totalSize: 16 }),
          Buffer.from([0xa5, 0xa5, 0xa5, 0xa5]),
        ]),
      );
  } finally {
    await handle.close();
  }
}

/** An eMMC/UFS package: one rawprogram0.xml programming `images` back to back on LUN 0. */
export async function androidPackage(
  root: string,
  sectorSize: number,
  images: { file: string; bytes: number; sparse?: boolean }[],
): Promise<void> {
  await mkdir(root, { recursive: true });
  let start = 6;
  const lines = images.map(({ file, bytes, sparse }) => {
    const sectors = Math.ceil(bytes / sectorSize);
    const line = `<program SECTOR_SIZE_IN_BYTES="${sectorSize}" filename="${file}" label="${file.replace(/\W/g, '_')}" num_partition_sectors="${sectors}" physical_partition_number="0" sparse="${sparse ? 'true' : 'false'}" start_sector="${start}"/>`;
    start += sectors;
    return line;
  });
  await writeFile(
    join(root, 'rawprogram0.xml'),
    `<?xml version="1.0" ?>\n<data>\n${lines.join('\n')}\n</data>\n`,
  );
  await writeFile(join(root, 'prog_firehose_ddr.elf'), buildTestProgrammer());
}

/** A Quectel NAND package (4 KiB pages, 256 KiB blocks): an erase and a program per image. */
export async function nandPackage(
  root: string,
  images: { file: string; bytes: number }[],
): Promise<void> {
  await mkdir(join(root, 'update/firehose'), { recursive: true });
  let start = 0;
  const lines: string[] = [];
  for (const { file, bytes } of images) {
    const sectors = Math.ceil(bytes / 4096 / 64) * 64;
    const a = `PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="4096"`;
    lines.push(
      `<erase ${a} num_partition_sectors="${sectors}" physical_partition_number="0" start_sector="${start}"/>`,
    );
    lines.push(
      `<program ${a} filename="..\\${file}" num_partition_sectors="${sectors}" physical_partition_number="0" start_sector="${start}"/>`,
    );
    start += sectors;
  }
  await writeFile(
    join(root, 'update/firehose/rawprogram_nand_p4K_b256K_update.xml'),
    `<?xml version="1.0" ?>\n<data>\n${lines.join('\n')}\n</data>\n`,
  );
  await writeFile(join(root, 'update/firehose/prog_firehose_sdx55.mbn'), buildTestProgrammer());
}

/** Image sizes of the real RM500Q session (captures.md §3: 191.9 MB in all; large ones as logged). */
export const RM500Q_IMAGES: readonly { file: string; bytes: number }[] = [
  { file: 'NON-HLOS.ubi', bytes: 76_300_000 },
  { file: 'sdxprairie-sysfs.ubi', bytes: 67_100_000 },
  { file: 'sdxprairie-boot.img', bytes: 10_400_000 },
  { file: 'sdxprairie-recoveryfs.ubi', bytes: 24_000_000 },
  { file: 'usrdata.ubi', bytes: 8_000_000 },
  { file: 'multi_image.mbn', bytes: 6_100_000 },
];
