/**
 * Bad packages, one per class of issue 12, each built from a good one by a single change (and
 * md5.txt made anew over the changed files, so that md5 is never what refuses it unless the
 * class is about md5). `knownFromPackage` says whether `qfh plan` alone must refuse it; the
 * others need the modem's getstorageinfo answer.
 */
import { readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { buildDemoPackage } from '../../src/sim/index.js';
import { encodeSparse } from '../../src/sparse/index.js';
import { bytesOf, elfStub, makePackage, writeMd5Txt } from './package-dir.js';

/** One bad package class. */
export interface BadPackage {
  readonly name: string;
  /** The simulator profile the package is for. */
  readonly profile: 'eg25g' | 'msm8974-emmc';
  /** Refusal codes, any of which is right. */
  readonly codes: readonly string[];
  /** `qfh plan` refuses it with no modem. */
  readonly knownFromPackage: boolean;
  /** Extra command-line arguments (e.g. a --programmer). */
  readonly args?: (root: string) => string[];
  /**
   * Why the fault cannot be carried into a zip (a symbolic link in a folder is read through
   * when zipped; links inside zips have their own tests in zip-refusals.test.ts).
   */
  readonly folderOnly?: string;
  build(): Promise<string>;
}

const RP = 'update/firehose/rawprogram_nand_p2K_b128K_update.xml';
const PROGRAMMER = 'update/firehose/prog_nand_firehose_9x07.mbn';

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => relative(root, join(e.parentPath, e.name)).replace(/\\/g, '/'))
    .filter((p) => p !== 'md5.txt')
    .sort();
}

/** The demo NAND package with `change` applied, and md5.txt over every file made anew. */
async function nand(
  change: (root: string) => Promise<void>,
  md5: 'rewrite' | 'keep' = 'rewrite',
): Promise<string> {
  const root = await buildDemoPackage(dirname(await makePackage({}, 'unused')));
  await change(root);
  if (md5 === 'rewrite') await writeMd5Txt(root, await filesUnder(root));
  return root;
}

/** Replaces `from` (which must occur) in the NAND rawprogram. */
const editRawprogram =
  (from: string | RegExp, to: string) =>
  async (root: string): Promise<void> => {
    const path = join(root, RP);
    const text = await readFile(path, 'utf8');
    const next = text.replace(from, to);
    if (next === text) throw new Error(`bad-packages: ${String(from)} not in ${RP}`);
    await writeFile(path, next);
  };

const ERASE_RPM = /num_partition_sectors="576" physical_partition_number="0" start_sector="13952"/;
const USRDATA =
  /(filename="..\\usrdata.ubi" num_partition_sectors="30720" physical_partition_number=")0(" start_sector=")62336/;

/** An eMMC package for msm8974-emmc: one raw image and one sparse image. */
async function emmc(sparse: (image: Uint8Array) => Uint8Array): Promise<string> {
  const line = (file: string, start: number, sparseFlag: boolean): string =>
    `<program SECTOR_SIZE_IN_BYTES="512" file_sector_offset="0" filename="${file}" label="${file}" num_partition_sectors="2048" physical_partition_number="0" sparse="${sparseFlag}" start_sector="${start}" />`;
  const content = bytesOf(64 * 4096, 9);
  content.fill(0x33, 8 * 4096, 16 * 4096);
  const root = await makePackage({
    'prog_emmc_firehose_8974.mbn': elfStub(),
    'rawprogram0.xml': `<?xml version="1.0" ?>\n<data>\n${line('boot.img', 2048, false)}\n${line('system.img', 4096, true)}\n</data>\n`,
    'boot.img': bytesOf(100_000, 3),
    'system.img': sparse(encodeSparse(content, { appendCrc: true })),
  });
  await writeMd5Txt(root, [
    'prog_emmc_firehose_8974.mbn',
    'rawprogram0.xml',
    'boot.img',
    'system.img',
  ]);
  return root;
}

const flipByte = (image: Uint8Array, at: number): Uint8Array => {
  image[at] = (image[at] ?? 0) ^ 0xff;
  return image;
};

/** Every class, NAND ones on the EG25-G demo package. */
export const BAD_PACKAGES: readonly BadPackage[] = [
  {
    name: 'erase with a huge sector count',
    profile: 'eg25g',
    codes: ['PLAN_BEYOND_DISK'],
    knownFromPackage: false,
    build: () =>
      nand(
        editRawprogram(
          ERASE_RPM,
          'num_partition_sectors="999999936" physical_partition_number="0" start_sector="13952"',
        ),
      ),
  },
  {
    name: 'erase starting beyond the disk',
    profile: 'eg25g',
    codes: ['PLAN_BEYOND_DISK'],
    knownFromPackage: false,
    build: () =>
      nand(
        editRawprogram(
          ERASE_RPM,
          'num_partition_sectors="576" physical_partition_number="0" start_sector="140032"',
        ),
      ),
  },
  {
    name: 'erase with an unaligned start',
    profile: 'eg25g',
    codes: ['PLAN_ERASE_UNALIGNED'],
    knownFromPackage: true,
    build: () =>
      nand(
        editRawprogram(
          ERASE_RPM,
          'num_partition_sectors="576" physical_partition_number="0" start_sector="13953"',
        ),
      ),
  },
  {
    name: 'erase with a negative start',
    profile: 'eg25g',
    codes: ['PLAN_NEGATIVE_START'],
    knownFromPackage: true,
    build: () =>
      nand(
        editRawprogram(
          ERASE_RPM,
          'num_partition_sectors="576" physical_partition_number="0" start_sector="0-64"',
        ),
      ),
  },
  {
    name: 'erase with no sector count',
    profile: 'eg25g',
    codes: ['PKG_ERASE_NO_RANGE'],
    knownFromPackage: true,
    build: () =>
      nand(editRawprogram(ERASE_RPM, 'physical_partition_number="0" start_sector="13952"')),
  },
  {
    name: 'program starting beyond the disk',
    profile: 'eg25g',
    codes: ['PLAN_BEYOND_DISK'],
    knownFromPackage: false,
    build: () => nand(editRawprogram(USRDATA, '$10$2131200')),
  },
  {
    name: 'program at NUM_DISK_SECTORS+64',
    profile: 'eg25g',
    codes: ['PLAN_BEYOND_DISK'],
    knownFromPackage: false,
    build: () => nand(editRawprogram(USRDATA, '$10$2NUM_DISK_SECTORS+64.')),
  },
  {
    name: 'program on a LUN the modem does not have',
    profile: 'eg25g',
    codes: ['PLAN_NO_SUCH_LUN'],
    knownFromPackage: false,
    build: () => nand(editRawprogram(USRDATA, '$12$262336')),
  },
  {
    name: 'a line in 4096-byte pages on a 2048-byte NAND',
    profile: 'eg25g',
    codes: ['PLAN_SECTOR_SIZE_MISMATCH'],
    knownFromPackage: false,
    build: () =>
      nand(
        editRawprogram(
          'SECTOR_SIZE_IN_BYTES="2048" filename="..\\usrdata.ubi"',
          'SECTOR_SIZE_IN_BYTES="4096" filename="..\\usrdata.ubi"',
        ),
      ),
  },
  {
    name: 'a grow entry whose image runs into the next partition',
    profile: 'eg25g',
    codes: ['PLAN_OVERLAP'],
    knownFromPackage: true,
    build: () =>
      nand(async (root) => {
        await editRawprogram(
          'filename="..\\tz.mbn" num_partition_sectors="768"',
          'filename="..\\tz.mbn" num_partition_sectors="0"',
        )(root);
        await writeFile(join(root, 'update/tz.mbn'), bytesOf(800 * 2048, 4));
      }),
  },
  {
    name: 'the programmer is a link out of the package',
    profile: 'eg25g',
    folderOnly: 'zipping a folder reads through its links',
    codes: ['PKG_PATH_ESCAPE'],
    knownFromPackage: true,
    build: () =>
      nand(async (root) => {
        const outside = join(dirname(root), 'elsewhere.mbn');
        await rename(join(root, PROGRAMMER), outside);
        await symlink(outside, join(root, PROGRAMMER));
      }),
  },
  {
    name: 'the rawprogram is a link out of the package',
    profile: 'eg25g',
    folderOnly: 'zipping a folder reads through its links',
    codes: ['PKG_PATH_ESCAPE'],
    knownFromPackage: true,
    build: () =>
      nand(async (root) => {
        const outside = join(dirname(root), 'elsewhere.xml');
        await rename(join(root, RP), outside);
        await symlink(outside, join(root, RP));
      }),
  },
  {
    name: 'no md5.txt',
    profile: 'eg25g',
    codes: ['PKG_NO_MD5'],
    knownFromPackage: true,
    build: () => nand((root) => rm(join(root, 'md5.txt')), 'keep'),
  },
  {
    name: 'an image md5.txt does not list',
    profile: 'eg25g',
    codes: ['PKG_MD5_UNLISTED'],
    knownFromPackage: true,
    build: () =>
      nand(async (root) => {
        const path = join(root, 'md5.txt');
        const text = await readFile(path, 'utf8');
        await writeFile(path, text.replace(/^FILE:\\update\\rpm\.mbn:.*\r\n/m, ''));
      }, 'keep'),
  },
  {
    name: 'the programmer is not an ELF',
    profile: 'eg25g',
    codes: ['PKG_PROGRAMMER_NOT_ELF'],
    knownFromPackage: true,
    build: () => nand((root) => writeFile(join(root, PROGRAMMER), bytesOf(4096, 5))),
  },
  {
    name: '--programmer names a file that is not a programmer',
    profile: 'eg25g',
    codes: ['QFH_PROGRAMMER_INVALID'],
    knownFromPackage: true,
    args: (root) => ['--programmer', join(root, 'update/usrdata.ubi')],
    build: () => nand(async () => undefined),
  },
  {
    name: '--programmer names a folder',
    profile: 'eg25g',
    codes: ['QFH_PROGRAMMER_INVALID'],
    knownFromPackage: true,
    args: (root) => ['--programmer', join(root, 'update')],
    build: () => nand(async () => undefined),
  },
  {
    name: 'a sparse image whose CRC32 chunk does not match its data',
    profile: 'msm8974-emmc',
    codes: ['PKG_SPARSE_CORRUPT'],
    knownFromPackage: true,
    // A byte of the first RAW chunk's data (after the 28-byte file and 12-byte chunk headers).
    build: () => emmc((image) => flipByte(image, 28 + 12 + 100)),
  },
  {
    name: 'a sparse image with bytes after its last chunk',
    profile: 'msm8974-emmc',
    codes: ['PKG_SPARSE_CORRUPT'],
    knownFromPackage: true,
    build: () => emmc((image) => Buffer.concat([image, Buffer.alloc(512, 1)])),
  },
];
