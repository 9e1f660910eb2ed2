/**
 * Pure Sahara packet codec: bytes in, typed packets out, and back. Every packet is
 * `u32 command, u32 length` followed by little-endian fields (research/edl.md §1.2).
 * The codec is version-agnostic: HELLO carries the version, and only the target
 * decides between READ_DATA and READ_DATA_64.
 *
 * @module
 */
import { SaharaPacketError } from '../errors.js';
import { SAHARA_COMMANDS, SaharaCommand } from './constants.js';

/** Six reserved u32 words at the end of HELLO / HELLO_RESP (kept so that encode(decode(x)) = x). */
export type Reserved6 = readonly [number, number, number, number, number, number];

/** Every Sahara packet, discriminated by `type`. */
export type SaharaPacket =
  | {
      type: 'hello';
      version: number;
      versionSupported: number;
      maxCommandLength: number;
      mode: number;
      reserved: Reserved6;
    }
  | {
      type: 'helloResponse';
      version: number;
      versionSupported: number;
      status: number;
      mode: number;
      reserved: Reserved6;
    }
  | { type: 'readData'; imageId: number; offset: number; length: number }
  | { type: 'endImageTx'; imageId: number; status: number }
  | { type: 'done' }
  | { type: 'doneResponse'; imageTxStatus: number }
  | { type: 'reset' }
  | { type: 'resetResponse' }
  | { type: 'memoryDebug'; tableAddress: number; tableLength: number }
  | { type: 'memoryRead'; address: number; length: number }
  | { type: 'commandReady' }
  | { type: 'switchMode'; mode: number }
  | { type: 'execute'; clientCommand: number }
  | { type: 'executeResponse'; clientCommand: number; dataLength: number }
  | { type: 'executeData'; clientCommand: number }
  | { type: 'memoryDebug64'; tableAddress: bigint; tableLength: bigint }
  | { type: 'memoryRead64'; address: bigint; length: bigint }
  | { type: 'readData64'; imageId: bigint; offset: bigint; length: bigint }
  | { type: 'resetStateMachine' }
  | { type: 'writeData'; body: Uint8Array };

/** The `type` tag of a packet. */
export type SaharaPacketType = SaharaPacket['type'];

/** Field layout of each packet: a list of u32 (`'u32'`) or u64 (`'u64'`) field names after the header. */
const LAYOUT: Record<
  Exclude<SaharaPacketType, 'writeData'>,
  { id: number; fields: readonly [string, 'u32' | 'u64'][] }
> = {
  hello: {
    id: SaharaCommand.HELLO,
    fields: [
      ['version', 'u32'],
      ['versionSupported', 'u32'],
      ['maxCommandLength', 'u32'],
      ['mode', 'u32'],
    ],
  },
  helloResponse: {
    id: SaharaCommand.HELLO_RESP,
    fields: [
      ['version', 'u32'],
      ['versionSupported', 'u32'],
      ['status', 'u32'],
      ['mode', 'u32'],
    ],
  },
  readData: {
    id: SaharaCommand.READ_DATA,
    fields: [
      ['imageId', 'u32'],
      ['offset', 'u32'],
      ['length', 'u32'],
    ],
  },
  endImageTx: {
    id: SaharaCommand.END_IMAGE_TX,
    fields: [
      ['imageId', 'u32'],
      ['status', 'u32'],
    ],
  },
  done: { id: SaharaCommand.DONE, fields: [] },
  doneResponse: { id: SaharaCommand.DONE_RESP, fields: [['imageTxStatus', 'u32']] },
  reset: { id: SaharaCommand.RESET, fields: [] },
  resetResponse: { id: SaharaCommand.RESET_RESP, fields: [] },
  memoryDebug: {
    id: SaharaCommand.MEMORY_DEBUG,
    fields: [
      ['tableAddress', 'u32'],
      ['tableLength', 'u32'],
    ],
  },
  memoryRead: {
    id: SaharaCommand.MEMORY_READ,
    fields: [
      ['address', 'u32'],
      ['length', 'u32'],
    ],
  },
  commandReady: { id: SaharaCommand.CMD_READY, fields: [] },
  switchMode: { id: SaharaCommand.SWITCH_MODE, fields: [['mode', 'u32']] },
  execute: { id: SaharaCommand.EXECUTE, fields: [['clientCommand', 'u32']] },
  executeResponse: {
    id: SaharaCommand.EXECUTE_RSP,
    fields: [
      ['clientCommand', 'u32'],
      ['dataLength', 'u32'],
    ],
  },
  executeData: { id: SaharaCommand.EXECUTE_DATA, fields: [['clientCommand', 'u32']] },
  memoryDebug64: {
    id: SaharaCommand.MEMORY_DEBUG_64,
    fields: [
      ['tableAddress', 'u64'],
      ['tableLength', 'u64'],
    ],
  },
  memoryRead64: {
    id: SaharaCommand.MEMORY_READ_64,
    fields: [
      ['address', 'u64'],
      ['length', 'u64'],
    ],
  },
  readData64: {
    id: SaharaCommand.READ_DATA_64,
    fields: [
      ['imageId', 'u64'],
      ['offset', 'u64'],
      ['length', 'u64'],
    ],
  },
  resetStateMachine: { id: SaharaCommand.RESET_STATE_MACHINE, fields: [] },
};

const TYPE_BY_ID = new Map<number, Exclude<SaharaPacketType, 'writeData'>>(
  Object.entries(LAYOUT).map(([type, { id }]) => [
    id,
    type as Exclude<SaharaPacketType, 'writeData'>,
  ]),
);

/** Length of the `command, length` header every packet starts with. */
export const SAHARA_HEADER_LENGTH = 8;
/** Largest packet qfh accepts; real PBLs announce 0x400 as their maximum command length. */
export const SAHARA_MAX_PACKET_LENGTH = 0x1000;

/** The header of the packet at the start of `bytes`, or `undefined` when fewer than 8 bytes are there. */
export function peekSaharaHeader(
  bytes: Uint8Array,
): { command: number; length: number } | undefined {
  if (bytes.length < SAHARA_HEADER_LENGTH) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { command: view.getUint32(0, true), length: view.getUint32(4, true) };
}

/**
 * Decodes the one packet at the start of `bytes` (extra bytes after it are ignored: use
 * {@link peekSaharaHeader} to know how many were consumed).
 * @throws SaharaPacketError on a short buffer, an unknown command or a length field that
 *   does not match the command.
 */
export function decodeSaharaPacket(bytes: Uint8Array): SaharaPacket {
  const header = peekSaharaHeader(bytes);
  if (!header) {
    throw new SaharaPacketError(
      'QFH_SAHARA_TRUNCATED',
      `Sahara packet truncated: ${bytes.length} bytes, the header alone is 8`,
    );
  }
  const info = SAHARA_COMMANDS.get(header.command);
  if (!info) {
    throw new SaharaPacketError(
      'QFH_SAHARA_UNKNOWN_COMMAND',
      `unknown Sahara command 0x${header.command.toString(16)}`,
    );
  }
  const lengthOk =
    info.length === undefined
      ? header.length >= SAHARA_HEADER_LENGTH && header.length <= SAHARA_MAX_PACKET_LENGTH
      : header.length === info.length;
  if (!lengthOk) {
    throw new SaharaPacketError(
      'QFH_SAHARA_BAD_LENGTH',
      `Sahara ${info.name} has length field ${header.length}, expected ${info.length ?? `8..${SAHARA_MAX_PACKET_LENGTH}`}`,
    );
  }
  if (bytes.length < header.length) {
    throw new SaharaPacketError(
      'QFH_SAHARA_TRUNCATED',
      `Sahara ${info.name} truncated: ${bytes.length} of ${header.length} bytes`,
    );
  }
  if (header.command === SaharaCommand.WRITE_DATA) {
    return { type: 'writeData', body: bytes.slice(SAHARA_HEADER_LENGTH, header.length) };
  }
  const type = TYPE_BY_ID.get(header.command);
  if (type === undefined)
    throw new Error(`unreachable: command 0x${header.command.toString(16)} has no layout`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, header.length);
  const packet: Record<string, unknown> = { type };
  let at = SAHARA_HEADER_LENGTH;
  for (const [name, width] of LAYOUT[type].fields) {
    packet[name] = width === 'u32' ? view.getUint32(at, true) : view.getBigUint64(at, true);
    at += width === 'u32' ? 4 : 8;
  }
  if (type === 'hello' || type === 'helloResponse') {
    packet['reserved'] = [0, 1, 2, 3, 4, 5].map((i) => view.getUint32(at + i * 4, true));
  }
  return packet as SaharaPacket;
}

/** Encodes a packet to its exact wire bytes. */
export function encodeSaharaPacket(packet: SaharaPacket): Uint8Array {
  if (packet.type === 'writeData') {
    const out = new Uint8Array(SAHARA_HEADER_LENGTH + packet.body.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, SaharaCommand.WRITE_DATA, true);
    view.setUint32(4, out.length, true);
    out.set(packet.body, SAHARA_HEADER_LENGTH);
    return out;
  }
  const layout = LAYOUT[packet.type];
  const length = SAHARA_COMMANDS.get(layout.id)?.length ?? SAHARA_HEADER_LENGTH;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint32(0, layout.id, true);
  view.setUint32(4, length, true);
  const fields = packet as unknown as Record<string, number | bigint | Reserved6>;
  let at = SAHARA_HEADER_LENGTH;
  for (const [name, width] of layout.fields) {
    const value = fields[name];
    if (width === 'u32') view.setUint32(at, Number(value), true);
    else view.setBigUint64(at, BigInt(value as bigint | number), true);
    at += width === 'u32' ? 4 : 8;
  }
  if (packet.type === 'hello' || packet.type === 'helloResponse') {
    packet.reserved.forEach((word, i) => view.setUint32(at + i * 4, word, true));
  }
  return out;
}

const ZERO6: Reserved6 = [0, 0, 0, 0, 0, 0];

/** A HELLO_RESP with zero reserved words, the way qfh answers a HELLO. */
export function helloResponse(fields: {
  version: number;
  versionSupported: number;
  mode: number;
  status?: number;
}): SaharaPacket {
  return { type: 'helloResponse', status: 0, ...fields, reserved: ZERO6 };
}
