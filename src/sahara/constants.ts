/**
 * Sahara numbers: command IDs, modes, client (EXECUTE) commands and status codes.
 * Values and names follow Qualcomm's sahara_protocol.h as checked in
 * research/edl.md §1.2–§1.5 (note 0x0E is EXECUTE_RSP and 0x0F EXECUTE_DATA; some
 * secondary sources swap them, and edl's message table is shifted by one).
 *
 * @module
 */

/** Sahara command IDs (the first u32 of every packet). */
export const SaharaCommand = {
  HELLO: 0x01,
  HELLO_RESP: 0x02,
  READ_DATA: 0x03,
  END_IMAGE_TX: 0x04,
  DONE: 0x05,
  DONE_RESP: 0x06,
  RESET: 0x07,
  RESET_RESP: 0x08,
  MEMORY_DEBUG: 0x09,
  MEMORY_READ: 0x0a,
  CMD_READY: 0x0b,
  SWITCH_MODE: 0x0c,
  EXECUTE: 0x0d,
  EXECUTE_RSP: 0x0e,
  EXECUTE_DATA: 0x0f,
  MEMORY_DEBUG_64: 0x10,
  MEMORY_READ_64: 0x11,
  READ_DATA_64: 0x12,
  RESET_STATE_MACHINE: 0x13,
  WRITE_DATA: 0x14,
} as const;
export type SaharaCommandId = (typeof SaharaCommand)[keyof typeof SaharaCommand];

/** Which side sends a command: T→H (target to host) or H→T. */
export type SaharaDirection = 'target-to-host' | 'host-to-target';

/** Static facts about each command: name, direction, fixed length, first protocol version. */
export interface SaharaCommandInfo {
  readonly name: keyof typeof SaharaCommand;
  readonly direction: SaharaDirection;
  /** Total packet length in bytes including the 8-byte header; `undefined` when not fixed. */
  readonly length: number | undefined;
  /** Lowest Sahara protocol version that defines the command. */
  readonly minVersion: number;
}

const T2H = 'target-to-host';
const H2T = 'host-to-target';

/** Command table, keyed by ID. WRITE_DATA (0x14, v3) has no public layout: its body is opaque. */
export const SAHARA_COMMANDS: ReadonlyMap<number, SaharaCommandInfo> = new Map<
  number,
  SaharaCommandInfo
>([
  [0x01, { name: 'HELLO', direction: T2H, length: 0x30, minVersion: 1 }],
  [0x02, { name: 'HELLO_RESP', direction: H2T, length: 0x30, minVersion: 1 }],
  [0x03, { name: 'READ_DATA', direction: T2H, length: 0x14, minVersion: 1 }],
  [0x04, { name: 'END_IMAGE_TX', direction: T2H, length: 0x10, minVersion: 1 }],
  [0x05, { name: 'DONE', direction: H2T, length: 0x08, minVersion: 1 }],
  [0x06, { name: 'DONE_RESP', direction: T2H, length: 0x0c, minVersion: 1 }],
  [0x07, { name: 'RESET', direction: H2T, length: 0x08, minVersion: 1 }],
  [0x08, { name: 'RESET_RESP', direction: T2H, length: 0x08, minVersion: 1 }],
  [0x09, { name: 'MEMORY_DEBUG', direction: T2H, length: 0x10, minVersion: 2 }],
  [0x0a, { name: 'MEMORY_READ', direction: H2T, length: 0x10, minVersion: 2 }],
  [0x0b, { name: 'CMD_READY', direction: T2H, length: 0x08, minVersion: 2 }],
  [0x0c, { name: 'SWITCH_MODE', direction: H2T, length: 0x0c, minVersion: 2 }],
  [0x0d, { name: 'EXECUTE', direction: H2T, length: 0x0c, minVersion: 2 }],
  [0x0e, { name: 'EXECUTE_RSP', direction: T2H, length: 0x10, minVersion: 2 }],
  [0x0f, { name: 'EXECUTE_DATA', direction: H2T, length: 0x0c, minVersion: 2 }],
  [0x10, { name: 'MEMORY_DEBUG_64', direction: T2H, length: 0x18, minVersion: 2 }],
  [0x11, { name: 'MEMORY_READ_64', direction: H2T, length: 0x18, minVersion: 2 }],
  [0x12, { name: 'READ_DATA_64', direction: T2H, length: 0x20, minVersion: 2 }],
  [0x13, { name: 'RESET_STATE_MACHINE', direction: H2T, length: 0x08, minVersion: 2 }],
  [0x14, { name: 'WRITE_DATA', direction: H2T, length: undefined, minVersion: 3 }],
]);

/** Sahara modes, carried by HELLO/HELLO_RESP and SWITCH_MODE. */
export const SaharaMode = {
  IMAGE_TX_PENDING: 0,
  IMAGE_TX_COMPLETE: 1,
  MEMORY_DEBUG: 2,
  COMMAND: 3,
} as const;

/** Client commands run through EXECUTE in command mode. */
export const SaharaExecCommand = {
  NOP: 0x00,
  SERIAL_NUM_READ: 0x01,
  MSM_HW_ID_READ: 0x02,
  OEM_PK_HASH_READ: 0x03,
  SWITCH_TO_DMSS_DLOAD: 0x04,
  SWITCH_TO_STREAM_DLOAD: 0x05,
  READ_DEBUG_DATA: 0x06,
  GET_SOFTWARE_VERSION_SBL: 0x07,
  GET_COMMAND_ID_LIST: 0x08,
  GET_TRAINING_DATA: 0x09,
  READ_CHIP_ID_V3: 0x0a,
} as const;

/** DONE_RESP image_tx_status values. */
export const SaharaImageTxStatus = { PENDING: 0, COMPLETE: 1 } as const;

/** Image ID a PBL uses for the Firehose programmer (always 13 on Quectel modules). */
export const FIREHOSE_PROGRAMMER_IMAGE_ID = 13;

/** A status code's name and meaning. */
export interface SaharaStatusInfo {
  readonly name: string;
  readonly meaning: string;
}

const STATUS_TABLE: readonly (readonly [string, string])[] = [
  ['SUCCESS', 'success'],
  ['NAK_INVALID_CMD', 'invalid command received in current state'],
  ['NAK_PROTOCOL_MISMATCH', 'protocol mismatch between host and target'],
  ['NAK_INVALID_TARGET_PROTOCOL', 'invalid target protocol version'],
  ['NAK_INVALID_HOST_PROTOCOL', 'invalid host protocol version'],
  ['NAK_INVALID_PACKET_SIZE', 'invalid packet size received'],
  ['NAK_UNEXPECTED_IMAGE_ID', 'unexpected image ID received'],
  ['NAK_INVALID_HEADER_SIZE', 'invalid image header size'],
  ['NAK_INVALID_DATA_SIZE', 'invalid image data size'],
  ['NAK_INVALID_IMAGE_TYPE', 'invalid image type'],
  ['NAK_INVALID_TX_LENGTH', 'invalid transmission length'],
  ['NAK_INVALID_RX_LENGTH', 'invalid reception length'],
  ['NAK_GENERAL_TX_RX_ERROR', 'general transmit/receive error'],
  ['NAK_READ_DATA_ERROR', 'error while transmitting READ_DATA'],
  ['NAK_UNSUPPORTED_NUM_PHDRS', 'cannot receive the specified number of program headers'],
  ['NAK_INVALID_PDHR_SIZE', 'invalid data length for program headers'],
  ['NAK_MULTIPLE_SHARED_SEG', 'multiple shared segments in ELF'],
  ['NAK_UNINIT_PHDR_LOC', 'uninitialised program header location'],
  ['NAK_INVALID_DEST_ADDR', 'invalid destination address'],
  ['NAK_INVALID_IMG_HDR_DATA_SIZE', 'invalid data size in image header'],
  ['NAK_INVALID_ELF_HDR', 'invalid ELF header'],
  ['NAK_UNKNOWN_HOST_ERROR', 'unknown host error received in HELLO_RESP'],
  ['NAK_TIMEOUT_RX', 'timeout while receiving'],
  ['NAK_TIMEOUT_TX', 'timeout while transmitting'],
  ['NAK_INVALID_HOST_MODE', 'invalid mode received from host'],
  ['NAK_INVALID_MEMORY_READ', 'invalid memory read access'],
  ['NAK_INVALID_DATA_SIZE_REQUEST', 'host cannot handle the requested read size'],
  ['NAK_MEMORY_DEBUG_NOT_SUPPORTED', 'memory debug not supported'],
  ['NAK_INVALID_MODE_SWITCH', 'invalid mode switch'],
  ['NAK_CMD_EXEC_FAILURE', 'command execution failed'],
  ['NAK_EXEC_CMD_INVALID_PARAM', 'invalid parameter for command'],
  ['NAK_EXEC_CMD_UNSUPPORTED', 'unsupported client command'],
  ['NAK_EXEC_DATA_INVALID_CLIENT_CMD', 'invalid client command for data response'],
  ['NAK_HASH_TABLE_AUTH_FAILURE', 'hash table authentication failed'],
  ['NAK_HASH_VERIFICATION_FAILURE', 'segment hash verification failed'],
  ['NAK_HASH_TABLE_NOT_FOUND', 'hash table not found in ELF'],
  ['NAK_TARGET_INIT_FAILURE', 'target failed to initialise'],
  ['NAK_IMAGE_AUTH_FAILURE', 'generic image authentication failed'],
  ['NAK_INVALID_IMG_HASH_TABLE_SIZE', 'ELF hash table size too big or too small'],
  ['NAK_ENUMERATION_FAILURE', 'enumeration failed'],
  ['NAK_HW_BULK_TRANSFER_ERROR', 'hardware bulk transfer error'],
];

/** Status codes by name, e.g. `SaharaStatus.NAK_HASH_VERIFICATION_FAILURE === 0x22`. */
export const SaharaStatus: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(STATUS_TABLE.map(([name], code) => [name, code])),
);

/** Name and meaning of a Sahara status code; unknown codes are named `UNKNOWN_0x..`. */
export function saharaStatusInfo(code: number): SaharaStatusInfo {
  const row = STATUS_TABLE[code];
  if (row) return { name: row[0], meaning: row[1] };
  return {
    name: `UNKNOWN_0x${code.toString(16).padStart(2, '0')}`,
    meaning: 'status code not in the Sahara tables',
  };
}
