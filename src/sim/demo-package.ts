/**
 * Builds a firmware folder shaped like Quectel's EG25-G 30.006 package (same file names,
 * folder layout, rawprogram entries with the real start sectors and partition sizes,
 * QFirehose md5.txt, MIBIB with its patch file) with generated images and a test
 * programmer, for `qfh demo` and for library users who want something to flash.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { buildMibib, EG25G_PARTITIONS } from './mibib-image.js';
import { nandBootElfOffset, nandBootImage } from './nand-boot-image.js';
import { buildTestProgrammer } from './programmer-image.js';

/** `[tag, file (relative to update/firehose, Windows-style as in the real file), start sector, sectors]`, in the real file's order. */
const LAYOUT: readonly (readonly ['program' | 'erase', string, number, number])[] = [
  ['program', '..\\sbl1.mbn', 0, 640],
  ['program', 'partition_complete_p2K_b128K.mbn', 640, 640],
  ['program', '..\\tz.mbn', 13184, 768],
  ['erase', '', 13952, 576],
  ['erase', '', 15552, 768],
  ['program', '..\\appsboot.mbn', 15552, 768],
  ['erase', '', 16320, 3968],
  ['program', '..\\mdm9607-boot.img', 16320, 3968],
  ['erase', '', 20288, 3968],
  ['program', '..\\mdm9607-boot.img', 20288, 3968],
  ['erase', '', 24256, 27392],
  ['program', '..\\NON-HLOS.ubi', 24256, 27392],
  ['erase', '', 51968, 10368],
  ['program', '..\\mdm9607-recovery.ubi', 51968, 10368],
  ['erase', '', 62336, 30720],
  ['program', '..\\usrdata.ubi', 62336, 30720],
  ['erase', '', 93312, 37760],
  ['program', '..\\mdm9607-sysfs.ubi', 93312, 37760],
  ['erase', '', 13184, 768],
  ['erase', '', 640, 640],
  ['erase', '', 0, 640],
  ['program', '..\\rpm.mbn', 13952, 576],
];

/** Image sizes: the real ones where the package snapshot has them (research/captures.md §2.1), scaled stand-ins otherwise. */
const SIZES: Readonly<Record<string, number>> = {
  'sbl1.mbn': 223176,
  'tz.mbn': 526844,
  'appsboot.mbn': 477916,
  'rpm.mbn': 160904,
  'usrdata.ubi': 2097152,
  'mdm9607-boot.img': 3694592,
  'mdm9607-recovery.ubi': 3932160,
  'NON-HLOS.ubi': 8 << 20,
  'mdm9607-sysfs.ubi': 8 << 20,
};

/**
 * Generated image bytes; the boot images (`.mbn`) start with an ELF header, as Qualcomm boot
 * images do, so a modem holding this sbl1 boots (the simulator checks for one after a reset).
 */
function image(size: number, seed: number, elf: boolean): Uint8Array {
  const header = elf
    ? buildTestProgrammer({ segmentSizes: [4096], signatureBytes: 64, seed })
    : new Uint8Array(0);
  // However small the package is scaled, a boot image keeps its whole ELF.
  const out = new Uint8Array(Math.max(size, header.length));
  let x = seed * 0x9e3779b1;
  for (let i = 0; i < out.length; i += 4) {
    x = (Math.imul(x ^ (x >>> 16), 0x45d9f3b) + i) >>> 0;
    out[i] = x & 0xff;
    out[i + 1] = (x >>> 8) & 0xff;
    out[i + 2] = (x >>> 16) & 0xff;
    out[i + 3] = x >>> 24;
  }
  out.set(header);
  return out;
}

/** Options for {@link buildDemoPackage}. */
export interface DemoPackageOptions {
  /** Image sizes as a fraction of the real ones (a small package of the same shape). @default 1 */
  scale?: number;
  /** The programmer to ship. @default buildTestProgrammer() */
  programmer?: Uint8Array;
}

/** Writes the demo package under `parent` (as `name`); returns its folder. */
export async function buildDemoPackage(
  parent: string,
  name = 'EG25GGBR07A08M2G_30.006.30.006',
  options: DemoPackageOptions = {},
): Promise<string> {
  const root = join(parent, name);
  const files = new Map<string, Uint8Array | string>();
  const xml = (tag: string, file: string, start: number, sectors: number): string =>
    `  <${tag} PAGES_PER_BLOCK="64" SECTOR_SIZE_IN_BYTES="2048" ${tag === 'program' ? `filename="${file}" ` : ''}num_partition_sectors="${sectors}" physical_partition_number="0" start_sector="${start}"/>`;
  files.set(
    'update/firehose/rawprogram_nand_p2K_b128K_update.xml',
    [
      '<?xml version="1.0" ?>',
      '<data>',
      '  <!--NOTE: qfh demo package, shaped like EG25GGBR07A08M2G_30.006.30.006-->',
      '  <!--BlockSize = 128 KB-->',
      '  <!--PageSize  = 2 KB-->',
      '  <!--NUM_PARTITION_SECTORS  = 131072-->',
      ...LAYOUT.map(([t, f, s, n]) => xml(t, f, s, n)),
      '</data>',
      '',
    ].join('\n'),
  );
  files.set(
    'update/firehose/patch_p2K_b128K.xml',
    [
      '<?xml version="1.0" ?>',
      '<patches>',
      '  <patch SECTOR_SIZE_IN_BYTES="2048" byte_offset="484" filename="partition_complete_p2K_b128K.mbn" physical_partition_number="0" size_in_bytes="4" start_sector="1" value="NUM_DISK_BLOCKS-1458." what="Update MIBIB partition last sector size limit"/>',
      '  <patch SECTOR_SIZE_IN_BYTES="2048" byte_offset="12" filename="partition_complete_p2K_b128K.mbn" physical_partition_number="0" size_in_bytes="4" start_sector="3" value="CRC32(0,4096)" what="Update MIBIB partition with CRC of MIBIB header sector and Syster partition sector."/>',
      '</patches>',
      '',
    ].join('\n'),
  );
  files.set('update/firehose/partition_complete_p2K_b128K.mbn', buildMibib(EG25G_PARTITIONS));
  files.set(
    'update/firehose/prog_nand_firehose_9x07.mbn',
    options.programmer ?? buildTestProgrammer(),
  );
  const scale = options.scale ?? 1;
  Object.entries(SIZES).forEach(([name, size], i) => {
    const bytes = Math.max(1, Math.round(size * scale));
    // sbl1 goes to NAND page 0: the codeword pages, then its ELF, as Quectel's is laid out.
    const boot = name === 'sbl1.mbn' ? nandBootElfOffset(2048) : 0;
    const elf = image(Math.max(1, bytes - boot), i + 1, name.endsWith('.mbn'));
    files.set(`update/${name}`, boot ? nandBootImage(elf, 2048) : elf);
  });
  const md5 = [
    'VERSION:1.0',
    'FILE:START',
    ...[...files].map(
      ([path, content]) =>
        `FILE:\\${path.replace(/\//g, '\\')}:${createHash('md5').update(content).digest('hex').toUpperCase()}`,
    ),
    'FILE:END',
    '',
  ];
  files.set('md5.txt', md5.join('\r\n'));
  for (const [path, content] of files) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}
