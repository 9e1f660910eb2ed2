/**
 * Decoders for the raw data a target sends after EXECUTE_DATA in command mode
 * (research/edl.md §1.4). Pure: bytes in, identity facts out.
 *
 * @module
 */
import { SaharaPacketError } from '../errors.js';
import { toHex } from '../bytes.js';

function need(bytes: Uint8Array, n: number, what: string): DataView {
  if (bytes.length < n) {
    throw new SaharaPacketError(
      'QFH_SAHARA_TRUNCATED',
      `${what} reply is ${bytes.length} bytes, expected at least ${n}`,
    );
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The chip serial from SERIAL_NUM_READ: the whole reply as a little-endian integer (4 bytes on v1/v2, wider on v3). */
export function decodeSerial(bytes: Uint8Array): bigint {
  need(bytes, 1, 'serial number');
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] ?? 0);
  return value;
}

/** An MSM hardware ID split the way loader databases key it. */
export interface MsmHwId {
  /** 16 hex digits, `msm_id << 32 | oem_id << 16 | model_id`. */
  readonly hex: string;
  /** 24-bit MSM (JTAG) ID, e.g. 0x0660e1. */
  readonly msmId: number;
  readonly oemId: number;
  readonly modelId: number;
}

/** MSM_HW_ID_READ: the first 8 bytes little-endian (targets repeat the value three times in 0x18 bytes). */
export function decodeMsmHwId(bytes: Uint8Array): MsmHwId {
  const view = need(bytes, 8, 'MSM HW ID');
  const value = view.getBigUint64(0, true);
  return {
    hex: value.toString(16).padStart(16, '0'),
    msmId: Number((value >> 32n) & 0xffffffn),
    oemId: Number((value >> 16n) & 0xffffn),
    modelId: Number(value & 0xffffn),
  };
}

/**
 * OEM_PK_HASH_READ: 0x60 bytes holding either a SHA-256 repeated three times or a
 * SHA-384 followed by zero padding. Returns the hash itself, without the repeats or padding.
 */
export function decodePkHash(bytes: Uint8Array): string {
  need(bytes, 32, 'OEM PK hash');
  const hex = toHex(bytes);
  const first256 = hex.slice(0, 64);
  if (hex.length >= 128 && hex.slice(64, 128) === first256) return first256;
  if (hex.length >= 96 && /^0*$/.test(hex.slice(96))) return hex.slice(0, 96);
  return hex.replace(/(00)+$/, '');
}

/** READ_CHIP_ID_V3 fields (Sahara v3 targets, which no longer answer MSM_HW_ID_READ). */
export interface ChipIdV3 {
  readonly chipIdentifier: number;
  readonly msmId: number;
  readonly oemId: number;
  readonly modelId: number;
  /** Rebuilt 16-hex-digit HW ID, comparable with {@link MsmHwId.hex}. */
  readonly hwIdHex: string;
}

/** READ_CHIP_ID_V3: 44+ bytes; the OEM ID sits at 40 or, when that is zero, at 44. */
export function decodeChipIdV3(bytes: Uint8Array): ChipIdV3 {
  const view = need(bytes, 44, 'chip ID v3');
  const msmId = view.getUint32(36, true);
  let oemId = view.getUint16(40, true);
  if (oemId === 0 && bytes.length >= 46) oemId = view.getUint16(44, true);
  const modelId = view.getUint16(42, true);
  const hw = (BigInt(msmId) << 32n) | (BigInt(oemId) << 16n) | BigInt(modelId);
  return {
    chipIdentifier: view.getUint32(0, true),
    msmId,
    oemId,
    modelId,
    hwIdHex: hw.toString(16).padStart(16, '0'),
  };
}
