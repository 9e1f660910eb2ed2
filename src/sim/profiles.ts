/**
 * Device profiles of the simulated modem, named after real modules. Texts and attribute
 * sets marked "real" are copied from the session logs in ../shared/captures/real/logs and
 * the EG25-G GC session; fields marked "reconstructed" have no public capture and follow
 * research/captures.md §5 and research/edl.md §8.
 *
 * @module
 */
import type { Attribute } from '../xml-elements.js';
import type { StorageGeometry } from './storage/storage.js';
import { buildMibib, EG25G_PARTITIONS } from './mibib-image.js';

/** How a programmer words its logs. */
export type LogStyle = 'sdx' | '9x07' | 'android';

/** Everything that makes one simulated module behave like its real counterpart. */
export interface DeviceProfile {
  readonly id: string;
  readonly module: string;
  readonly chip: string;
  readonly usb: {
    /** bInterfaceProtocol of the EDL interface (0xff on MDM9607/EC25-AU, 0x10 SDX24, 0x11 SDX55). */
    readonly edlInterfaceProtocol: number;
    /** VID:PID in normal mode. */
    readonly normal: { readonly vid: number; readonly pid: number };
  };
  readonly sahara: {
    readonly version: number;
    readonly versionSupported: number;
    readonly maxCommandLength: number;
    /** READ_DATA_64 (0x12) instead of READ_DATA (0x03). */
    readonly readData64: boolean;
    /** Whether the PBL answers MSM_HW_ID_READ (v3 parts do not). */
    readonly answersHwId: boolean;
    readonly hwId: bigint;
    readonly serial: number;
    /** 32-byte OEM public-key hash (sent three times). */
    readonly pkHashSeed: number;
    /** Request the last load segment first, as the MSM8953 PBL does (captures.md §1.3). */
    readonly outOfOrderReads: boolean;
  };
  readonly storage: StorageGeometry;
  readonly firehose: {
    readonly logStyle: LogStyle;
    readonly buildDate: string;
    /** The two `[N] bbt_size` lines SDX NAND programmers log on their first erase. */
    readonly bbtLines?: readonly [number, number];
    readonly functions: readonly string[];
    /** Largest MaxPayloadSizeToTargetInBytes accepted. */
    readonly maxPayloadToTarget: number;
    /** Configure ACK attributes after `value`, given the payload size agreed. */
    readonly configureAck: (payload: number) => readonly Attribute[];
    /** Milliseconds from Sahara DONE to the programmer's banner (real: ≈1000; captures.md §3). */
    readonly startupMs: number;
  };
  /** Partition table pre-programmed in NAND (what a real module holds at block 5). */
  readonly partitionTable?:
    { readonly sector: number; readonly image: () => Uint8Array } | undefined;
  readonly normal: {
    /** What ATI/AT+CGMR print, e.g. `EG25GGBR07A08M2G`. */
    readonly revision: string;
    /** AT+QGMR: revision plus `_modem.minor.ap.minor`. */
    readonly fullRevision: string;
    /** Milliseconds between the EDL switch and 05c6:9008 appearing (real: ≈3000). */
    readonly reappearMs: number;
  };
}

const SDX_FUNCTIONS = [
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

/** The configure ACK of the Android-phone programmers (eMMC/UFS): same attributes, per-chip values. */
function androidAck(
  memoryName: string,
  supported: number,
  targetName: string,
): (payload: number) => readonly Attribute[] {
  return (payload) => [
    ['MinVersionSupported', '1'],
    ['MemoryName', memoryName],
    ['MaxPayloadSizeFromTargetInBytes', '4096'],
    ['MaxPayloadSizeToTargetInBytes', String(payload)],
    ['MaxPayloadSizeToTargetInBytesSupported', String(supported)],
    ['MaxXMLSizeInBytes', '4096'],
    ['Version', '1'],
    ['TargetName', targetName],
  ];
}

const nand = (pageSize: number, pagesPerBlock: number, blocks: number): StorageGeometry => ({
  kind: 'nand',
  sectorSize: pageSize,
  pagesPerBlock,
  lunSectors: [blocks * pagesPerBlock],
});

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
    startupMs: 1000,
  },
  partitionTable: { sector: 640, image: () => buildMibib(EG25G_PARTITIONS) },
  normal: {
    revision: 'EG25GGBR07A08M2G',
    fullRevision: 'EG25GGBR07A08M2G_30.006.30.006',
    reappearMs: 3000,
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
    reappearMs: 3000,
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
    startupMs: 1000,
  },
  normal: {
    revision: 'RM500QGLAAR01A01M4G',
    fullRevision: 'RM500QGLAAR01A01M4G_01.001.01.001',
    reappearMs: 3000,
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
  normal: {
    revision: 'EM20GRAR01A04V01M4G',
    fullRevision: 'EM20GRAR01A04V01M4G_01.001.01.001',
    reappearMs: 3000,
  },
};

/** OnePlus X, MSM8974, 512-byte-sector eMMC (reconstructed firehose texts, edl sample ACK). */
const msm8974: DeviceProfile = {
  id: 'msm8974-emmc',
  module: 'OnePlus X (eMMC phone)',
  chip: 'MSM8974',
  usb: { edlInterfaceProtocol: 0xff, normal: { vid: 0x05c6, pid: 0x9006 } },
  sahara: {
    version: 2,
    versionSupported: 1,
    maxCommandLength: 0x400,
    readData64: false,
    answersHwId: true,
    hwId: 0x007b00e100000000n,
    serial: 0x1e76093a,
    pkHashSeed: 8974,
    outOfOrderReads: true,
  },
  storage: { kind: 'emmc', sectorSize: 512, lunSectors: [30_535_680] },
  firehose: {
    logStyle: 'android',
    buildDate: 'Jan 11 2016 @ 10:00:00',
    functions: [
      'program',
      'read',
      'nop',
      'patch',
      'configure',
      'setbootablestoragedrive',
      'erase',
      'power',
      'getstorageinfo',
      'getsha256digest',
    ],
    maxPayloadToTarget: 16384, // MSM8974 programmers refuse 1 MiB ("Host's payload to target size is too large")
    configureAck: androidAck('eMMC', 16384, '8974'),
    startupMs: 1000,
  },
  normal: { revision: 'ONEPLUSX', fullRevision: 'ONEPLUSX', reappearMs: 3000 },
};

/**
 * An MSM8953 eMMC phone: the Android eMMC programmer that takes 1 MiB payloads. The
 * configure ACK is the real one kept in edl's firehose.py (research/edl.md §2.3), the HELLO
 * fields are qdl's MSM8953 decode (captures.md §1.2), and the PBL reads the last load
 * segment first (captures.md §1.3). Log texts reconstructed as for MSM8974.
 */
const msm8953: DeviceProfile = {
  ...msm8974,
  id: 'msm8953-emmc',
  module: 'MSM8953 eMMC phone',
  chip: 'MSM8953',
  sahara: { ...msm8974.sahara, hwId: 0x000460e100000000n, serial: 0x5a1f8953, pkHashSeed: 8953 },
  // 32 GB eMMC.
  storage: { kind: 'emmc', sectorSize: 512, lunSectors: [61_071_360] },
  firehose: {
    ...msm8974.firehose,
    maxPayloadToTarget: 1048576,
    configureAck: androidAck('eMMC', 1048576, '8953'),
  },
  normal: { revision: 'MSM8953', fullRevision: 'MSM8953', reappearMs: 3000 },
};

/** Xiaomi K20 Pro, SM8150, UFS with 4096-byte sectors and LUNs 0–5; 64-bit PBL. */
const sm8150: DeviceProfile = {
  id: 'sm8150-ufs',
  module: 'Xiaomi K20 Pro (UFS phone)',
  chip: 'SM8150',
  usb: { edlInterfaceProtocol: 0xff, normal: { vid: 0x05c6, pid: 0x9006 } },
  sahara: {
    version: 2,
    versionSupported: 1,
    maxCommandLength: 0x400,
    readData64: true,
    answersHwId: true,
    hwId: 0x000a50e100000000n,
    serial: 0x3eb3ebc4,
    pkHashSeed: 8150,
    outOfOrderReads: false,
  },
  // LUN 4 holds the real raphael rawprogram4, which ends at sector 1,556,480.
  storage: {
    kind: 'ufs',
    sectorSize: 4096,
    lunSectors: [29_360_128, 2048, 2048, 8192, 2_097_152, 8192],
  },
  firehose: {
    logStyle: 'android',
    buildDate: 'Aug 12 2020 @ 02:06:09',
    functions: SDX_FUNCTIONS,
    maxPayloadToTarget: 1048576,
    configureAck: androidAck('UFS', 1048576, '8150'),
    startupMs: 1000,
  },
  normal: { revision: 'RAPHAEL', fullRevision: 'RAPHAEL', reappearMs: 3000 },
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
    reappearMs: 3000,
  },
};

/** Every profile by id. */
export const PROFILES: ReadonlyMap<string, DeviceProfile> = new Map(
  [eg25g, eg25gGc, rm500q, em20, msm8974, msm8953, sm8150, rg255c].map((p) => [p.id, p]),
);

/** The profile named `id`, with the list of known ids in the error. */
export function profile(id: string): DeviceProfile {
  const found = PROFILES.get(id);
  if (!found)
    throw new RangeError(
      `unknown device profile "${id}"; known: ${[...PROFILES.keys()].join(', ')}`,
    );
  return found;
}
