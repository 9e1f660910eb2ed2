/**
 * Every protocol timeout in one table, by operation and storage type, with the reason for
 * each value (research/captures.md §1.8 for QFirehose's, research/peers.md and edl.md §2.8
 * for qdl's and edl's). Overridable from the CLI; nothing else in qfh holds a timeout.
 *
 * @module
 */

/** Storage types timeouts differ by. */
export type StorageKindForTimeouts = 'nand' | 'emmc' | 'ufs';

/** Milliseconds per operation. */
export interface Timeouts {
  /** Waiting for the PBL's HELLO after opening the device (it is sent once, on enumeration). */
  saharaHello: number;
  /** Each Sahara packet after HELLO (READ_DATA comes within milliseconds on real modules). */
  saharaPacket: number;
  /** From Sahara DONE to a working programmer: configure is retried until this deadline (banner arrives ≈1 s after DONE). */
  firehoseStartup: number;
  /** One configure attempt. */
  configure: number;
  /** erase/patch: QFirehose allows 15 s ("8+8 MCP need more time", "SDX55 need 4 seconds"). */
  erase: number;
  /** The rawmode="true" ACK after <program>/<read> (QFirehose: 3 s). */
  programAck: number;
  /** Each raw data write/read of up to one payload (QFirehose: 15 s). */
  rawData: number;
  /** The final ACK after the raw data; qdl saw a ZLP take 1.7 s after large eMMC writes (QFirehose: 6 s). */
  programFinal: number;
  /** getsha256digest per MiB hashed, plus programAck. */
  digestPerMiB: number;
  /** nop, getstorageinfo, setbootablestoragedrive, power. */
  command: number;
}

const BASE: Timeouts = {
  saharaHello: 3_000,
  saharaPacket: 5_000,
  firehoseStartup: 10_000,
  configure: 3_000,
  erase: 15_000,
  programAck: 3_000,
  rawData: 15_000,
  programFinal: 6_000,
  digestPerMiB: 200,
  command: 5_000,
};

/** The table for a storage type (NAND erases whole blocks and is slower to finish a write). */
export function timeoutsFor(
  storage: StorageKindForTimeouts,
  overrides: Partial<Timeouts> = {},
): Timeouts {
  const byStorage: Partial<Timeouts> =
    storage === 'nand' ? { programFinal: 10_000 } : storage === 'ufs' ? { erase: 30_000 } : {};
  return { ...BASE, ...byStorage, ...overrides };
}
