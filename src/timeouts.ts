/**
 * Every protocol wait in one table, by operation and storage kind, with the reason for each
 * value (research/captures.md §1.8 for QFirehose's, research/peers.md and edl.md §2.8 for
 * qdl's and edl's). Waits whose device time grows with the amount of storage touched (erase,
 * program, digest) scale with it. Overridable from the CLI (`--timeout NAME=MS`); nothing
 * else in qfh holds a protocol timeout.
 *
 * @module
 */
import { UsageError } from './errors.js';
import type { StorageKind } from './storage-kind.js';

/** Milliseconds per operation (`…PerGiB` entries are added per GiB of storage touched). */
export interface Timeouts {
  /** Waiting for the PBL's HELLO after opening the device (it is sent once, on enumeration). */
  saharaHello: number;
  /** Each Sahara packet after HELLO (READ_DATA comes within milliseconds on real modules). */
  saharaPacket: number;
  /** From Sahara DONE to the programmer's banner: real ones take ≈1 s (captures.md §1.4). */
  firehoseBanner: number;
  /** From Sahara DONE to a working programmer: configure is retried until this deadline. */
  firehoseStartup: number;
  /** One configure attempt. */
  configure: number;
  /** After a command timed out, how long the line must stay quiet before qfh speaks again. */
  staleQuiet: number;
  /** erase: QFirehose allows 15 s ("8+8 MCP need more time", "SDX55 need 4 seconds"). */
  erase: number;
  /** Added to `erase` per GiB erased (a whole-NAND or whole-LUN erase is not a 15 s affair). */
  erasePerGiB: number;
  /** patch (QFirehose: 15 s, as erase). */
  patch: number;
  /** The rawmode="true" ACK after <program>/<read> (QFirehose: 3 s). */
  programAck: number;
  /** Each raw data write/read of up to one payload (QFirehose: 15 s). */
  rawData: number;
  /** The final ACK after the raw data; qdl saw a ZLP take 1.7 s after large eMMC writes (QFirehose: 6 s). */
  programFinal: number;
  /**
   * Added to `programFinal` per GiB programmed: a device flushes its write cache before that
   * ACK, and the flush grows with the range, as an erase does.
   */
  programFinalPerGiB: number;
  /** getsha256digest: a fixed part. */
  digest: number;
  /** getsha256digest per GiB hashed on the device. */
  digestPerGiB: number;
  /** nop, getstorageinfo, setbootablestoragedrive, power. */
  command: number;
  /** An AT port's `OK` to `AT`, when qfh asks what a TCP device server carries (modems answer in ms). */
  atAnswer: number;
  /**
   * The longest qfh waits for a line to fall quiet (answers owed to a timed-out command, a
   * programmer already running, logs after the last command): a programmer that streams
   * logs forever ends the session here instead of holding it.
   */
  logFlood: number;
}

const BASE: Timeouts = {
  saharaHello: 3_000,
  saharaPacket: 5_000,
  firehoseBanner: 3_000,
  firehoseStartup: 10_000,
  configure: 3_000,
  staleQuiet: 1_000,
  erase: 15_000,
  erasePerGiB: 4_000,
  patch: 15_000,
  programAck: 3_000,
  rawData: 15_000,
  programFinal: 6_000,
  programFinalPerGiB: 20_000,
  digest: 3_000,
  digestPerGiB: 200_000,
  command: 5_000,
  atAnswer: 2_000,
  logFlood: 10_000,
};

/** NAND erases whole blocks and finishes writes more slowly; UFS erases (unmaps) whole LUNs. */
const BY_KIND: Readonly<Record<StorageKind, Partial<Timeouts>>> = {
  nand: { programFinal: 10_000, erasePerGiB: 8_000 },
  emmc: {},
  ufs: { erase: 30_000 },
};

/** Every entry's name, for `--timeout NAME=MS`. */
export const TIMEOUT_NAMES = Object.keys(BASE) as readonly (keyof Timeouts)[];

/** The table for a storage kind, with overrides applied. */
export function timeoutsFor(kind: StorageKind, overrides: Partial<Timeouts> = {}): Timeouts {
  return { ...BASE, ...BY_KIND[kind], ...overrides };
}

const GIB = 1 << 30;

/** The wait for an erase of `bytes`. */
export function eraseTimeout(t: Timeouts, bytes: number): number {
  return Math.round(t.erase + (bytes / GIB) * t.erasePerGiB);
}

/** The wait for the final ACK of a program of `bytes`. */
export function programFinalTimeout(t: Timeouts, bytes: number): number {
  return Math.round(t.programFinal + (bytes / GIB) * t.programFinalPerGiB);
}

/** The wait for a getsha256digest over `bytes`. */
export function digestTimeout(t: Timeouts, bytes: number): number {
  return Math.round(t.digest + (bytes / GIB) * t.digestPerGiB);
}

/**
 * Parses `NAME=MS` overrides (the CLI's repeated `--timeout`).
 * @throws UsageError naming the entries when a name is unknown or a value is not a whole number.
 */
export function parseTimeoutOverrides(specs: readonly string[]): Partial<Timeouts> {
  const out: Partial<Timeouts> = {};
  for (const spec of specs) {
    const m = /^([A-Za-z]+)=(\d+)$/.exec(spec.trim());
    const name = m?.[1] as keyof Timeouts | undefined;
    if (!m || name === undefined || !TIMEOUT_NAMES.includes(name)) {
      throw new UsageError('QFH_USAGE', `--timeout wants NAME=MS, got "${spec}"`, {
        hint: `NAME is one of: ${TIMEOUT_NAMES.join(', ')}; MS is whole milliseconds.`,
      });
    }
    out[name] = Number(m[2]);
  }
  return out;
}
