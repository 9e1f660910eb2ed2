import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  applyFilePatches,
  crcVariantFor,
  evaluateExpression,
  gptHeaderCrc,
  mibibChecksum,
  parseContentsManifest,
  parseGpt,
  parseMd5Manifest,
  parseMibib,
  parsePatchList,
  parseProgramList,
} from '../../src/package/index.js';
import { crc32 } from '../../src/crc32.js';
import { describeReal, realBytes, realText } from '../helpers/real.js';

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
const EG25 = [
  'quectel-eg25g-30.006',
  'quectel-eg25g-30.004.30.004',
  'quectel-eg25g-gc-30.203.30.203',
  'quectel-eg25g-ocpu-01.001.01.001',
];
const RAWPROGRAM = 'rawprogram_nand_p2K_b128K_update.xml';
const PATCH = 'patch_p2K_b128K.xml';
const MIBIB = 'partition_complete_p2K_b128K.mbn';

describeReal('Quectel EG25-G rawprogram files', () => {
  // Counts taken with grep -c on the real files.
  const counts: Record<string, [number, number]> = {
    'quectel-eg25g-30.006': [11, 11],
    'quectel-eg25g-30.004.30.004': [11, 11],
    'quectel-eg25g-gc-30.203.30.203': [9, 9],
    'quectel-eg25g-ocpu-01.001.01.001': [12, 12],
  };
  for (const dir of EG25) {
    it(`${dir}: program/erase counts, NAND geometry, erases of the programmed regions after the programs`, () => {
      const list = parseProgramList(realText(dir, RAWPROGRAM), RAWPROGRAM);
      const programs = list.entries.filter((e) => e.tag === 'program');
      const erases = list.entries.filter((e) => e.tag === 'erase');
      expect([programs.length, erases.length]).toEqual(counts[dir]);
      expect(new Set(list.entries.map((e) => `${e.sectorSize}/${e.pagesPerBlock}`))).toEqual(
        new Set(['2048/64']),
      );
      expect(list.comments).toMatchObject({ blockSizeKiB: 128, pageSizeKiB: 2 });
      const sbl = programs.find((p) => p.filename === '..\\sbl1.mbn');
      const sblErase = erases.find((e) => e.startSector?.text === '0');
      expect(sbl?.startSector?.text).toBe('0');
      expect(sblErase && sbl && sblErase.index > sbl.index).toBe(true);
    });
  }

  it('30.006 programs mdm9607-boot.img twice (boot and recovery) and reads its partition table size comment', () => {
    const list = parseProgramList(realText('quectel-eg25g-30.006', RAWPROGRAM));
    expect(
      list.entries
        .filter((e) => e.filename === '..\\mdm9607-boot.img')
        .map((e) => e.startSector?.text),
    ).toEqual(['16320', '20288']);
    expect(list.comments.numPartitionSectors).toBe(131072);
    expect(
      parseProgramList(realText('quectel-eg25g-gc-30.203.30.203', RAWPROGRAM)).comments
        .numPartitionSectors,
    ).toBe(65536);
  });
});

describeReal('Quectel NAND patch and MIBIB', () => {
  const cases: { dir: string; value: string; offset: number; crc: number }[] = [
    { dir: 'quectel-eg25g-30.006', value: 'NUM_DISK_BLOCKS-1458.', offset: 484, crc: 0xde5d6102 },
    {
      dir: 'quectel-eg25g-30.004.30.004',
      value: 'NUM_DISK_BLOCKS-1470.',
      offset: 484,
      crc: 0x0f0d394d,
    },
    {
      dir: 'quectel-eg25g-ocpu-01.001.01.001',
      value: 'NUM_DISK_BLOCKS-1476.',
      offset: 512,
      crc: 0xdc2afb1d,
    },
  ];
  for (const { dir, value, offset, crc } of cases) {
    it(`${dir}: ${value} at byte ${offset}, MIBIB checksum 0x${crc.toString(16)} recomputed, patches reproduce the shipped file for a 2048-block NAND`, () => {
      const patches = parsePatchList(realText(dir, PATCH), PATCH);
      expect(patches.map((p) => [p.filename, p.value.text])).toEqual([
        [MIBIB, value],
        [MIBIB, 'CRC32(0,4096)'],
      ]);
      expect(patches[0]?.byteOffset).toBe(offset);
      const image = realBytes(dir, MIBIB);
      const mibib = parseMibib(image);
      expect(mibib.pageSize).toBe(2048);
      expect(mibib.checksum).toEqual({ version: 1, stored: crc, computed: crc, matches: true });
      expect(mibibChecksum(image, 2048)).toBe(crc);
      const system = mibib.partitions[mibib.partitions.length - 1];
      expect(system?.name).toBe('0:system');
      expect(system?.lengthFieldOffset).toBe(2048 + offset);
      const blocks = evaluateExpression(patches[0]!.value.expr, { NUM_DISK_BLOCKS: 2048n });
      expect(Number(blocks)).toBe(system?.lengthBlocks);
      expect(Number(blocks) + (system?.offsetBlocks ?? 0)).toBe(2048);
      const patched = applyFilePatches(
        image,
        patches,
        { NUM_DISK_BLOCKS: 2048n },
        crcVariantFor(MIBIB),
      );
      expect(Buffer.from(patched.bytes).equals(image)).toBe(true);
    });
  }

  it('30.006 MIBIB holds the 17 partitions named in the research, and zlib CRC-32 would not match', () => {
    const image = realBytes('quectel-eg25g-30.006', MIBIB);
    expect(parseMibib(image).partitions.map((p) => p.name)).toEqual([
      '0:SBL',
      '0:MIBIB',
      '0:EFS2',
      '0:sys_rev',
      '0:RAWDATA',
      '0:TZ',
      '0:RPM',
      '0:cust_info',
      '0:aboot',
      '0:boot',
      '0:recovery',
      '0:modem',
      '0:misc',
      '0:recoveryfs',
      '0:usr_data',
      '0:sec',
      '0:system',
    ]);
    expect(crc32(image.subarray(0, 4096))).toBe(0x6102bb74);
  });

  it('patching for a 1024-block (128 MiB) NAND rewrites the system length and its checksum consistently', () => {
    const image = realBytes('quectel-eg25g-30.006', MIBIB);
    const { bytes } = applyFilePatches(
      image,
      parsePatchList(realText('quectel-eg25g-30.006', PATCH)),
      { NUM_DISK_BLOCKS: 4096n },
      'msb-first-init0',
    );
    const mibib = parseMibib(bytes);
    expect(mibib.partitions.at(-1)?.lengthBlocks).toBe(4096 - 1458);
    expect(mibib.checksum?.matches).toBe(true);
  });

  it('GC 30.203 patch: NUM_DISK_BLOCKS-476. at byte 428', () => {
    const [first] = parsePatchList(realText('quectel-eg25g-gc-30.203.30.203', PATCH));
    expect([first?.value.text, first?.byteOffset]).toEqual(['NUM_DISK_BLOCKS-476.', 428]);
  });
});

describeReal('Quectel md5 manifests', () => {
  it('30.006 md5.txt: CRLF envelope, backslash paths, digests matching the real files', () => {
    const m = parseMd5Manifest(realText('quectel-eg25g-30.006', 'md5.txt'));
    expect(m.format).toBe('qfirehose');
    expect(m.version).toBe('1.0');
    const byPath = new Map(m.entries.map((e) => [e.path, e.md5]));
    for (const [path, file] of [
      ['contents.xml', 'contents.xml'],
      [`update/firehose/${RAWPROGRAM}`, RAWPROGRAM],
      [`update/firehose/${PATCH}`, PATCH],
      [`update/firehose/${MIBIB}`, MIBIB],
    ] as const) {
      expect(byPath.get(path)).toBe(md5(realBytes('quectel-eg25g-30.006', file)));
    }
    expect(byPath.has('upgrade/targetfiles.zip')).toBe(true);
  });

  it('GC 30.203 md5.txt matches the GC rawprogram and patch', () => {
    const byPath = new Map(
      parseMd5Manifest(realText('quectel-eg25g-gc-30.203.30.203', 'md5.txt')).entries.map((e) => [
        e.path,
        e.md5,
      ]),
    );
    expect(byPath.get(`update/firehose/${RAWPROGRAM}`)).toBe(
      md5(realBytes('quectel-eg25g-gc-30.203.30.203', RAWPROGRAM)),
    );
    expect(byPath.get(`update/firehose/${PATCH}`)).toBe(
      md5(realBytes('quectel-eg25g-gc-30.203.30.203', PATCH)),
    );
  });

  it('GB 30.203 mixed-case digests come out lower case', () => {
    const entries = parseMd5Manifest(realText('quectel-eg25g-gb-30.203.30.203', 'md5.txt')).entries;
    expect(entries.find((e) => e.path === 'update/appsboot.mbn')?.md5).toBe(
      '36dbc33eb49b8fc4968f0cc6b2906aa7',
    );
    expect(entries.every((e) => /^[0-9a-f]{32}$/.test(e.md5))).toBe(true);
    expect(realText('quectel-eg25g-gb-30.203.30.203', 'md5.txt')).toMatch(/[A-F]{3}/);
  });

  it('OCPU md5.txt: entries for the three shipped files match', () => {
    const byPath = new Map(
      parseMd5Manifest(realText('quectel-eg25g-ocpu-01.001.01.001', 'md5.txt')).entries.map((e) => [
        e.path,
        e.md5,
      ]),
    );
    for (const f of [RAWPROGRAM, PATCH, MIBIB])
      expect(byPath.get(`update/firehose/${f}`)).toBe(
        md5(realBytes('quectel-eg25g-ocpu-01.001.01.001', f)),
      );
  });

  it('quectel.md5 is md5sum format, lists itself-adjacent md5.txt, forward slashes', () => {
    const m = parseMd5Manifest(realText('quectel-eg25g-01.001.02', 'quectel.md5'), 'quectel.md5');
    expect(m.format).toBe('md5sum');
    expect(m.entries[0]).toEqual({
      path: 'md5.txt',
      md5: 'bb4fbfd81c5e3e288b99dda32b923267',
      line: 1,
    });
    expect(m.entries.some((e) => e.path === 'update/sbl1.mbn')).toBe(true);
  });
});

describeReal('contents.xml (BOM, mixed line endings)', () => {
  it('reads product, chip and the legacy flash programmer', () => {
    const c = parseContentsManifest(realText('quectel-eg25g-30.006', 'contents.xml'));
    expect(c).toMatchObject({ productName: 'MDM9607.LE.1.0', chipId: 'MDM9607', hlosType: 'LE' });
    expect(c.files).toContainEqual({
      role: 'flash_programmer',
      build: 'boot',
      path: 'update/NPRG9x07.mbn',
    });
    expect(c.files).toContainEqual({ role: 'download_file', build: 'tz', path: 'update/tz.mbn' });
  });
});

describeReal('Android GPT images and their patch files', () => {
  const opx = 'android-emmc-oneplus-x-msm8974';

  it('OnePlus X gpt_main0.bin: header and entry-array CRCs recomputed equal to the stored ones', () => {
    const bytes = realBytes(opx, 'gpt_main0.bin');
    const gpt = parseGpt(bytes);
    expect(gpt).toMatchObject({
      kind: 'primary',
      sectorSize: 512,
      headerOffset: 512,
      entriesOffset: 1024,
    });
    expect(gpt.header).toMatchObject({
      myLba: 1n,
      alternateLba: 0n,
      lastUsableLba: 0n,
      firstUsableLba: 34n,
      numEntries: 32,
      entrySize: 128,
      headerCrc: 0x1e482526,
      entriesCrc: 0xeb7bd8ba,
    });
    expect(gpt.headerCrcComputed).toBe(0x1e482526);
    expect(gpt.entriesCrcComputed).toBe(0xeb7bd8ba);
  });

  it("the patch file's CRC32(2,4096) and CRC32(1,92) expressions reproduce those CRCs on the shipped bytes", () => {
    const bytes = realBytes(opx, 'gpt_main0.bin');
    const patches = parsePatchList(realText(opx, 'patch0.xml'));
    expect(patches).toHaveLength(26);
    const onMain = patches.filter((p) => p.filename === 'gpt_main0.bin');
    const entriesCrc = onMain.find((p) => p.value.text === 'CRC32(2,4096)');
    const headerCrc = onMain.find((p) => p.value.text === 'CRC32(1,92)');
    const withZeroedField = Uint8Array.from(bytes);
    withZeroedField.fill(0, 512 + 16, 512 + 20);
    const crcOn = (b: Uint8Array) => (start: bigint, len: bigint) =>
      BigInt(crc32(b.subarray(Number(start) * 512, Number(start) * 512 + Number(len))));
    expect(evaluateExpression(entriesCrc!.value.expr, { crc32: crcOn(bytes) })).toBe(0xeb7bd8ban);
    expect(evaluateExpression(headerCrc!.value.expr, { crc32: crcOn(withZeroedField) })).toBe(
      0x1e482526n,
    );
    expect(gptHeaderCrc(bytes, 512, 92)).toBe(0x1e482526);
  });

  it('applying patch0.xml for a real disk size gives primary and backup GPTs that are valid and agree', () => {
    const sectors = 30_535_680n; // a 16 GB eMMC
    const patches = parsePatchList(realText(opx, 'patch0.xml'));
    const main = parseGpt(
      applyFilePatches(
        realBytes(opx, 'gpt_main0.bin'),
        patches.filter((p) => p.filename === 'gpt_main0.bin'),
        { NUM_DISK_SECTORS: sectors },
        'zlib',
      ).bytes,
    );
    const backup = parseGpt(
      applyFilePatches(
        realBytes(opx, 'gpt_backup0.bin'),
        patches.filter((p) => p.filename === 'gpt_backup0.bin'),
        { NUM_DISK_SECTORS: sectors },
        'zlib',
      ).bytes,
    );
    expect(main.header).toMatchObject({ alternateLba: sectors - 1n, lastUsableLba: sectors - 34n });
    expect(main.headerCrcComputed).toBe(main.header.headerCrc);
    expect(main.entriesCrcComputed).toBe(main.header.entriesCrc);
    expect(backup).toMatchObject({ kind: 'backup', headerOffset: 32 * 512, entriesOffset: 0 });
    expect(backup.header).toMatchObject({
      myLba: sectors - 1n,
      entriesLba: sectors - 33n,
      lastUsableLba: sectors - 34n,
    });
    expect(backup.headerCrcComputed).toBe(backup.header.headerCrc);
    expect(backup.header.entriesCrc).toBe(main.header.entriesCrc);
    const grow = main.partitions.at(-1);
    expect(grow?.lastLba).toBe(sectors - 34n);
    expect(backup.partitions.at(-1)?.lastLba).toBe(sectors - 34n);
  });

  it('RubikPi 3 4096-byte-sector GPT: zlib CRCs, named partitions, backup agrees', () => {
    const main = parseGpt(realBytes('android-rubikpi3-qcs6490-ufs', 'gpt_main6.bin'));
    expect(main).toMatchObject({ sectorSize: 4096, headerOffset: 4096 });
    expect(main.header.headerCrc).toBe(0x299e537e);
    expect(main.headerCrcComputed).toBe(0x299e537e);
    expect(main.partitions.slice(0, 3).map((p) => [p.name, p.firstLba, p.lastLba])).toEqual([
      ['rubikpi_con', 6n, 2053n],
      ['devcfg_full', 2054n, 53253n],
      ['dtb_con', 53254n, 70661n],
    ]);
    const backup = parseGpt(realBytes('android-rubikpi3-qcs6490-ufs', 'gpt_backup6.bin'));
    expect(backup).toMatchObject({ kind: 'backup', headerOffset: 16384 });
    expect(backup.header).toMatchObject({
      myLba: 70666n,
      entriesLba: 70662n,
      entriesCrc: 0xa52252d5,
    });
    expect(backup.entriesCrcComputed).toBe(0xa52252d5);
    expect(main.header.entriesCrc).toBe(0xa52252d5);
  });
});

describeReal('Android rawprogram and patch files', () => {
  it('OnePlus X eMMC: 31 programs, 11 empty filenames, 4 sparse, BackupGPT at NUM_DISK_SECTORS-33.', () => {
    const { entries } = parseProgramList(
      realText('android-emmc-oneplus-x-msm8974', 'rawprogram0.xml'),
    );
    expect(entries).toHaveLength(31);
    expect(entries.filter((e) => e.filename === '')).toHaveLength(11);
    expect(entries.filter((e) => e.sparse)).toHaveLength(4);
    const backup = entries.find((e) => e.label === 'BackupGPT');
    expect(backup?.startSector?.text).toBe('NUM_DISK_SECTORS-33.');
    expect(evaluateExpression(backup!.startSector!.expr, { NUM_DISK_SECTORS: 1000n })).toBe(967n);
  });

  it('Xiaomi UFS LUN 4: 57 programs, 23 empty filenames, 2 sparse, all on LUN 4 with 4096-byte sectors', () => {
    const { entries } = parseProgramList(
      realText('android-ufs-xiaomi-raphael-sm8150', 'rawprogram4.xml'),
    );
    expect([
      entries.length,
      entries.filter((e) => e.filename === '').length,
      entries.filter((e) => e.sparse).length,
    ]).toEqual([57, 23, 2]);
    expect(new Set(entries.map((e) => `${e.physicalPartition}/${e.sectorSize}`))).toEqual(
      new Set(['4/4096']),
    );
    const patches = parsePatchList(realText('android-ufs-xiaomi-raphael-sm8150', 'patch4.xml'));
    expect(patches.map((p) => p.value.text)).toEqual(
      expect.arrayContaining([
        'CRC32(2,8192)',
        'CRC32(NUM_DISK_SECTORS-5.,8192)',
        'CRC32(NUM_DISK_SECTORS-1.,92)',
      ]),
    );
    expect(patches.some((p) => p.startSector.text === 'NUM_DISK_SECTORS-1')).toBe(true);
  });

  it('Xiaomi LUN 0 and 3, RubikPi LUN 0 and 6 (non-canonical attribute order kept), UZ801 (tabs, fractional size_in_KB)', () => {
    expect(
      parseProgramList(realText('android-ufs-xiaomi-raphael-sm8150', 'rawprogram0.xml')).entries,
    ).toHaveLength(33);
    const lun3 = parseProgramList(
      realText('android-ufs-xiaomi-raphael-sm8150', 'rawprogram3.xml'),
    ).entries;
    expect(lun3.find((e) => e.label === 'BackupGPT')?.startSector?.text).toBe(
      'NUM_DISK_SECTORS-5.',
    );
    const rubik = parseProgramList(
      realText('android-rubikpi3-qcs6490-ufs', 'rawprogram0.xml'),
    ).entries;
    expect(rubik[0]?.attributes[0]?.[0]).toBe('start_sector');
    expect(rubik[0]).toMatchObject({ filename: 'UBUNTU_IMAGE', label: 'disk' });
    expect(
      parseProgramList(realText('android-rubikpi3-qcs6490-ufs', 'rawprogram6.xml')).entries,
    ).toHaveLength(6);
    expect(parsePatchList(realText('android-rubikpi3-qcs6490-ufs', 'patch6.xml'))).toHaveLength(26);
    const uz = parseProgramList(realText('android-uz801-msm8916-emmc', 'rawprogram0.xml')).entries;
    expect(uz).toHaveLength(29);
    expect(
      uz.some((e) => e.attributes.some(([k, v]) => k === 'size_in_KB' && v === '2521535.5')),
    ).toBe(true);
    expect(parsePatchList(realText('android-uz801-msm8916-emmc', 'patch0.xml'))).toEqual([]);
  });
});
