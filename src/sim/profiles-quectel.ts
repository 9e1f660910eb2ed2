/**
 * The Quectel module profiles: EG25-G (MDM9607), EG25-G GC, RM500Q (SDX55), EM20 (SDX24) and
 * RG255C (SDX35). Texts and attribute sets marked "real" are copied from the session logs in
 * ../shared/captures/real/logs and the EG25-G GC session; "reconstructed" fields follow
 * research/captures.md §5 and research/edl.md §8.
 *
 * @module
 */
import type { Attribute } from '../xml-elements.js';
import { buildMibib, EG25G_PARTITIONS } from './mibib-image.js';
import type { DeviceProfile } from './profiles.js';
import type { StorageGeometry } from './storage/storage.js';
import type { ProfileTiming } from './timing.js';

/** The function list of the SDX programmers (real, RM500Q banner). */
export const SDX_FUNCTIONS = [
  'program',
  'read',
  'nop',
  'patch',
  'configure',
  'setbootablestoragedrive',
  'erase',
  'power',
  'firmwarewrite',
  'getstorageinfo',
  'benchmark',
  'emmc',
  'ufs',
  'fixgpt',
  'getsha256digest',
];

/** SDX NAND programmers (RM500Q, EM20): real ACK attribute set and order. */
function sdxAck(dateTime: string): (payload: number) => readonly Attribute[] {
  return (payload) => [
    ['MemoryName', 'nand'],
    ['MinVersionSupported', '1'],
    ['Version', '1'],
    ['MaxPayloadSizeToTargetInBytes', String(payload)],
    ['MaxPayloadSizeToTargetInBytesSupported', '8192'],
    ['MaxXMLSizeInBytes', '4096'],
    ['DateTime', dateTime],
  ];
}

const nand = (pageSize: number, pagesPerBlock: number, blocks: number): StorageGeometry => ({
  kind: 'nand',
  sectorSize: pageSize,
  pagesPerBlock,
  lunSectors: [blocks * pagesPerBlock],
});

/**
 * SDX55 NAND over USB 2.0, from the RM500Q session (captures.md §1.4, §3): banner 1.0 s
 * after DONE, configure answered in 3 ms, first erase 0.47 s (bad-block scan), large erases
 * ≈1.1 ms per block, NAND programmed at 3.86 MB/s, the module back on 9008 3 s after the
 * switch. Digest and boot times have no public measurement: reconstructed.
 */
const SDX55_TIMING: ProfileTiming = {
  bannerMs: 1000,
  commandMs: 3,
  firstEraseMs: 470,
  eraseMsPerBlock: 1.1,
  programBytesPerSecond: 3.86e6,
  usbBytesPerSecond: 35e6,
  digestMsPerMiB: 50,
  switchToEdlMs: 3000,
  bootMs: 20_000,
  edlBootMs: 1000,
};

/** MDM9607 (EG25-G): no full public session; SDX55's figures where nothing else is known. */
const MDM9607_TIMING: ProfileTiming = {
  ...SDX55_TIMING,
  eraseMsPerBlock: 1,
  programBytesPerSecond: 2.5e6,
  bootMs: 30_000, // "back after about 30 seconds" (quectel_eg25_recovery README)
};

/**
 * Two bad blocks for the EM20 (the real log does not list any): placed inside where the real
 * EM20 layout programs NON-HLOS.ubi (blocks 424–655) and sdxpoorwills-sysfs.ubi (1599–1844),
 * so a flash of that layout crosses both and must skip them.
 */
const EM20_BAD_BLOCKS = [430, 1605] as const;

/** EG25-G (GB variant), MDM9607, 256 MiB NAND of 2 KiB pages and 128 KiB blocks. */
const eg25g: DeviceProfile = {
  id: 'eg25g',
  module: 'Quectel EG25-G',
  chip: 'MDM9607',
  usb: { edlInterfaceProtocol: 0xff, normal: { vid: 0x2c7c, pid: 0x0125 } },
  sahara: {
    version: 2,
    versionSupported: 1,
    maxCommandLength: 0x400,
    readData64: false,
    answersHwId: true,
    hwId: 0x000480e100000000n,
    serial: 0x3b090f7d,
    pkHashSeed: 9607,
    outOfOrderReads: false,
  },
  storage: nand(2048, 64, 2048),
  firehose: {
    logStyle: '9x07',
    buildDate: '',
    functions: ['program', 'configure', 'power', 'read', 'getstorageinfo', 'erase', 'nop'], // real (GC session)
    maxPayloadToTarget: 16384,
    // real (GC session): no Version, no MinVersionSupported
    configureAck: (payload) => [
      ['MemoryName', 'NAND'],
      ['MaxPayloadSizeFromTargetInBytes', '2048'],
      ['MaxPayloadSizeToTargetInBytes', String(payload)],
      ['MaxPayloadSizeToTargetInBytesSupported', '16384'],
      ['TargetName', '9x07'],
    ],
  },
  timing: MDM9607_TIMING,
  partitionTable: { sector: 640, image: () => buildMibib(EG25G_PARTITIONS) },
  normal: {
    revision: 'EG25GGBR07A08M2G',
    fullRevision: 'EG25GGBR07A08M2G_30.006.30.006',
  },
};

/** EG25-G GC, the module of the real GC session: 128 MiB NAND (NUM_PARTITION_SECTORS 65536). */
const eg25gGc: DeviceProfile = {
  ...eg25g,
  id: 'eg25g-gc',
  module: 'Quectel EG25-G (GC)',
  storage: nand(2048, 64, 1024),
  partitionTable: undefined, // the GC table binary is not public
  normal: {
    revision: 'EG25GGCR07A08M1G',
    fullRevision: 'EG25GGCR07A08M1G_30.203.30.203',
  },
};

/** RM500Q-GL, SDX55, 512 MiB NAND of 4 KiB pages and 256 KiB blocks (real session log). */
const rm500q: DeviceProfile = {
  id: 'rm500q',
  module: 'Quectel RM500Q-GL',
  chip: 'SDX55',
  usb: { edlInterfaceProtocol: 0x11, normal: { vid: 0x2c7c, pid: 0x0800 } },
  sahara: {
    version: 2,
    versionSupported: 1,
    maxCommandLength: 0x400,
    readData64: false,
    answersHwId: true,
    hwId: 0x000d90e100000000n,
    serial: 0,
    pkHashSeed: 55,
    outOfOrderReads: false,
  },
  storage: nand(4096, 64, 2048),
  firehose: {
    logStyle: 'sdx',
    buildDate: 'Apr 19 2020 @ 17:49:11',
    bbtLines: [296, 298],
    functions: SDX_FUNCTIONS,
    maxPayloadToTarget: 8192,
    configureAck: sdxAck('Apr 19 2020 - 17:49:11'),
  },
  timing: SDX55_TIMING,
  normal: {
    revision: 'RM500QGLAAR01A01M4G',
    fullRevision: 'RM500QGLAAR01A01M4G_01.001.01.001',
  },
};

/** EM20, SDX24, NAND of 4 KiB pages and 256 KiB blocks (real session log). */
const em20: DeviceProfile = {
  ...rm500q,
  id: 'em20',
  module: 'Quectel EM20',
  chip: 'SDX24',
  usb: { edlInterfaceProtocol: 0x10, normal: { vid: 0x2c7c, pid: 0x0620 } },
  firehose: {
    ...rm500q.firehose,
    buildDate: 'Apr 15 2019 @ 00:24:50',
    bbtLines: [295, 297],
    configureAck: sdxAck('Apr 15 2019 - 00:24:50'),
  },
  // Two bad blocks inside the big partitions, skipped the way the NAND programmer does.
  storage: { ...rm500q.storage, badBlocks: EM20_BAD_BLOCKS },
  timing: { ...SDX55_TIMING, programBytesPerSecond: 2.29e6 },
  normal: {
    revision: 'EM20GRAR01A04V01M4G',
    fullRevision: 'EM20GRAR01A04V01M4G_01.001.01.001',
  },
};

/** RG255C, SDX35: Sahara v3 with READ_DATA_64 (forum log), no HW ID answer (v3). Reconstructed. */
const rg255c: DeviceProfile = {
  ...rm500q,
  id: 'rg255c',
  module: 'Quectel RG255C',
  chip: 'SDX35',
  sahara: {
    ...rm500q.sahara,
    version: 3,
    readData64: true,
    answersHwId: false,
    hwId: 0x001a10e100000000n,
    pkHashSeed: 35,
  },
  normal: {
    revision: 'RG255CGLR01A01M4G',
    fullRevision: 'RG255CGLR01A01M4G_01.001.01.001',
  },
};

/** The Quectel profiles. */
export const QUECTEL_PROFILES: readonly DeviceProfile[] = [eg25g, eg25gGc, rm500q, em20, rg255c];
