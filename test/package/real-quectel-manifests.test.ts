import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  applyFilePatches,
  crcVariantFor,
  evaluateExpression,
  mibibChecksum,
  parseContentsManifest,
  parseMd5Manifest,
  parseMibib,
  parsePatchList,
  parseProgramList,
} from '../../src/package/index.js';
import { crc32 } from '../../src/crc32.js';
import { expressionNeeds } from '../../src/package/expression.js';
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

describeReal('Quectel NAND patch and MIBIB: each shipped patch remakes its shipped MIBIB', () => {
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
});

describeReal('Quectel NAND patch and MIBIB: partition names, other NAND sizes, GC patch', () => {
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

  it('no real patch line reads as ambiguous: CRC32(0,4096) and NUM_DISK_BLOCKS-476. are settled', () => {
    for (const dir of ['quectel-eg25g-30.006', 'quectel-eg25g-gc-30.203.30.203']) {
      const entries = parsePatchList(realText(dir, PATCH));
      expect(entries.map((p) => p.value.text)).toContain('CRC32(0,4096)');
      const ambiguous = entries.filter(
        (p) =>
          expressionNeeds(p.value.expr).ambiguous || expressionNeeds(p.startSector.expr).ambiguous,
      );
      expect({ dir, ambiguous: ambiguous.map((p) => p.value.text) }).toEqual({
        dir,
        ambiguous: [],
      });
    }
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
