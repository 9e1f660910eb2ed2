import { expect, it } from 'vitest';
import {
  applyFilePatches,
  evaluateExpression,
  gptHeaderCrc,
  parseGpt,
  parsePatchList,
  parseProgramList,
} from '../../src/package/index.js';
import { crc32 } from '../../src/crc32.js';
import { describeReal, realBytes, realText } from '../helpers/real.js';

const opx = 'android-emmc-oneplus-x-msm8974';

describeReal('Android GPT images: OnePlus X CRCs and the patch expressions behind them', () => {
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
});

describeReal('Android GPT images: patched for a real disk size, and 4096-byte sectors', () => {
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
