import { describe, expect, it } from 'vitest';
import type { DeviceFacts } from '../../src/device-facts.js';
import { readPackage } from '../../src/package/index.js';
import { planPackage } from '../../src/plan/index.js';
import { bytesOf, elfStub, makePackage } from '../helpers/package-dir.js';

/** The codes placement checks give (src/plan/placement.ts), and only those. */
const PLACEMENT = new Set([
  'PLAN_NEGATIVE_START',
  'PLAN_NEGATIVE_SIZE',
  'PLAN_ERASE_UNALIGNED',
  'PLAN_NO_SUCH_LUN',
  'PLAN_SECTOR_SIZE_MISMATCH',
  'PLAN_UNRESOLVED',
  'PLAN_BEYOND_DISK',
  'PLAN_OVERLAP',
  'PLAN_IMAGE_TOO_LARGE',
]);

const DISK = 10_000;
const EMMC: DeviceFacts = {
  storage: 'emmc',
  sectorSize: 512,
  lunSectors: { 0: DISK },
  lunCount: 1,
};
const NAND: DeviceFacts = {
  storage: 'nand',
  sectorSize: 2048,
  lunSectors: { 0: 65_536 },
  lunCount: 1,
  nandBlocks: 1024,
  pagesPerBlock: 64,
};

type Attrs = Record<string, string | number>;
const element = (tag: string, attrs: Attrs): string =>
  `<${tag} ${Object.entries(attrs)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ')} />`;
const emmcLine = (tag: string, attrs: Attrs): string =>
  element(tag, { SECTOR_SIZE_IN_BYTES: 512, physical_partition_number: 0, ...attrs });
const nandLine = (tag: string, attrs: Attrs): string =>
  element(tag, { SECTOR_SIZE_IN_BYTES: 2048, PAGES_PER_BLOCK: 64, ...attrs });
const data = (lines: string[]): string =>
  `<?xml version="1.0" ?>\n<data>\n${lines.join('\n')}\n</data>\n`;

/** The placement codes of a package made of these rawprogram lines (and patch lines). */
async function placement(
  c: { rawprogram: string[]; patch?: string[]; files?: Record<string, Uint8Array> },
  facts: DeviceFacts | undefined,
): Promise<string[]> {
  const root = await makePackage({
    'prog_firehose_ddr.elf': elfStub(),
    'rawprogram0.xml': data(c.rawprogram),
    ...(c.patch ? { 'patch0.xml': data(c.patch) } : {}),
    ...c.files,
  });
  const pkg = await readPackage(root);
  return planPackage(pkg, { facts })
    .findings.filter((f) => f.level === 'refuse' && PLACEMENT.has(f.code))
    .map((f) => f.code);
}

const image = (sectors: number, seed = 1): Uint8Array => bytesOf(sectors * 512, seed);
const program = (file: string, start: string | number, sectors: string | number): string =>
  emmcLine('program', {
    filename: file,
    label: file,
    start_sector: start,
    num_partition_sectors: sectors,
  });

describe('placement: a clean layout is not refused', () => {
  it('two images inside their partitions, a GPT at the end: no placement refusal', async () => {
    const codes = await placement(
      {
        rawprogram: [program('a.img', 34, 100), program('b.img', 134, 100)],
        patch: [
          emmcLine('patch', {
            byte_offset: 0,
            filename: 'DISK',
            size_in_bytes: 4,
            start_sector: 'NUM_DISK_SECTORS-1.',
            value: 0,
          }),
        ],
        files: { 'a.img': image(100), 'b.img': image(50, 2) },
      },
      EMMC,
    );
    expect(codes).toEqual([]);
  });
});

describe('placement: erase entries', () => {
  it('a huge sector count is refused once the disk size is known', async () => {
    const rawprogram = [
      emmcLine('erase', { start_sector: 100, num_partition_sectors: 999_999_999 }),
    ];
    expect(await placement({ rawprogram }, undefined)).toEqual([]);
    expect(await placement({ rawprogram }, EMMC)).toEqual(['PLAN_BEYOND_DISK']);
  });

  it('the disk end exactly: a range ending on the last sector passes, one sector more is refused', async () => {
    const at = (sectors: number) => [
      emmcLine('erase', { start_sector: DISK - 8, num_partition_sectors: sectors }),
    ];
    expect(await placement({ rawprogram: at(8) }, EMMC)).toEqual([]);
    expect(await placement({ rawprogram: at(9) }, EMMC)).toEqual(['PLAN_BEYOND_DISK']);
  });

  it('a DISK patch on the last sector passes; one on the sector after the disk is refused', async () => {
    const patch = (sector: number) => [
      emmcLine('patch', {
        byte_offset: 0,
        filename: 'DISK',
        size_in_bytes: 4,
        start_sector: sector,
        value: 0,
      }),
    ];
    expect(await placement({ rawprogram: [], patch: patch(DISK - 1) }, EMMC)).toEqual([]);
    expect(await placement({ rawprogram: [], patch: patch(DISK) }, EMMC)).toEqual([
      'PLAN_BEYOND_DISK',
    ]);
  });

  it('a start beyond the disk is refused', async () => {
    const rawprogram = [emmcLine('erase', { start_sector: DISK + 10, num_partition_sectors: 8 })];
    expect(await placement({ rawprogram }, EMMC)).toEqual(['PLAN_BEYOND_DISK']);
  });

  it('a negative start or size is refused from the package alone', async () => {
    const start = [emmcLine('erase', { start_sector: '0-8', num_partition_sectors: 8 })];
    const size = [emmcLine('erase', { start_sector: 8, num_partition_sectors: '0-8' })];
    expect(await placement({ rawprogram: start }, undefined)).toEqual(['PLAN_NEGATIVE_START']);
    expect(await placement({ rawprogram: size }, undefined)).toEqual(['PLAN_NEGATIVE_SIZE']);
  });

  it('a NAND erase off a block boundary is refused from the package alone', async () => {
    const start = [nandLine('erase', { start_sector: 65, num_partition_sectors: 64 })];
    const size = [nandLine('erase', { start_sector: 64, num_partition_sectors: 100 })];
    const aligned = [nandLine('erase', { start_sector: 128, num_partition_sectors: 192 })];
    expect(await placement({ rawprogram: start }, undefined)).toEqual(['PLAN_ERASE_UNALIGNED']);
    expect(await placement({ rawprogram: size }, NAND)).toEqual(['PLAN_ERASE_UNALIGNED']);
    expect(await placement({ rawprogram: aligned }, NAND)).toEqual([]);
  });
});

describe('placement: program lines against the disk', () => {
  const files = { 'a.img': image(10) };

  it('a start beyond the disk', async () => {
    const rawprogram = [program('a.img', DISK + 1, 10)];
    expect(await placement({ rawprogram, files }, undefined)).toEqual([]);
    expect(await placement({ rawprogram, files }, EMMC)).toEqual(['PLAN_BEYOND_DISK']);
  });

  it('NUM_DISK_SECTORS+N, and an image that runs off the end', async () => {
    const past = [program('a.img', 'NUM_DISK_SECTORS+4.', 10)];
    const end = [program('a.img', 'NUM_DISK_SECTORS-5.', 10)];
    expect(await placement({ rawprogram: past, files }, EMMC)).toEqual(['PLAN_BEYOND_DISK']);
    expect(await placement({ rawprogram: end, files }, EMMC)).toEqual(['PLAN_BEYOND_DISK']);
  });

  it('a LUN the modem does not have, whether num_physical says so or the LUN went unanswered', async () => {
    const rawprogram = [
      emmcLine('program', {
        filename: 'a.img',
        start_sector: 0,
        num_partition_sectors: 10,
        physical_partition_number: 2,
      }),
    ];
    expect(await placement({ rawprogram, files }, EMMC)).toEqual(['PLAN_NO_SUCH_LUN']);
    const unanswered = { ...EMMC, lunCount: 4 };
    expect(await placement({ rawprogram, files }, unanswered)).toEqual(['PLAN_NO_SUCH_LUN']);
  });

  it('a line whose sector size is not the modem’s', async () => {
    const rawprogram = [
      program('a.img', 0, 10),
      emmcLine('program', {
        filename: 'b.img',
        start_sector: 20,
        num_partition_sectors: 2,
        SECTOR_SIZE_IN_BYTES: 4096,
      }),
    ];
    const codes = await placement(
      { rawprogram, files: { ...files, 'b.img': bytesOf(4096) } },
      EMMC,
    );
    expect(codes).toEqual(['PLAN_SECTOR_SIZE_MISMATCH']);
  });

  it('a negative program start is refused from the package alone', async () => {
    const rawprogram = [program('a.img', '0-1', 10)];
    expect(await placement({ rawprogram, files }, undefined)).toEqual(['PLAN_NEGATIVE_START']);
  });

  it('a patch of a sector beyond the disk', async () => {
    const patch = [
      emmcLine('patch', {
        byte_offset: 0,
        filename: 'DISK',
        size_in_bytes: 4,
        start_sector: 'NUM_DISK_SECTORS+3.',
        value: 0,
      }),
    ];
    expect(await placement({ rawprogram: [program('a.img', 0, 10)], patch, files }, EMMC)).toEqual([
      'PLAN_BEYOND_DISK',
    ]);
  });
});

describe('placement: grow entries and overlaps', () => {
  it('a grow entry (num_partition_sectors="0") whose image runs into the next partition', async () => {
    const rawprogram = [program('a.img', 100, 0), program('b.img', 105, 50)];
    const files = { 'a.img': image(10), 'b.img': image(50, 2) };
    // Known from the package alone: both places are plain numbers.
    expect(await placement({ rawprogram, files }, undefined)).toEqual(['PLAN_OVERLAP']);
    expect(await placement({ rawprogram, files }, EMMC)).toEqual(['PLAN_OVERLAP']);
  });

  it('an image that overlaps an empty-filename partition the layout declares', async () => {
    const rawprogram = [
      program('a.img', 100, 0),
      emmcLine('program', {
        filename: '',
        label: 'modemst1',
        start_sector: 104,
        num_partition_sectors: 8,
      }),
    ];
    expect(await placement({ rawprogram, files: { 'a.img': image(6) } }, undefined)).toEqual([
      'PLAN_OVERLAP',
    ]);
  });

  it('a size that is an expression is checked once the disk gives it a value', async () => {
    const rawprogram = [program('a.img', 0, `NUM_DISK_SECTORS-${DISK - 8}.`)];
    const files = { 'a.img': image(10) };
    expect(await placement({ rawprogram, files }, undefined)).toEqual([]);
    expect(await placement({ rawprogram, files }, EMMC)).toEqual(['PLAN_IMAGE_TOO_LARGE']);
  });

  it('the same partition listed in two rawprogram files is not an overlap', async () => {
    const line = program('a.img', 100, 20);
    const root = await makePackage({
      'prog_firehose_ddr.elf': elfStub(),
      'rawprogram0.xml': data([line]),
      'rawprogram0_extra.xml': data([
        emmcLine('program', {
          filename: '',
          label: 'a.img',
          start_sector: 100,
          num_partition_sectors: 20,
        }),
      ]),
      'a.img': image(20),
    });
    const pkg = await readPackage(root);
    const codes = planPackage(pkg, { facts: EMMC }).findings.filter((f) => PLACEMENT.has(f.code));
    expect(codes).toEqual([]);
  });
});
