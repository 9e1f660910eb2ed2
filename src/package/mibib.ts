/**
 * The Quectel/Qualcomm NAND partition table image (`partition_complete_p2K_b128K.mbn`,
 * the MIBIB), as verified on real files in research/captures.md §2.3. Four pages:
 * page 0 the MIBIB header, page 1 the partition table (28-byte entries), page 2 erased
 * (a user table would sit there), page 3 a checksum block whose CRC is MSB-first CRC-32
 * (init 0, no xorout) over pages 0 and 1 — the `CRC32(0,4096)` of the patch file.
 *
 * @module
 */
import { PartitionTableError } from '../errors.js';
import { crc32MsbFirstInit0 } from '../crc32.js';
import { latin1 } from '../bytes.js';

export const MIBIB_HEADER_MAGIC = [0xfe569fac, 0xcd7f127a] as const;
export const MIBIB_TABLE_MAGIC = [0x55ee73aa, 0xe35ebddb] as const;
// The real files hold a1be419d ead2def1 (research/captures.md §2.3 misprints the second word).
export const MIBIB_CHECKSUM_MAGIC = [0x9d41bea1, 0xf1ded2ea] as const;
const ENTRY_SIZE = 28;
const TABLE_HEADER_SIZE = 16;

/** One NAND partition. */
export interface MibibPartition {
  /** e.g. `0:SBL`, `0:system`. */
  readonly name: string;
  readonly offsetBlocks: number;
  readonly lengthBlocks: number;
  readonly attributes: readonly number[];
  /** Byte offset of this entry's length field within the file (what patches rewrite). */
  readonly lengthFieldOffset: number;
}

/** A decoded MIBIB image. */
export interface Mibib {
  readonly pageSize: number;
  readonly headerVersion: number;
  readonly tableVersion: number;
  readonly partitions: readonly MibibPartition[];
  /** Page 3's checksum block, when present. */
  readonly checksum:
    | {
        readonly version: number;
        readonly stored: number;
        readonly computed: number;
        readonly matches: boolean;
      }
    | undefined;
}

/** A field of `b`, never of whatever buffer `b` may be a view into. */
function u32(b: Uint8Array, at: number): number {
  if (at < 0 || at + 4 > b.length)
    throw new PartitionTableError(
      'QFH_MIBIB_TRUNCATED',
      `MIBIB image is ${b.length} bytes and ends inside its table (a field at byte ${at})`,
    );
  return new DataView(b.buffer, b.byteOffset + at, 4).getUint32(0, true);
}
const hasMagic = (b: Uint8Array, at: number, magic: readonly [number, number]): boolean =>
  b.length >= at + 8 && u32(b, at) === magic[0] && u32(b, at + 4) === magic[1];

/** Whether `bytes` starts with a MIBIB header. */
export function isMibib(bytes: Uint8Array): boolean {
  return hasMagic(bytes, 0, MIBIB_HEADER_MAGIC);
}

/**
 * Decodes a MIBIB image; the page size (2 KiB or 4 KiB) is found from where the
 * partition table magic sits.
 * @throws PartitionTableError on a missing magic or a table that runs past its page.
 */
export function parseMibib(bytes: Uint8Array): Mibib {
  if (!isMibib(bytes))
    throw new PartitionTableError(
      'QFH_MIBIB_BAD_MAGIC',
      'not a NAND MIBIB image: page 0 lacks the MIBIB header magic fe569fac cd7f127a',
    );
  const pageSize = [2048, 4096, 8192].find((p) => hasMagic(bytes, p, MIBIB_TABLE_MAGIC));
  if (pageSize === undefined)
    throw new PartitionTableError(
      'QFH_MIBIB_BAD_MAGIC',
      'MIBIB image has no partition table magic 55ee73aa e35ebddb at page 1 (for 2, 4 or 8 KiB pages)',
    );
  const count = u32(bytes, pageSize + 12);
  if (TABLE_HEADER_SIZE + count * ENTRY_SIZE > pageSize) {
    throw new PartitionTableError(
      'QFH_MIBIB_TRUNCATED',
      `MIBIB table claims ${count} partitions, more than one ${pageSize}-byte page holds`,
    );
  }
  const tableEnd = pageSize + TABLE_HEADER_SIZE + count * ENTRY_SIZE;
  if (bytes.length < tableEnd)
    throw new PartitionTableError(
      'QFH_MIBIB_TRUNCATED',
      `MIBIB image is ${bytes.length} bytes but its ${count}-partition table ends at byte ${tableEnd}`,
    );
  const partitions: MibibPartition[] = [];
  for (let i = 0; i < count; i++) {
    const at = pageSize + TABLE_HEADER_SIZE + i * ENTRY_SIZE;
    const nameBytes = bytes.subarray(at, at + 16);
    const end = nameBytes.indexOf(0);
    partitions.push({
      name: latin1(nameBytes.subarray(0, end < 0 ? 16 : end)),
      offsetBlocks: u32(bytes, at + 16),
      lengthBlocks: u32(bytes, at + 20),
      attributes: [...bytes.subarray(at + 24, at + 28)],
      lengthFieldOffset: at + 20,
    });
  }
  const checksumAt = 3 * pageSize;
  const checksum =
    hasMagic(bytes, checksumAt, MIBIB_CHECKSUM_MAGIC) && bytes.length >= checksumAt + 16
      ? (() => {
          const stored = u32(bytes, checksumAt + 12);
          const computed = mibibChecksum(bytes, pageSize);
          return {
            version: u32(bytes, checksumAt + 8),
            stored,
            computed,
            matches: stored === computed,
          };
        })()
      : undefined;
  return {
    pageSize,
    headerVersion: u32(bytes, 8),
    tableVersion: u32(bytes, pageSize + 8),
    partitions,
    checksum,
  };
}

/** The checksum page 3 should hold: MSB-first CRC-32 (init 0) over pages 0 and 1. */
export function mibibChecksum(bytes: Uint8Array, pageSize: number): number {
  if (bytes.length < 2 * pageSize)
    throw new PartitionTableError(
      'QFH_MIBIB_TRUNCATED',
      `MIBIB image is ${bytes.length} bytes, shorter than two ${pageSize}-byte pages`,
    );
  return crc32MsbFirstInit0(bytes.subarray(0, 2 * pageSize));
}
