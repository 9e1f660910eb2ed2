/**
 * Firmware packages for the cases and the storage each must leave, computed independently
 * of qfh's package and plan code (rawprogram lines read with a regex, images zero-padded to
 * whole sectors, NAND erases to 0xFF), and the check of a storage dump against it.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildDemoPackage, buildTestProgrammer } from '../../../src/sim/index.js';
import { lines, padded } from '../../helpers/reference.js';

/** A small programmer (the default one is 270 KB; the PBL checks it the same way). */
const programmer = (): Uint8Array => buildTestProgrammer({ segmentSizes: [0x3000, 0x1800] });

/** The demo package's shape at 1/256 of its size: small enough to keep its capture as a fixture. */
export const NAND_FIXTURE_SCALE = 1 / 256;

/** Small eMMC images only (file, label, bytes): a capture small enough to keep as a fixture. */
export const EMMC_SMALL: readonly (readonly [string, string, number])[] = [
  ['sbl1.mbn', 'sbl1', 19_981],
  ['rpm.mbn', 'rpm', 7_433],
  ['tz.mbn', 'tz', 33_333],
  ['emmc_appsboot.mbn', 'aboot', 12_345],
];
/** Where {@link EMMC_SMALL} is laid out from. */
export const EMMC_SMALL_FIRST_SECTOR = 16_384;

/** The demo package's shape (EG25-G 30.006 layout) with images `scale` times the real sizes. */
export function nandPackage(parent: string, scale: number): Promise<string> {
  return buildDemoPackage(parent, 'EG25GGBR07A08M2G_30.006.30.006', {
    scale,
    programmer: programmer(),
  });
}

function bytesOf(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/**
 * An Android eMMC package (rawprogram0.xml as the OnePlus X one words it, an ELF
 * programmer, md5.txt): one image per `[file, label, size]`, partitions laid out one after
 * another from `firstSector` with room to spare. With `sectorSize` 4096, a UFS one (LUN 0).
 */
export async function emmcPackage(
  parent: string,
  images: readonly (readonly [string, string, number])[],
  firstSector: number,
  sectorSize = 512,
): Promise<string> {
  const root = join(parent, sectorSize === 512 ? 'msm8953-emmc-package' : 'ufs-package');
  await mkdir(root, { recursive: true });
  const files = new Map<string, Uint8Array | string>();
  const rows: string[] = [];
  let start = firstSector;
  for (const [i, [file, label, size]] of images.entries()) {
    const sectors = Math.ceil((size + 4096) / sectorSize / 64) * 64;
    files.set(file, bytesOf(size, i + 1));
    rows.push(
      `  <program SECTOR_SIZE_IN_BYTES="${sectorSize}" file_sector_offset="0" filename="${file}" label="${label}" num_partition_sectors="${sectors}" partofsingleimage="false" physical_partition_number="0" readbackverify="false" size_in_KB="${(sectors * sectorSize) / 1024}.0" sparse="false" start_byte_hex="0x${(start * sectorSize).toString(16)}" start_sector="${start}"/>`,
    );
    start += sectors;
  }
  files.set(
    'rawprogram0.xml',
    ['<?xml version="1.0" ?>', '<data>', ...rows, '</data>', ''].join('\n'),
  );
  files.set('prog_emmc_firehose_8953_ddr.mbn', programmer());
  const md5 = [...files].map(
    ([path, c]) => `FILE:\\${path}:${createHash('md5').update(c).digest('hex').toUpperCase()}`,
  );
  files.set('md5.txt', ['VERSION:1.0', 'FILE:START', ...md5, 'FILE:END', ''].join('\r\n'));
  for (const [path, content] of files) await writeFile(join(root, path), content);
  return root;
}

/** Compares `dump` from `offset` with `image` and then `fill` up to `length` bytes, a MiB at a time. */
async function matches(
  dump: string,
  offset: number,
  expected: { image: Uint8Array; fill: number; length: number },
): Promise<boolean> {
  const handle = await open(dump, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    const fill = Buffer.alloc(1 << 20, expected.fill);
    for (let at = 0; at < expected.length; at += chunk.length) {
      const n = Math.min(chunk.length, expected.length - at);
      const { bytesRead } = await handle.read(chunk, 0, n, offset + at);
      if (bytesRead !== n) return false;
      const want = Buffer.from(fill.subarray(0, n));
      if (at < expected.image.length) want.set(expected.image.subarray(at, at + n));
      if (!chunk.subarray(0, n).equals(want)) return false;
    }
    return true;
  } finally {
    await handle.close();
  }
}

/** Whether `dump` holds exactly `image` at `offset`. */
export function matchesDump(dump: string, offset: number, image: Uint8Array): Promise<boolean> {
  return matches(dump, offset, { image, fill: 0, length: image.length });
}

const packageFile = (p: Record<string, string>): string =>
  (p['filename'] ?? '').replace(/^\.\.\\/, 'update/').replace(/^([^/]+)$/, 'update/firehose/$1');

/** NAND: every erased range is 0xFF except the image programmed at its start; returns ranges checked. */
export async function checkNandDump(root: string, dump: string): Promise<number> {
  const rawprogram = await readFile(
    join(root, 'update/firehose/rawprogram_nand_p2K_b128K_update.xml'),
    'utf8',
  );
  const programs = lines(rawprogram, 'program');
  let checked = 0;
  for (const e of lines(rawprogram, 'erase')) {
    const [start, count, size] = [
      'start_sector',
      'num_partition_sectors',
      'SECTOR_SIZE_IN_BYTES',
    ].map((k) => Number(e[k])) as [number, number, number];
    const program = programs.find((x) => Number(x['start_sector']) === start);
    const image = program
      ? padded(await readFile(join(root, packageFile(program))), size)
      : new Uint8Array(0);
    if (!(await matches(dump, start * size, { image, fill: 0xff, length: count * size })))
      throw new Error(`NAND sectors ${start}+${count} differ from the expected image`);
    checked++;
  }
  return checked;
}

/** eMMC: every program range holds its image, zero-padded; returns ranges checked. */
export async function checkEmmcDump(root: string, dump: string): Promise<number> {
  const rawprogram = await readFile(join(root, 'rawprogram0.xml'), 'utf8');
  let checked = 0;
  for (const p of lines(rawprogram, 'program')) {
    const size = Number(p['SECTOR_SIZE_IN_BYTES']);
    const start = Number(p['start_sector']);
    const image = padded(await readFile(join(root, p['filename'] ?? '')), size);
    if (!(await matches(dump, start * size, { image, fill: 0, length: image.length })))
      throw new Error(`eMMC ${p['filename']} at sector ${start} differs from its image`);
    checked++;
  }
  return checked;
}
