/**
 * The Android phone profiles (eMMC and UFS programmers), for the real rawprogram/patch sets
 * in ../shared/captures/real. Firehose texts are reconstructed (research/edl.md §2).
 *
 * @module
 */
import type { Attribute } from '../xml-elements.js';
import type { DeviceProfile } from './profiles.js';
import { SDX_FUNCTIONS } from './profiles-quectel.js';
import type { ProfileTiming } from './timing.js';

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

/** Phones on USB 2.0 (reconstructed: eMMC/UFS programming measured by edl at 45–59 MB/s on UFS). */
const PHONE_TIMING: ProfileTiming = {
  bannerMs: 1000,
  commandMs: 2,
  firstEraseMs: 0,
  eraseMsPerBlock: 0.05,
  programBytesPerSecond: 50e6,
  usbBytesPerSecond: 35e6,
  digestMsPerMiB: 10,
  switchToEdlMs: 3000,
  bootMs: 20_000,
  edlBootMs: 1000,
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
  },
  timing: { ...PHONE_TIMING, programBytesPerSecond: 20e6 },
  normal: { revision: 'ONEPLUSX', fullRevision: 'ONEPLUSX' },
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
  normal: { revision: 'MSM8953', fullRevision: 'MSM8953' },
};

/** Xiaomi K20 Pro, SM8150, UFS with 4096-byte sectors and LUNs 0–5; 64-bit PBL. */
const sm8150: DeviceProfile = {
  id: 'sm8150-ufs',
  module: 'Xiaomi K20 Pro (UFS phone)',
  chip: 'SM8150',
  // The phone's USB 3.1 port: its EDL device on a SuperSpeed port has 1024-byte packets.
  usb: { edlInterfaceProtocol: 0xff, normal: { vid: 0x05c6, pid: 0x9006 }, edlPacketSize: 1024 },
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
  },
  timing: { ...PHONE_TIMING, programBytesPerSecond: 50e6 },
  normal: { revision: 'RAPHAEL', fullRevision: 'RAPHAEL' },
};

/** The phone profiles. */
export const ANDROID_PROFILES: readonly DeviceProfile[] = [msm8974, msm8953, sm8150];
